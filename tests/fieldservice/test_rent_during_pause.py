"""Rented equipment follows the package's pause rule (docs/billing.md, "Equipment rental"): no rent for
the paused days, prorated again from the reactivation day; Settings → Billing may keep it going. The
night's jobs run in the beat schedule's order (tests/night.py) over the dates that matter; no wrapping
transaction, on SQLite and PostgreSQL."""

from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from billing.models import BillingSettings, Invoice
from billing.selectors import account_balance, current_billing_settings
from customers.models import Subscription
from fieldservice import equipment
from fieldservice.models import EquipmentItem, EquipmentModel, EquipmentRental
from ispbill.core.models import AuditLog
from tests.billing.test_run import configure
from tests.factories import make_subscription
from tests.night import clock, night
from usecases.subscription_reactivate import subscription_reactivate
from usecases.subscription_suspend import subscription_suspend

from .conftest import repair_order

D = Decimal
PRICE, RENT = D("1000.00"), D("150.00")


def money(value) -> Decimal:
    return D(value).quantize(D("0.01"), rounding=ROUND_HALF_UP)


def with_vat(net) -> Decimal:
    net = money(net)
    return net + money(net * D("0.15"))


def rented_connection(technician) -> tuple[Subscription, EquipmentRental]:
    """Active from 1 March 2026 with a router rented at ৳150 a month installed that day."""
    subscription = make_subscription(activate=True)
    Subscription.objects.filter(pk=subscription.pk).update(activated_at=timezone.make_aware(datetime.combine(date(2026, 3, 1), time(11))))
    model = EquipmentModel.objects.create(name="TP-Link rented router", category="router", rental_price=RENT)
    EquipmentItem.objects.create(model=model, serial="TPLR0001", status=EquipmentItem.Status.WITH_TECHNICIAN)
    order = repair_order(technician=technician, customer=subscription.customer)
    equipment.workorder_equipment(actor=technician, order=order, serial="TPLR0001", action="install")
    EquipmentRental.objects.filter(item__serial="TPLR0001").update(started_on=date(2026, 3, 1))
    return Subscription.objects.get(pk=subscription.pk), EquipmentRental.objects.get(item__serial="TPLR0001")


def rent_days(rental) -> list[tuple[date, date]]:
    return list(rental.charges.filter(withdrawn=False).order_by("first_day").values_list("first_day", "last_day"))


def pause_and_return(subscription, *, paused: date, back: date) -> None:
    with clock(paused):
        subscription_suspend(actor=None, subscription=subscription, reason="Travelling", skip_billing=True,
                             suspension_type=Subscription.SuspensionType.CUSTOMER_REQUEST)
    for day in (date(2026, 3, 25), date(2026, 4, 25)):  # the nights that would issue April and May
        night(day)
    with clock(back):
        subscription_reactivate(actor=None, subscription=Subscription.objects.get(pk=subscription.pk), reason="Back home")


@pytest.mark.django_db(transaction=True)
def test_rent_stops_for_the_paused_days_and_restarts_prorated_on_reactivation(technician):
    configure()
    subscription, rental = rented_connection(technician)
    night(date(2026, 3, 2))
    march_rent = with_vat(RENT)
    assert account_balance(customer_id=subscription.customer_id) == with_vat(PRICE) + march_rent

    pause_and_return(subscription, paused=date(2026, 3, 10), back=date(2026, 5, 10))
    # The pause credits 11–31 March of both, as invoiced: the package 21/31 of ৳1,000 + VAT, the rent
    # 21/31 of its ৳172.50 line.
    package_credit, rent_credit = with_vat(PRICE * 21 / 31), money(march_rent * 21 / 31)
    assert rent_credit == D("116.85")
    after_pause = with_vat(PRICE) + march_rent - package_credit - rent_credit
    assert account_balance(customer_id=subscription.customer_id) == after_pause

    night(date(2026, 5, 11))  # billing resumes on 10 May: 22 of 31 days of May, rent alike
    may = Invoice.objects.filter(customer=subscription.customer).latest("id")
    assert may.total == with_vat(PRICE * 22 / 31) + with_vat(RENT * 22 / 31) == D("816.13") + D("122.42")
    assert rent_days(rental) == [(date(2026, 3, 1), date(2026, 3, 31)), (date(2026, 5, 10), date(2026, 5, 31))]

    night(date(2026, 5, 25))  # June whole, rent whole
    assert rent_days(rental)[-1] == (date(2026, 6, 1), date(2026, 6, 30))
    assert account_balance(customer_id=subscription.customer_id) == after_pause + may.total + with_vat(PRICE) + with_vat(RENT)
    call_command("check_ledger", stdout=open("/dev/null", "w"))


