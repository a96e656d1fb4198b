"""One date style in both languages; Bangla digits where the customer chose them."""

from datetime import datetime

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from ispbill.accounts.middleware import bangla_digits

WHEN = datetime(2026, 11, 20, 16, 0, tzinfo=timezone.get_fixed_timezone(360))


def render(source: str) -> str:
    return Template("{% load portal_numerals %}" + source).render(Context({"when": WHEN}))


def test_named_formats_print_the_same_style_as_the_lists():
    with translation.override("en"):
        assert render('{{ when|date:"DATETIME_FORMAT" }}') == "20 Nov 2026, 16:00"
        assert render("{{ when|date }}") == "20 Nov 2026"
        assert render('{{ when|date:"j M Y, H:i" }}') == render('{{ when|date:"DATETIME_FORMAT" }}')


def test_bangla_keeps_the_style_with_bangla_month_names_and_digits_when_chosen():
    with translation.override("bn"):
        assert render('{{ when|date:"DATETIME_FORMAT"|numerals }}') == "20 নভে. 2026, 16:00"
        token = bangla_digits.set(True)
        try:
            assert render('{{ when|date:"DATETIME_FORMAT"|numerals }}') == "২০ নভে. ২০২৬, ১৬:০০"
        finally:
            bangla_digits.reset(token)


@pytest.mark.django_db
def test_the_outage_banner_says_since_in_bangla_with_the_customers_digits(client):
    from network import outages
    from tests.factories import make_customer

    customer = make_customer(phone="01711000444", portal_password="portal-pass-1", language="bn")
    customer.user.bangla_numerals = True
    customer.user.save(update_fields=["bangla_numerals"])
    outages.outage_declare(actor=None, title="Fibre cut", areas=[customer.area], started_at=WHEN)
    client.force_login(customer.user)
    banner = client.get("/portal/").content.decode().split('class="outage-banner"')[1].split("</div>")[0]
    assert "থেকে" in banner and "since" not in banner
    assert "২০২৬" in banner and "2026" not in banner
