"""Contract screens: staff list, detail and actions, templates, the customer tab, the portal's
signing flow and the public verification page."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contracts import services
from contracts.models import Contract, ContractTemplate, Signature
from ispbill.notify.models import Message
from tests.contracts.conftest import CODE, signature_png
from tests.factories import UserFactory, make_customer

pytestmark = pytest.mark.usefixtures("fixed_code")


def portal_client(client, contract):
    customer = contract.customer
    from customers.services import customer_portal_access_set

    customer_portal_access_set(actor=None, customer=customer, password="portal-pass-9")
    customer.refresh_from_db()
    client.force_login(customer.user)
    return client


def test_staff_list_filters_and_detail_show_the_contract(staff_client, sent, template, subscription):
    draft = services.contract_create(actor=None, subscription=subscription, template=template)

    unsigned = staff_client.get(reverse("staff:contract-list"), {"show": "unsigned"}).content.decode()
    assert sent.number in unsigned and draft.number in unsigned
    assert sent.number not in staff_client.get(reverse("staff:contract-list"), {"show": "expiring"}).content.decode()
    page = staff_client.get(reverse("staff:contract-detail", args=[sent.pk])).content.decode()
    assert "hash chain intact" in page and "Resend" in page
    tab = staff_client.get(reverse("staff:customer-detail", args=[sent.customer.pk]), {"tab": "contracts"}).content.decode()
    assert sent.number in tab and reverse("staff:contract-create", args=[sent.customer.pk]) in tab

    response = staff_client.post(reverse("staff:contract-send", args=[draft.pk]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Contract.Status.SENT and draft.document_sha256
    pdf = staff_client.get(reverse("staff:contract-document", args=[draft.pk]))
    assert pdf["Content-Type"] == "application/pdf"


def test_staff_draft_a_contract_from_the_customer_page(staff_client, template, subscription):
    response = staff_client.post(reverse("staff:contract-create", args=[subscription.customer.pk]), {
        "subscription": subscription.pk, "template": template.pk, "term_months": "", "start_date": "2026-12-01",
        "auto_renew": "on", "notice_days": "30", "reminder_days": "30", "fee_kind": "fixed", "fee_value": "1500",
        "equipment": "ONU",
    })
    contract = Contract.objects.get()
    assert response.status_code == 302 and contract.term_months == 12 and contract.status == "draft"


def test_a_template_with_an_unknown_variable_is_refused_on_the_screen(staff_client, template):
    response = staff_client.post(reverse("staff:contracttemplate-edit"), {
        "key": "home", "language": "en", "title": "Home", "body": "Dear {{ customer }}",
    })
    assert response.status_code == 400 and "Unknown variable" in response.content.decode()
    assert ContractTemplate.objects.count() == 1
    staff_client.post(reverse("staff:contracttemplate-edit"), {"key": "home", "language": "en", "title": "Home", "body": "Dear {{ customer_name }}"})
    assert ContractTemplate.objects.filter(key="home").count() == 2


def test_a_cashier_cannot_send_or_void_and_nothing_changes(client, sent):
    client.force_login(UserFactory(roles=["Cashier"]))
    assert client.post(reverse("staff:contract-void", args=[sent.pk]), {"reason": "x"}).status_code == 403
    assert client.get(reverse("staff:contract-list")).status_code == 403
    sent.refresh_from_db()
    assert sent.status == Contract.Status.SENT


def test_the_customer_signs_in_the_portal_and_the_signed_pdf_verifies(client, sent):
    client = portal_client(client, sent)
    listing = client.get(reverse("portal:contract-list")).content.decode()
    assert sent.number in listing and "Read and sign" in listing

    client.post(reverse("portal:contract-code", args=[sent.pk]))
    assert Message.objects.filter(event="one_time_code", to=sent.customer.phone).exists()
    form = client.get(reverse("portal:contract-detail", args=[sent.pk]), {"code": "sent"}).content.decode()
    consent = re.search(r'name="consent_text" value="([^"]+)"', form).group(1)
    import html

    data = {"code": "000000", "signer_name": "Rahim Uddin", "signature": signature_png(), "consent": "on",
            "consent_text": html.unescape(consent), "latitude": "", "longitude": "", "device_time": "now"}
    wrong = client.post(reverse("portal:contract-sign", args=[sent.pk]), data)
    assert wrong.status_code == 400 and "wrong or has expired" in wrong.content.decode()
    assert not Signature.objects.exists()

    response = client.post(reverse("portal:contract-sign", args=[sent.pk]), {**data, "code": CODE})
    assert response.status_code == 302
    sent.refresh_from_db()
    assert sent.status == Contract.Status.ACTIVE
    signed = client.get(reverse("portal:contract-signed-document", args=[sent.pk]))
    content = b"".join(signed.streaming_content)

    client.logout()
    verify_url = reverse("contract-verify", args=[sent.verify_code])
    ok = client.post(verify_url, {"document": SimpleUploadedFile("c.pdf", content, "application/pdf")})
    assert "Verified" in ok.content.decode()
    bad = client.post(verify_url, {"document": SimpleUploadedFile("c.pdf", content[:-5] + b"xxxxx", "application/pdf")})
    assert "Not verified" in bad.content.decode()
    assert client.get(reverse("contract-verify", args=["no-such-code"])).status_code == 404


def test_another_customer_cannot_see_or_sign_the_contract(client, sent):
    other = make_customer(portal_password="portal-pass-8")
    client.force_login(other.user)
    for name in ("portal:contract-detail", "portal:contract-document"):
        assert client.get(reverse(name, args=[sent.pk])).status_code == 404
    assert client.post(reverse("portal:contract-sign", args=[sent.pk]), {"code": CODE}).status_code == 404
    assert sent.number not in client.get(reverse("portal:contract-list")).content.decode()


def test_a_draft_is_not_shown_in_the_portal(client, template, subscription):
    draft = services.contract_create(actor=None, subscription=subscription, template=template)
    client = portal_client(client, draft)
    assert client.get(reverse("portal:contract-detail", args=[draft.pk])).status_code == 404
