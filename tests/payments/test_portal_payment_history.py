"""The portal Payments page: a plain title in the browser tab, and each section once."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from payments.models import PastPayment
from tests.factories import make_customer

pytestmark = pytest.mark.django_db


def test_payments_page_has_a_plain_tab_title_and_shows_past_payments_once():
    customer = make_customer(portal_password="portal-pass-1")
    PastPayment.objects.create(customer=customer, paid_on=date(2025, 11, 5), amount=Decimal("700.00"), method="Cash", reference="MR-1")
    client = Client()
    client.force_login(customer.user)

    page = client.get(reverse("portal:payment-history")).content.decode()

    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert title == "Payments · ispbill"
    assert page.count('id="past-payments"') == 1
    assert page.count("MR-1") == 1
