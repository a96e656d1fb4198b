"""Signing on the technician's phone at an installation visit: the visit page shows the step, the
customer reads, gets the code on their registered phone, draws and agrees; the evidence names the
technician as witness. Only the technician of the visit reaches the page."""

import html
import re

import pytest
from django.urls import reverse

from contracts import services
from contracts.models import Contract, Signature, SigningChannel, SigningSession
from ispbill.notify.models import Message
from tests.contracts.conftest import CODE, signature_png
from tests.factories import UserFactory
from tests.fieldservice.conftest import installation

pytestmark = pytest.mark.usefixtures("fixed_code")


@pytest.fixture
def onsite_technician(db):
    return UserFactory(kind="technician", username="tech-onsite", first_name="Shuvo")


@pytest.fixture
def visit(template, onsite_technician):
    order = installation(technician=onsite_technician)
    contract = services.contract_send(actor=None, contract=services.contract_create(
        actor=None, subscription=order.subscription, template=template))
    return order, contract


def step_link(client, order) -> str:
    page = client.get(reverse("technician:order-detail", args=[order.pk])).content.decode()
    assert 'id="order-step-contract-sign"' in page
    return html.unescape(re.search(r'href="(/technician/contracts/sign/[^"]+/)"', page).group(1))


def test_the_customer_signs_on_the_technicians_phone_with_the_code_and_the_same_evidence(client, visit, onsite_technician):
    order, contract = visit
    client.force_login(onsite_technician)
    url = step_link(client, order)
    page = client.get(url).content.decode()
    assert contract.number in page and "Send the code to the customer" in page and contract.body_text[:40] in html.unescape(page)

    client.post(f"{url}code/")
    assert Message.objects.filter(event="one_time_code", to=contract.customer.phone).exists()
    form = client.get(url).content.decode()
    assert 'id="sign-form"' in form
    data = {"code": "000000", "signer_name": contract.customer.name, "signature": signature_png(), "consent": "on",
            "consent_text": services.consent_text_for(contract), "latitude": "23.7806", "longitude": "90.4070", "device_time": "now"}
    wrong = client.post(f"{url}sign/", data)
    assert wrong.status_code == 400 and not Signature.objects.exists()

    assert client.post(f"{url}sign/", {**data, "code": CODE}).status_code == 302

    contract.refresh_from_db()
    signature = contract.signature
    assert contract.status == Contract.Status.ACTIVE
    assert (signature.channel, signature.witness, signature.phone_verified) == (SigningChannel.ON_SITE, onsite_technician, contract.customer.phone)
    assert signature.latitude is not None and signature.consent_sha256 == services.sha256(data["consent_text"].encode())
    assert contract.events.get(action="sign").data["visit"] == str(order.pk)
    assert "Signed by" in client.get(url).content.decode()
    done = client.get(reverse("technician:order-detail", args=[order.pk])).content.decode()
    assert "✔ Customer signs the contract" in done


def test_another_technician_or_a_forged_link_gets_404_and_nothing_changes(client, visit, onsite_technician):
    order, contract = visit
    client.force_login(onsite_technician)
    url = step_link(client, order)
    intruder = UserFactory(kind="technician", username="tech-intruder")
    client.force_login(intruder)
    for target in (url, f"{url}document.pdf"):
        assert client.get(target).status_code == 404
    assert client.post(f"{url}code/").status_code == 404
    assert client.post(f"{url}sign/", {"code": CODE}).status_code == 404
    forged = url.replace("/sign/", "/sign/x", 1)
    client.force_login(onsite_technician)
    assert client.get(forged).status_code == 404
    assert not SigningSession.objects.exists() and not Message.objects.filter(event="one_time_code").exists()
    contract.refresh_from_db()
    assert contract.status == Contract.Status.SENT


def test_a_visit_without_a_contract_waiting_shows_no_step(client, onsite_technician):
    order = installation(technician=onsite_technician)
    client.force_login(onsite_technician)
    page = client.get(reverse("technician:order-detail", args=[order.pk])).content.decode()
    assert "order-step-contract-sign" not in page


