"""Malformed signing requests are refused with a 4xx and change nothing: the place of signing must be
two finite numbers on the globe, the drawn signature is measured before it is decoded, and the
one-time code survives any refusal, so the customer can sign with it at once."""

import html
import re
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from contracts.models import Contract, ContractEvent, Signature
from ispbill.accounts.models import OneTimeCode
from tests.contracts.conftest import CODE, sign, signature_png, start_signing
from tests.contracts.test_views import portal_client
from tests.image_files import data_url, png_declaring

pytestmark = pytest.mark.usefixtures("fixed_code")


def state(contract) -> tuple:
    contract.refresh_from_db()
    otp = OneTimeCode.objects.filter(purpose="contract_sign").order_by("-id").first()
    return (contract.status, contract.signed_at, Signature.objects.count(), ContractEvent.objects.filter(contract=contract).count(),
            otp.used_at, otp.attempts)


BAD_PLACES = [
    ("NaN", "90.4125"), ("nan", "nan"), ("sNaN", "90.4"), ("Infinity", "90.4"), ("23.8", "-inf"), ("91", "90.4"),
    ("23.8", "180.5"), ("north", "east"), ("1e999", "90"), ("23.8", ""), ("", "90.4"), ("23.8;DROP", "90.4"),
]


@pytest.mark.parametrize("latitude, longitude", BAD_PLACES)
def test_a_malformed_place_is_refused_before_the_code_and_the_code_still_signs(sent, latitude, longitude):
    start_signing(sent)
    before = state(sent)

    with pytest.raises(ValidationError, match="location sent with the signature is not valid"):
        sign(sent, latitude=latitude, longitude=longitude)

    assert state(sent) == before, "nothing signed, the code neither used nor counted"
    signature = sign(sent, latitude="-33.868820", longitude="151.209296")
    assert (signature.latitude, signature.longitude) == (Decimal("-33.868820"), Decimal("151.209296"))


def test_no_place_at_all_signs_without_one(sent):
    start_signing(sent)
    signature = sign(sent, latitude="", longitude=None)
    assert signature.latitude is None and signature.longitude is None


def test_a_failure_after_the_code_matched_leaves_the_code_usable(sent):
    """The PDF renderer failing (a full disk, a missing font) must not burn the customer's code."""
    start_signing(sent)
    before = state(sent)

    with mock.patch("contracts.signing.contract_pdf", side_effect=OSError("disk full")), pytest.raises(OSError):
        sign(sent)

    assert state(sent) == before
    sign(sent)
    sent.refresh_from_db()
    assert sent.status == Contract.Status.ACTIVE


@pytest.mark.parametrize("width, height", [(4000, 2000), (4001, 300), (800, 1001), (30000, 30000)])
def test_a_signature_declaring_a_huge_picture_is_refused_and_the_code_survives(sent, width, height):
    start_signing(sent)
    before = state(sent)

    with pytest.raises(ValidationError, match="too large"):
        sign(sent, signature_data_url=data_url(png_declaring(width, height)))

    assert state(sent) == before
    sign(sent)


def test_an_oversized_data_url_is_refused_before_it_is_decoded(sent):
    start_signing(sent)
    with mock.patch("contracts.signing.base64.b64decode") as decode, pytest.raises(ValidationError, match="too large"):
        sign(sent, signature_data_url="data:image/png;base64," + "A" * 500_000)
    decode.assert_not_called()


def _form(client, contract) -> dict:
    client.post(reverse("portal:contract-code", args=[contract.pk]))
    page = client.get(reverse("portal:contract-detail", args=[contract.pk]), {"code": "sent"}).content.decode()
    consent = html.unescape(re.search(r'name="consent_text" value="([^"]+)"', page).group(1))
    return {"code": CODE, "signer_name": "Rahim Uddin", "signature": signature_png(), "consent": "on",
            "consent_text": consent, "latitude": "", "longitude": "", "device_time": "now"}


@pytest.mark.parametrize("overrides", [
    {"latitude": "NaN", "longitude": "NaN"},
    {"latitude": "23.81", "longitude": "Infinity"},
    {"latitude": "-91", "longitude": "0"},
    {"latitude": "23.81"},
    {"signature": lambda: data_url(png_declaring(4000, 4000))},  # made in the test (tests/image_files.py)
    {"signature": "data:image/png;base64," + "A" * 500_000},
    {"signature": "data:image/png;base64,%%%"},
])
def test_the_portal_answers_400_to_a_malformed_signing_and_the_code_still_signs(client, sent, overrides):
    overrides = {name: value() if callable(value) else value for name, value in overrides.items()}
    client = portal_client(client, sent)
    data = _form(client, sent)
    before = state(sent)

    response = client.post(reverse("portal:contract-sign", args=[sent.pk]), {**data, **overrides})

    assert response.status_code == 400
    assert state(sent) == before
    assert client.post(reverse("portal:contract-sign", args=[sent.pk]), data).status_code == 302
    sent.refresh_from_db()
    assert sent.status == Contract.Status.ACTIVE
