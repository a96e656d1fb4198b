"""The reseller's name and logo on their customers' invoices (PDF and portal) and their SMS sender name,
reached by billing and notify through the core/branding registry."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from billing import documents
from billing.models import InvoiceLine
from billing.services import LineSpec, invoice_create
from ispbill.notify import services as notify
from ispbill.notify.backends import HttpSmsBackend
from ispbill.notify.events import Event
from resellers import services
from tests.billing.test_documents import pdf_text
from tests.factories import make_customer
from tests.resellers.helpers import make_reseller

pytestmark = pytest.mark.django_db

# The smallest valid PNG: one transparent pixel.
PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def _invoice(customer):
    return invoice_create(actor=None, customer=customer, lines=[LineSpec(
        kind=InvoiceLine.Kind.ONE_TIME, description="Router", amount=Decimal("500.00"),
    )])


def test_invoice_pdf_and_portal_carry_the_resellers_name_and_logo_only_when_chosen(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    reseller, area, _router, _package, actor = make_reseller()
    customer = make_customer(area=area, reseller=reseller, portal_password="portal-pass-1")
    invoice = _invoice(customer)
    assert reseller.name not in pdf_text(documents.invoice_pdf(invoice).content)

    services.reseller_update(actor=actor, reseller=reseller, brand_on_documents=True,
                             logo=SimpleUploadedFile("logo.png", PIXEL, content_type="image/png"))
    text = pdf_text(documents.invoice_pdf(invoice).content)
    assert reseller.name in text and "authorised reseller" in text

    client.force_login(customer.user)
    page = client.get(reverse("portal:invoice-list")).content.decode()
    assert 'id="reseller-brand"' in page and reseller.name in page and "data:image/png;base64," in page
    # The ISP's own customers see no reseller.
    own = make_customer(area=area, portal_password="portal-pass-1")
    client.force_login(own.user)
    assert 'id="reseller-brand"' not in client.get(reverse("portal:invoice-list")).content.decode()


def test_sms_to_a_resellers_customers_go_out_under_the_resellers_sender_id(settings):
    settings.SMS_GATEWAY = {**settings.SMS_GATEWAY, "url": "http://127.0.0.1:9/api", "sender_id": "ISPNET",
                            "param_sender_id": "senderid"}
    reseller, area, _router, _package, actor = make_reseller()
    services.reseller_update(actor=actor, reseller=reseller, sms_sender_id="PALLABINET")
    theirs = make_customer(area=area, reseller=reseller, phone="01712345678")
    isp_own = make_customer(area=area, phone="01812345678")
    context = {"login": "rahim1", "package_name": "Home 20", "non_payment": True, "amount_due": Decimal("1150")}
    sent = {}
    for customer in (theirs, isp_own):
        notify.notification_preference_set(actor=None, customer=customer, event=Event.SUSPENDED, channels={"sms"})
        (message,) = notify.notify_customer(event=Event.SUSPENDED, customer=customer, context=context)
        _method, url, _body, _headers = HttpSmsBackend().request_for(message)
        sent[customer.pk] = url
    assert "senderid=PALLABINET" in sent[theirs.pk]
    assert "senderid=ISPNET" in sent[isp_own.pk]
