"""A signing code belongs to one contract and one signing session, and expires with it."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from contracts import services
from contracts.models import Contract, Signature, SigningSession
from ispbill.accounts.models import OneTimeCode
from tests.contracts.conftest import CODE, sign, start_signing

pytestmark = pytest.mark.usefixtures("fixed_code")


@pytest.fixture
def second(template, subscription):
    """A second contract of the same customer, also waiting for the signature."""
    return services.contract_send(actor=None, contract=services.contract_create(actor=None, subscription=subscription, template=template))


def test_a_code_for_contract_a_cannot_sign_contract_b(sent, second):
    session_a = start_signing(sent)

    with pytest.raises(ValidationError, match="another contract"):
        sign(second, code=CODE, session_key=session_a.key)

    second.refresh_from_db()
    assert second.status == Contract.Status.SENT and not Signature.objects.exists()
    otp = OneTimeCode.objects.get(pk=session_a.one_time_code_id)
    assert otp.used_at is None and otp.attempts == 0, "the code of A was not even tried on B"
    sign(sent, code=CODE, session_key=session_a.key)
    sent.refresh_from_db()
    assert sent.status == Contract.Status.ACTIVE


def test_the_code_of_an_older_session_no_longer_signs(sent, second):
    first = start_signing(sent)
    start_signing(second)  # a newer code, for another contract, replaces the first one

    with pytest.raises(ValidationError, match="wrong or has expired"):
        sign(sent, code=CODE, session_key=first.key)
    assert not Signature.objects.exists()


def test_asking_again_ends_the_contracts_earlier_session(sent):
    first = start_signing(sent)
    again = start_signing(sent)

    first.refresh_from_db()
    assert first.ended_at is not None and again.ended_at is None
    with pytest.raises(ValidationError, match="another contract"):
        sign(sent, session_key=first.key)
    sign(sent, session_key=again.key)
    again.refresh_from_db()
    assert again.ended_at is not None, "a session that signed is over"


def test_an_expired_session_does_not_sign(sent, settings):
    session = start_signing(sent)
    assert session.expires_at == OneTimeCode.objects.get(pk=session.one_time_code_id).expires_at
    assert session.expires_at <= timezone.now() + timedelta(minutes=settings.OTP_TTL_MINUTES)
    SigningSession.objects.filter(pk=session.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    with pytest.raises(ValidationError, match="expired"):
        sign(sent, session_key=session.key)
    assert not Signature.objects.exists()


def test_signing_without_a_session_is_refused(sent):
    with pytest.raises(ValidationError, match="Ask for a new code"):
        sign(sent, session_key="")


def test_no_code_is_sent_for_a_contract_that_is_not_waiting(sent, template, subscription):
    draft = services.contract_create(actor=None, subscription=subscription, template=template)
    with pytest.raises(ValidationError, match="not waiting"):
        start_signing(draft)
    assert not SigningSession.objects.exists() and not OneTimeCode.objects.exists()


def test_the_portal_keeps_the_session_in_the_browser_that_asked(client, sent, second):
    """In the portal, the code asked for on contract A's page does not sign contract B."""
    from django.urls import reverse

    from tests.contracts.conftest import signature_png
    from tests.contracts.test_views import portal_client

    client = portal_client(client, sent)
    client.post(reverse("portal:contract-code", args=[sent.pk]))
    data = {"code": CODE, "signer_name": "Rahim Uddin", "signature": signature_png(), "consent": "on",
            "consent_text": services.consent_text_for(second), "device_time": "now"}

    refused = client.post(reverse("portal:contract-sign", args=[second.pk]), data)

    assert refused.status_code == 400 and "another contract" in refused.content.decode()
    assert not Signature.objects.exists()
    signed = client.post(reverse("portal:contract-sign", args=[sent.pk]), {**data, "consent_text": services.consent_text_for(sent)})
    assert signed.status_code == 302 and Signature.objects.get().contract_id == sent.pk
