"""The first invoice at activation (Settings → Billing, "Issue the first invoice at activation";
docs/billing.md, "The first invoice"): a day lived with the nightly jobs around it, the worked examples
recomputed by hand, every activation path, the setting off, and issuing it once."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from billing.first_invoice import first_invoice_issue
from billing.models import BillingSettings, Invoice, InvoiceLine, OneTimeCharge
from billing.run import billing_run_process_pending, billing_run_start
from billing.selectors import account_balance, available_credit
from customers.models import Subscription
from fieldservice import equipment
from fieldservice import services as fieldservice_services
from fieldservice.models import WorkOrder
from fieldservice.rentals import rentals_charge_due
from payments.models import Payment
from resellers.models import Reseller
from tests.billing.test_run import configure
from tests.factories import PackageFactory, make_subscription
from tests.fieldservice.conftest import finish_checklist, signature_data_url, technician  # noqa: F401
from tests.fieldservice.test_rentals import rented_router
from tests.resellers.helpers import make_reseller, reseller_subscription
from usecases.payment_record import payment_record
from usecases.reseller_customer_create import reseller_customer_create
from usecases.subscription_activate import subscription_activate
from usecases.workorder_complete import workorder_complete

D = Decimal
pytestmark = pytest.mark.django_db


# By hand: the docs' rule, price × days charged ÷ days in the period, half-up to the paisa; VAT 15 % per line.
def by_hand(price, days, period_days) -> tuple[Decimal, Decimal, Decimal]:
    net = (D(price) * days / period_days).quantize(D("0.01"), ROUND_HALF_UP)
    vat = (net * D("0.15")).quantize(D("0.01"), ROUND_HALF_UP)
    return net, vat, net + vat


@contextmanager
def at(day: date, hour: int, minute: int = 0):
    """The clock at `day` `hour`:`minute`, local time (Asia/Dhaka)."""
    moment = timezone.make_aware(datetime.combine(day, time(hour, minute)))
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def night(day: date):
    """The 02:10 rent job and the 02:30 billing run of `day` (config/celery.py)."""
    with at(day, 2, 10):
        rentals_charge_due(today=day)
    with at(day, 2, 30):
        return billing_run_process_pending(billing_run_start(run_date=day))


def invoices_of(subscription) -> list[Invoice]:
    return list(Invoice.objects.filter(customer_id=subscription.customer_id).order_by("issue_date", "id"))


def period_lines(subscription) -> list[tuple[date, date, Decimal]]:
    return list(
        InvoiceLine.objects.filter(subscription=subscription, kind__in=InvoiceLine.PERIOD_KINDS)
        .order_by("period_start").values_list("period_start", "period_end", "net")
    )


def assert_each_day_billed_once(subscription, first: date, last: date) -> None:
    days: list[date] = []
    for start, end, _net in period_lines(subscription):
        days += [start + timedelta(days=n) for n in range((end - start).days + 1)]
    assert days == [first + timedelta(days=n) for n in range((last - first).days + 1)]


def activated_at_11(day: date, **kwargs) -> Subscription:
    with at(day, 11):
        subscription = make_subscription(activate=True, **kwargs)
    subscription.refresh_from_db()
    return subscription


@pytest.fixture
def on(db):
    """The defaults of docs/billing.md (anchor day 1, issued 7 days ahead, due 7 days after, VAT 15 % on top),
    with the first invoice issued at activation."""
    return configure(invoice_at_activation=True)


def cash(subscription, amount, day: date, hour: int, minute: int) -> Payment:
    with at(day, hour, minute):
        return payment_record(actor=None, customer=subscription.customer, amount=amount, method="cash", reference="at installation")


# A day lived with the nightly jobs around it -----------------------------------------------------


def test_activated_at_11_paid_in_cash_at_11_05_and_the_nights_bill_each_day_once(on):
    package = PackageFactory(price=D("1000.00"))
    subscription = activated_at_11(date(2026, 3, 11), package=package)

    # 11:00: the first invoice, 11–31 March, 21 of 31 days, issued with the activation.
    net, vat, gross = by_hand(1000, 21, 31)
    [first] = invoices_of(subscription)
    assert (first.issue_date, first.due_date) == (date(2026, 3, 11), date(2026, 3, 18))
    assert (first.subtotal, first.vat_total, first.total) == (net, vat, gross)
    [line] = first.lines.all()
    assert (line.kind, line.period_start, line.period_end) == (InvoiceLine.Kind.PRORATED, date(2026, 3, 11), date(2026, 3, 31))
    assert "21 of 31 days" in line.description
    subscription.refresh_from_db()
    assert (subscription.billed_through, subscription.billing_anchor_day) == (date(2026, 3, 31), 1)

    # 11:05: the cash taken at installation pays it exactly; nothing is left as credit.
    cash(subscription, gross, date(2026, 3, 11), 11, 5)
    first.refresh_from_db()
    subscription.refresh_from_db()
    assert first.status == Invoice.Status.PAID and first.amount_paid == gross
    assert available_credit(customer_id=subscription.customer_id) == D("0") and account_balance(customer_id=subscription.customer_id) == D("0")
    assert subscription.paid_through == date(2026, 3, 31)

    # The nights of 12 March to 24 March issue nothing (April enters the window on 25 March).
    for day in (date(2026, 3, 12), date(2026, 3, 24)):
        assert night(day).issued == 0
    # 25 March: April, whole; 26 March: nothing more.
    assert night(date(2026, 3, 25)).issued == 1
    assert night(date(2026, 3, 26)).issued == 0
    april = invoices_of(subscription)[-1]
    assert (april.issue_date, april.total) == (date(2026, 3, 25), by_hand(1000, 30, 30)[2])
    assert len(invoices_of(subscription)) == 2
    assert_each_day_billed_once(subscription, date(2026, 3, 11), date(2026, 4, 30))


def test_activated_inside_the_issue_window_the_same_nights_run_issues_the_next_period_and_not_the_first_days_again(on):
    subscription = activated_at_11(date(2026, 3, 27), package=PackageFactory(price=D("1000.00")))

    [first] = invoices_of(subscription)
    assert first.total == by_hand(1000, 5, 31)[2]  # 27–31 March, 5 of 31 days: ৳161.29 + ৳24.19
    assert period_lines(subscription) == [(date(2026, 3, 27), date(2026, 3, 31), by_hand(1000, 5, 31)[0])]
    cash(subscription, first.total, date(2026, 3, 27), 11, 5)

    # April's issue day (25 March) has passed: the run of that very night issues it, and only it.
    assert night(date(2026, 3, 28)).issued == 1
    assert night(date(2026, 3, 29)).issued == 0
    _first, april = invoices_of(subscription)
    assert [(line.period_start, line.period_end) for line in april.lines.all()] == [(date(2026, 4, 1), date(2026, 4, 30))]
    assert april.total == D("1150.00")
    assert_each_day_billed_once(subscription, date(2026, 3, 27), date(2026, 4, 30))


# The worked examples of docs/billing.md, recomputed by hand -------------------------------------------


def test_month_end_leap_day_activation_charges_one_of_29_days_and_the_nights_run_bills_march(on):
    subscription = activated_at_11(date(2028, 2, 29))

    [first] = invoices_of(subscription)
    assert (first.subtotal, first.vat_total, first.total) == by_hand(1000, 1, 29)  # ৳34.48 + ৳5.17 = ৳39.65
    assert night(date(2028, 3, 1)).issued == 1  # March's issue day, 23 February, has passed
    assert invoices_of(subscription)[-1].total == D("1150.00")
    assert_each_day_billed_once(subscription, date(2028, 2, 29), date(2028, 3, 31))


def test_anchor_30_in_a_leap_february_charges_19_of_30_days_to_28_february(on):
    subscription = activated_at_11(date(2028, 2, 10), billing_anchor_day=30)

    # The period containing 10 February: 30 January – 28 February 2028 (30 days; the anchor falls on the 29th).
    [line] = invoices_of(subscription)[0].lines.all()
    assert (line.period_start, line.period_end) == (date(2028, 2, 10), date(2028, 2, 28))
    assert invoices_of(subscription)[0].total == by_hand(1000, 19, 30)[2]  # ৳633.33 + ৳95.00 = ৳728.33
    assert night(date(2028, 2, 22)).issued == 1  # 29 February – 29 March, issued 7 days before
    assert_each_day_billed_once(subscription, date(2028, 2, 10), date(2028, 3, 29))


def test_anniversary_on_the_31st_charges_a_full_first_period_and_the_run_goes_on_from_28_february(on):
    configure(invoice_at_activation=True, mode=BillingSettings.Mode.ANNIVERSARY)
    subscription = activated_at_11(date(2026, 1, 31))

    [first] = invoices_of(subscription)
    [line] = first.lines.all()
    # Anchor day 31 in January: 31 January – 27 February (February has no 31st: its period starts on the 28th).
    assert (line.kind, line.period_start, line.period_end, first.total) == (
        InvoiceLine.Kind.RECURRING, date(2026, 1, 31), date(2026, 2, 27), D("1150.00"),
    )
    subscription.refresh_from_db()
    assert (subscription.billing_anchor_day, subscription.billing_anchor_month) == (31, 1)
    assert night(date(2026, 2, 20)).issued == 0
    assert night(date(2026, 2, 21)).issued == 1
    assert period_lines(subscription)[-1][:2] == (date(2026, 2, 28), date(2026, 3, 30))
    assert_each_day_billed_once(subscription, date(2026, 1, 31), date(2026, 3, 30))


# The setting off, and once only ----------------------------------------------------------------------


def test_setting_off_leaves_the_first_invoice_to_the_nights_run_and_cash_taken_is_credit_until_then(db):
    configure(invoice_at_activation=False)
    subscription = activated_at_11(date(2026, 3, 11))
    assert invoices_of(subscription) == []
    cash(subscription, D("779.03"), date(2026, 3, 11), 11, 5)
    assert available_credit(customer_id=subscription.customer_id) == D("779.03")

    assert night(date(2026, 3, 12)).issued == 1
    [first] = invoices_of(subscription)
    assert (first.issue_date, first.total, first.status) == (date(2026, 3, 12), by_hand(1000, 21, 31)[2], Invoice.Status.PAID)
    assert available_credit(customer_id=subscription.customer_id) == D("0")


def test_activation_retried_or_the_first_invoice_asked_again_issues_it_once(on):
    subscription = activated_at_11(date(2026, 3, 11))
    with at(date(2026, 3, 11), 11, 1):
        with pytest.raises(ValidationError):
            subscription_activate(actor=None, subscription=subscription, reason="installed again")
        with transaction.atomic():
            assert first_invoice_issue(actor=None, subscription=subscription) is None
    assert len(invoices_of(subscription)) == 1
    assert night(date(2026, 3, 12)).issued == 0


def test_the_installation_fee_waiting_for_the_next_invoice_is_on_the_first_invoice(on):
    subscription = activated_at_11(date(2026, 3, 11), package=PackageFactory(price=D("1000.00"), installation_fee=D("500.00")))

    [first] = invoices_of(subscription)
    assert first.total == by_hand(1000, 21, 31)[2] + D("575.00")
    assert OneTimeCharge.objects.get(subscription=subscription).invoice_id == first.pk
    assert night(date(2026, 3, 12)).issued == 0  # nothing left for the run


# Every activation path ------------------------------------------------------------------------------


def test_a_technician_completing_the_installation_issues_the_first_invoice_with_the_fee_and_the_rent(on, technician):  # noqa: F811
    with at(date(2026, 3, 11), 10):
        subscription = make_subscription(package=PackageFactory(price=D("1000.00"), installation_fee=D("500.00")))
        order = WorkOrder.objects.get(subscription=subscription, kind=WorkOrder.Kind.INSTALLATION)
        order = fieldservice_services.workorder_schedule(actor=None, order=order, technician=technician, scheduled_start=timezone.now())
        fieldservice_services.workorder_arrive(actor=technician, order=order)
        finish_checklist(order, technician)
        rented_router("TPLR0042")
        equipment.workorder_equipment(actor=technician, order=order, serial="TPLR0042", action="install")
        fieldservice_services.workorder_sign(actor=technician, order=order, signer_name="Rahim", data_url=signature_data_url())
    with at(date(2026, 3, 11), 11):
        workorder_complete(actor=technician, order=order, check_online=False)

    [first] = invoices_of(subscription)
    rent = by_hand(150, 21, 31)[2]  # 11–31 March of a ৳150 rent: ৳101.61 + ৳15.24
    assert first.total == by_hand(1000, 21, 31)[2] + D("575.00") + rent
    cash(subscription, first.total, date(2026, 3, 11), 11, 5)
    first.refresh_from_db()
    assert first.status == Invoice.Status.PAID
    assert night(date(2026, 3, 12)).issued == 0  # the rent job charges 11–31 March no second time
    assert night(date(2026, 3, 25)).issued == 1  # April: the package and a month's rent
    assert invoices_of(subscription)[-1].total == D("1150.00") + D("172.50")


def test_a_commission_resellers_new_customer_is_invoiced_at_connection_and_a_prepaid_resellers_is_not(on):
    reseller, area, _router, package, actor = make_reseller(model=Reseller.Model.COMMISSION)
    with at(date(2026, 3, 11), 11):
        customer = reseller_customer_create(
            actor=actor, reseller=reseller, name="Karim", phone="+8801712345678", address="Road 3", area=area,
            package_id=package.pk, username="karim-pppoe", password="secret-1",
        )
    assert Invoice.objects.get(customer=customer).total == by_hand(1000, 21, 31)[2]

    prepaid, p_area, p_router, p_package, _actor = make_reseller(model=Reseller.Model.PREPAID)
    with at(date(2026, 3, 11), 11):
        subscription = reseller_subscription(reseller=prepaid, area=p_area, router=p_router, package=p_package, activate=True)
    assert subscription.status == Subscription.Status.ACTIVE
    assert not Invoice.objects.filter(customer_id=subscription.customer_id).exists()  # billed by its renewals alone


def test_the_install_default_is_on_and_the_migration_keeps_it_off_where_invoices_were_issued(settings):
    import importlib

    from django.apps import apps

    from billing.selectors import current_billing_settings
    from billing.services import LineSpec, invoice_create

    BillingSettings.objects.all().delete()
    settings.BILLING_DEFAULTS = {k: v for k, v in settings.BILLING_DEFAULTS.items() if k != "invoice_at_activation"}
    assert current_billing_settings().invoice_at_activation is True  # a new install: the model's default

    migration = importlib.import_module("billing.migrations.0023_invoice_at_activation")
    BillingSettings.objects.update(invoice_at_activation=False)  # as the AddField leaves a row that exists
    migration.on_where_nothing_was_invoiced(apps, None)
    assert BillingSettings.objects.get().invoice_at_activation is True  # installed, never billed: a new install

    BillingSettings.objects.update(invoice_at_activation=False)
    with transaction.atomic():
        invoice_create(actor=None, customer=make_subscription().customer, lines=[LineSpec("one_time", "Fee", D("10"))])
    migration.on_where_nothing_was_invoiced(apps, None)
    assert BillingSettings.objects.get().invoice_at_activation is False  # an install that was billing keeps its rule