@pytest.mark.django_db(transaction=True)
def test_reactivated_within_the_credited_days_the_rent_of_those_days_is_charged_again(technician):
    configure()
    subscription, rental = rented_connection(technician)
    night(date(2026, 3, 2))
    with clock(date(2026, 3, 10)):
        subscription_suspend(actor=None, subscription=subscription, reason="Travelling", skip_billing=True,
                             suspension_type=Subscription.SuspensionType.CUSTOMER_REQUEST)
    with clock(date(2026, 3, 21)):
        subscription_reactivate(actor=None, subscription=Subscription.objects.get(pk=subscription.pk), reason="Back early")
    night(date(2026, 3, 22))
    night(date(2026, 3, 25))
    # 21–31 March, 11 of 31 days, charged again; April whole.
    assert rent_days(rental) == [
        (date(2026, 3, 1), date(2026, 3, 31)), (date(2026, 3, 21), date(2026, 3, 31)), (date(2026, 4, 1), date(2026, 4, 30)),
    ]
    assert rental.charges.get(first_day=date(2026, 3, 21)).charge.amount == money(RENT * 11 / 31)
    call_command("check_ledger", stdout=open("/dev/null", "w"))


@pytest.mark.django_db(transaction=True)
def test_rent_goes_on_during_a_pause_when_the_isp_says_so(technician):
    configure(rent_during_pause=True)
    subscription, rental = rented_connection(technician)
    night(date(2026, 3, 2))

    pause_and_return(subscription, paused=date(2026, 3, 10), back=date(2026, 5, 10))
    # Nothing of the rent credited; April and May charged whole, each on an invoice of its own.
    assert rent_days(rental) == [
        (date(2026, 3, 1), date(2026, 3, 31)), (date(2026, 4, 1), date(2026, 4, 30)), (date(2026, 5, 1), date(2026, 5, 31)),
    ]
    assert all(row.charge.invoice_id for row in rental.charges.all())
    night(date(2026, 5, 11))
    may = Invoice.objects.filter(customer=subscription.customer).latest("id")
    assert may.total == with_vat(PRICE * 22 / 31)  # the package alone: May's rent was invoiced on 25 April
    expected = with_vat(PRICE) + 3 * with_vat(RENT) - with_vat(PRICE * 21 / 31) + may.total
    assert account_balance(customer_id=subscription.customer_id) == expected
    call_command("check_ledger", stdout=open("/dev/null", "w"))


def test_the_setting_is_on_the_billing_settings_page_and_saved_with_an_audit_entry(staff_client):
    page = staff_client.get(reverse("staff:billingsettings-edit"))
    assert b"rent_during_pause" in page.content and not current_billing_settings().rent_during_pause
    from tests.billing.test_billing_screens import settings_post

    response = staff_client.post(reverse("staff:billingsettings-edit"), settings_post(rent_during_pause="on"))
    assert response.status_code == 302
    assert BillingSettings.objects.get(pk=1).rent_during_pause is True
    entry = AuditLog.objects.filter(action="billing_settings.update").latest("id")
    assert entry.before["rent_during_pause"] is False and entry.after["rent_during_pause"] is True