def test_the_signing_page_on_the_phone_is_in_the_customers_language(client, visit, onsite_technician):
    """The technician's app is in English; the page the customer reads and signs on is in Bangla."""
    order, contract = visit
    contract.customer.__class__.objects.filter(pk=contract.customer_id).update(language="bn")
    client.force_login(onsite_technician)
    url = step_link(client, order)
    client.post(f"{url}code/")
    page = client.get(url).content.decode()
    for bangla in ("ফোনটি গ্রাহকের হাতে দিন", "আপনার স্বাক্ষর আঁকুন", "চুক্তি স্বাক্ষর করুন", "এককালীন কোড", "নতুন কোড পাঠান"):
        assert bangla in page
    data = {"code": "999999", "signer_name": "X", "signature": "", "consent": "on", "consent_text": services.consent_text_for(contract)}
    refused = client.post(f"{url}sign/", data).content.decode()
    assert "আপনার স্বাক্ষর আঁকুন" in refused
    assert "My work" in client.get(reverse("technician:order-detail", args=[order.pk])).content.decode()


def _sign_data(contract, code=CODE):
    return {"code": code, "signer_name": contract.customer.name, "signature": signature_png(), "consent": "on",
            "consent_text": services.consent_text_for(contract), "latitude": "23.7806", "longitude": "90.4070", "device_time": "now"}


def _assert_link_is_dead(client, url, contract):
    for target in (url, f"{url}document.pdf"):
        assert client.get(target).status_code == 404
    assert client.post(f"{url}code/").status_code == 404
    assert client.post(f"{url}sign/", _sign_data(contract)).status_code == 404
    assert not SigningSession.objects.exists() and not Message.objects.filter(event="one_time_code").exists()
    contract.refresh_from_db()
    assert contract.status == Contract.Status.SENT and not Signature.objects.exists()


@pytest.mark.parametrize("what", ["reassigned", "unassigned", "cancelled", "failed"])
def test_an_onsite_link_ends_when_the_visit_is_no_longer_the_technicians_open_visit(client, visit, onsite_technician, what):
    from fieldservice import services as fieldservice_services

    order, contract = visit
    client.force_login(onsite_technician)
    url = step_link(client, order)
    assert client.get(url).status_code == 200
    if what == "reassigned":
        fieldservice_services.workorder_schedule(actor=None, order=order, technician=UserFactory(kind="technician", username="tech-next"))
    elif what == "unassigned":
        fieldservice_services.workorder_unassign(actor=None, order=order)
    elif what == "cancelled":
        fieldservice_services.workorder_cancel(actor=None, order=order, reason="Customer moved")
    else:
        fieldservice_services.workorder_fail(actor=None, order=order, reason="Nobody home")

    _assert_link_is_dead(client, url, contract)


def test_an_onsite_link_for_another_connections_visit_gets_404(client, visit, onsite_technician, template):
    """A link made for this contract but naming a visit of the technician's to another connection."""
    from contracts.onsite import onsite_token

    _order, contract = visit
    other_visit = installation(technician=onsite_technician)
    client.force_login(onsite_technician)
    url = reverse("technician:contract-onsite", args=[onsite_token(contract=contract, technician=onsite_technician, visit_id=other_visit.pk)])
    _assert_link_is_dead(client, url, contract)


def test_an_onsite_link_takes_one_signature(client, visit, onsite_technician):
    order, contract = visit
    client.force_login(onsite_technician)
    url = step_link(client, order)
    client.post(f"{url}code/")
    assert client.post(f"{url}sign/", _sign_data(contract)).status_code == 302
    signed = Signature.objects.get()
    events = contract.events.count()

    assert client.post(f"{url}code/").status_code == 404
    assert client.post(f"{url}sign/", _sign_data(contract)).status_code == 404

    assert Signature.objects.get() == signed and contract.events.count() == events
    assert SigningSession.objects.count() == 1
    page = client.get(url)
    assert page.status_code == 200 and "Signed by" in page.content.decode() and 'id="sign-form"' not in page.content.decode()
