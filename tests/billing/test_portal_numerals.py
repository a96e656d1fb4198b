"""A customer who chose Bangla digits sees amounts and dates in ০১২৩ on the invoice list and the
overview too, not only on the profile; invoice numbers stay as printed (they are quoted with payments)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from billing.models import InvoiceLine
from billing.services import LineSpec, invoice_create
from ispbill.accounts.templatetags.portal_numerals import to_bangla_digits
from ispbill.core.periods import Period
from tests.factories import make_customer, make_subscription

pytestmark = pytest.mark.django_db


def _customer_with_invoice(*, language: str, bangla_numerals: bool):
    customer = make_customer(name="Karim Mia", phone="01711000321", portal_password="portal-pass-1")
    subscription = make_subscription(customer=customer)
    start = timezone.localdate().replace(day=1)
    invoice = invoice_create(
        actor=None, customer=customer, issue_date=start,
        lines=[LineSpec(kind=InvoiceLine.Kind.RECURRING, description="Home 20 Mbps", amount=Decimal("1234.50"),
                        subscription_id=subscription.pk, period=Period(start, start + timedelta(days=29)))],
    )
    customer.user.language = language
    customer.user.bangla_numerals = bangla_numerals
    customer.user.save(update_fields=["language", "bangla_numerals"])
    return customer, invoice


def test_invoice_list_and_overview_in_bangla_digits_when_chosen(client):
    customer, invoice = _customer_with_invoice(language="bn", bangla_numerals=True)
    client.force_login(customer.user)
    total = f"{invoice.total:,.2f}"
    issued = invoice.issue_date.strftime("%Y")

    page = client.get(reverse("portal:invoice-list")).content.decode()
    row = page[page.index(f'id="invoice-{invoice.pk}"'):]
    row = row[:row.index("</tr>")]
    assert to_bangla_digits(total) in row and total not in row
    assert to_bangla_digits(issued) in row and issued not in row.replace(invoice.number, "")
    assert invoice.number in row  # the number a customer quotes stays in ASCII digits

    overview = client.get(reverse("portal:home")).content.decode()
    due = overview[overview.index('id="pay-now"'):]
    assert to_bangla_digits(total) in due[:due.index("</article>")]


def test_bangla_page_keeps_ascii_digits_unless_chosen(client):
    customer, invoice = _customer_with_invoice(language="bn", bangla_numerals=False)
    client.force_login(customer.user)
    page = client.get(reverse("portal:invoice-list")).content.decode()
    assert 'lang="bn"' in page
    assert f"{invoice.total:,.2f}" in page and to_bangla_digits(f"{invoice.total:,.2f}") not in page
