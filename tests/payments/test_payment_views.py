"""Staff screens: record-payment dialog and preview, receipt, reversal, credit, Billing tab,
payments list, due list and call log — permissions and branch scope."""

import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from billing.models import Allocation, Invoice, LedgerEntry
from billing.selectors import account_balance
from customers.models import CallLog
from payments.models import Payment
from payments.services import call_log_create, payment_ledger_record
from tests.factories import AreaFactory, BranchFactory, UserFactory, admin_user, make_customer
from tests.payments.conftest import D, charge, ledger_ok

HTMX = {"HTTP_HX_REQUEST": "true"}


def user_with(*codenames, branch_scope=None):
    group = Group.objects.create(name="-".join(codenames)[:150])
    for codename in codenames:
        app_label, name = codename.split(".")
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=name))
    return UserFactory(roles=[group.name], branch_scope=branch_scope)


def money_state():
    return (
        Payment.objects.count(), LedgerEntry.objects.count(), Allocation.objects.count(),
        sorted(Invoice.objects.values_list("pk", "status", "amount_paid")),
    )


def payment_data(**overrides):
    data = {"amount": "600.00", "method": "cash", "reference": "", "received_on": timezone.localdate().isoformat(),
            "note": "", "idempotency_key": "key-1"}
    return {**data, **overrides}


def test_dialog_is_prefilled_with_the_amount_due_and_previews_the_allocation(staff_client, customer):
    charge(customer, "1000.00", days_ago=10)
    charge(customer, "500.00")
    page = staff_client.get(reverse("staff:payment-create", args=[customer.pk]), **HTMX).content.decode()
    assert "<dialog data-autoopen" in page
    assert 'value="1500.00"' in page
    assert 'name="idempotency_key"' in page
    preview = staff_client.get(reverse("staff:payment-preview", args=[customer.pk]), {"amount": "1200"}).content.decode()
    assert 'id="allocation-preview"' in preview
    oldest, newest = Invoice.objects.order_by("due_date")
    assert oldest.number in preview and newest.number in preview
    assert "৳300.00" in preview or "300.00" in preview  # what stays due on the newer invoice
    over = staff_client.get(reverse("staff:payment-preview", args=[customer.pk]), {"amount": "2000"}).content.decode()
    assert "stays as credit" in over


def test_recording_from_the_dialog_shows_the_receipt_link_and_refreshes_billing(staff_client, customer):
    invoice = charge(customer, "1000.00")
    response = staff_client.post(reverse("staff:payment-create", args=[customer.pk]), payment_data(), **HTMX)
    payment = Payment.objects.get()
    assert reverse("staff:payment-detail", args=[payment.pk]) in response.content.decode()
    assert set(json.loads(response["HX-Trigger"])) >= {"billingChanged", "customerChanged"}
    invoice.refresh_from_db()
    assert invoice.amount_paid == D("600.00")
    # The same form posted again (a double click) records nothing more.
    staff_client.post(reverse("staff:payment-create", args=[customer.pk]), payment_data(), **HTMX)
    assert Payment.objects.count() == 1
    assert ledger_ok()


def test_without_javascript_the_form_redirects_to_the_receipt(staff_client, customer):
    response = staff_client.post(reverse("staff:payment-create", args=[customer.pk]), payment_data())
    payment = Payment.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("staff:payment-detail", args=[payment.pk])
    receipt = staff_client.get(response["Location"]).content.decode()
    assert payment.receipt_number in receipt and customer.name in receipt and "Cash" in receipt


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"amount": "0"}, "greater than zero"),
        ({"amount": "-10"}, "greater than zero"),
        ({"method": "bkash"}, "reference"),
        ({"amount": "60000"}, "confirm"),
        ({"received_on": (timezone.localdate() + timedelta(days=3)).isoformat()}, "future"),
    ],
)
def test_bad_input_shows_a_field_message_and_records_nothing(staff_client, customer, overrides, message):
    charge(customer, "1000.00")
    before = money_state()
    response = staff_client.post(reverse("staff:payment-create", args=[customer.pk]), payment_data(**overrides), **HTMX)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="errorlist"' in page and message in page
    assert money_state() == before


def test_users_without_the_permission_cannot_record_reverse_or_credit(client, customer):
    charge(customer, "1000.00")
    payment = payment_ledger_record(actor=None, customer=customer, amount=D("400.00"), method="cash")
    client.force_login(user_with("customers.view_customer", "billing.view_invoice", "payments.view_payment"))
    before = money_state()
    assert client.post(reverse("staff:payment-create", args=[customer.pk]), payment_data()).status_code == 403
    assert client.post(reverse("staff:payment-reverse", args=[payment.pk]), {"reason": "x"}).status_code == 403
    assert client.post(reverse("staff:customer-credit", args=[customer.pk]), {"kind": "credit", "amount": "5", "reason": "x"}).status_code == 403
    assert money_state() == before
    tab = client.get(reverse("staff:customer-detail", args=[customer.pk]), {"tab": "billing"}).content.decode()
    assert payment.receipt_number in tab
    assert reverse("staff:payment-reverse", args=[payment.pk]) not in tab
    assert reverse("staff:payment-create", args=[customer.pk]) not in tab


def test_staff_of_another_branch_get_404_and_change_nothing(client, customer):
    payment = payment_ledger_record(actor=None, customer=customer, amount=D("400.00"), method="cash")
    client.force_login(admin_user(branch_scope=[BranchFactory(name="Other", code="O")]))
    before = money_state()
    assert client.get(reverse("staff:payment-detail", args=[payment.pk])).status_code == 404
    assert client.post(reverse("staff:payment-reverse", args=[payment.pk]), {"reason": "x"}).status_code == 404
    assert client.post(reverse("staff:payment-create", args=[customer.pk]), payment_data()).status_code == 404
    assert money_state() == before
    assert payment.receipt_number not in client.get(reverse("staff:payment-list")).content.decode()


def test_reverse_dialog_needs_a_reason_then_reverses(staff_client, customer):
    invoice = charge(customer, "1000.00")
    payment = payment_ledger_record(actor=None, customer=customer, amount=D("1000.00"), method="cash")
    before = money_state()
    refused = staff_client.post(reverse("staff:payment-reverse", args=[payment.pk]), {"reason": ""}, **HTMX)
    assert 'class="errorlist"' in refused.content.decode() and money_state() == before
    done = staff_client.post(reverse("staff:payment-reverse", args=[payment.pk]), {"reason": "Wrong customer"}, **HTMX)
    assert "closeModal" in json.loads(done["HX-Trigger"])
    invoice.refresh_from_db(), payment.refresh_from_db()
    assert payment.status == Payment.Status.REVERSED and invoice.status == Invoice.Status.OPEN
    again = staff_client.post(reverse("staff:payment-reverse", args=[payment.pk]), {"reason": "again"}, **HTMX)
    assert "already reversed" in again.content.decode()
    assert ledger_ok()


def test_staff_credit_needs_a_reason_and_lowers_the_balance(staff_client, customer):
    charge(customer, "1000.00")
    before = money_state()
    refused = staff_client.post(reverse("staff:customer-credit", args=[customer.pk]), {"kind": "credit", "amount": "100", "reason": ""}, **HTMX)
    assert 'class="errorlist"' in refused.content.decode() and money_state() == before
    staff_client.post(reverse("staff:customer-credit", args=[customer.pk]), {"kind": "credit", "amount": "100", "reason": "Outage"}, **HTMX)
    assert account_balance(customer_id=customer.pk) == D("900.00")
    assert ledger_ok()


def test_billing_tab_shows_balance_open_invoices_statement_and_payments(staff_client, customer):
    invoice = charge(customer, "1000.00")
    payment = payment_ledger_record(actor=None, customer=customer, amount=D("400.00"), method="bkash", reference="TX9")
    page = staff_client.get(reverse("staff:customer-detail", args=[customer.pk]), {"tab": "billing"}).content.decode()
    assert "Owes" in page and "600.00" in page
    assert invoice.number in page and payment.receipt_number in page
    assert reverse("staff:payment-reverse", args=[payment.pk]) in page
    assert reverse("staff:customer-credit", args=[customer.pk]) in page


def test_payment_list_filters_and_totals_per_method(staff_client, customer):
    payment_ledger_record(actor=None, customer=customer, amount=D("100.00"), method="cash")
    payment_ledger_record(actor=None, customer=customer, amount=D("250.00"), method="bkash", reference="A1")
    payment_ledger_record(actor=None, customer=customer, amount=D("50.00"), method="bkash", reference="A2")
    page = staff_client.get(reverse("staff:payment-list")).content.decode()
    assert "400.00" in page  # the total of everything
    bkash = staff_client.get(reverse("staff:payment-list"), {"method": "bkash"}, **HTMX)
    content = bkash.content.decode()
    assert 'id="payment-results"' in content and "<html" not in content
    assert "300.00" in content and "A1" in content and "<td>Cash</td>" not in content
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert "No payments match" in staff_client.get(reverse("staff:payment-list"), {"date_from": tomorrow}).content.decode()


def test_due_list_shows_who_owes_with_days_overdue_and_filters_by_area(staff_client):
    area = AreaFactory()
    late = make_customer(area=area, name="Late Payer")
    charge(late, "1000.00", days_ago=20)  # due 13 days ago
    paid_up = make_customer(area=area, name="Paid Up")
    charge(paid_up, "500.00")
    payment_ledger_record(actor=None, customer=paid_up, amount=D("500.00"), method="cash")
    elsewhere = make_customer(name="Other Area")
    charge(elsewhere, "300.00")
    page = staff_client.get(reverse("staff:due-list")).content.decode()
    assert "Late Payer" in page and "Other Area" in page and "Paid Up" not in page
    assert ">13<" in page
    assert page.index("Late Payer") < page.index("Other Area")  # most overdue first
    filtered = staff_client.get(reverse("staff:due-list"), {"area": area.pk}).content.decode()
    assert "Late Payer" in filtered and "Other Area" not in filtered
    assert reverse("staff:payment-create", args=[late.pk]) in page
    assert reverse("staff:calllog-create", args=[late.pk]) in page


def test_due_list_is_branch_scoped(client):
    mine, theirs = BranchFactory(name="Mine", code="M"), BranchFactory(name="Theirs", code="T")
    charge(make_customer(area=AreaFactory(branch=mine), name="Mine Owes"), "100.00")
    charge(make_customer(area=AreaFactory(branch=theirs), name="Theirs Owes"), "100.00")
    client.force_login(admin_user(branch_scope=[mine]))
    page = client.get(reverse("staff:due-list")).content.decode()
    assert "Mine Owes" in page and "Theirs Owes" not in page


def test_call_log_is_saved_and_shown_as_the_latest_call(staff_client, admin):
    customer = make_customer(name="Promiser")
    charge(customer, "1000.00", days_ago=15)
    url = reverse("staff:calllog-create", args=[customer.pk])
    refused = staff_client.post(url, {"outcome": "promised", "promise_to_pay_date": ""}, **HTMX)
    assert "promised to pay by" in refused.content.decode() and not CallLog.objects.exists()
    promise = (timezone.localdate() + timedelta(days=3))
    response = staff_client.post(url, {"outcome": "promised", "promise_to_pay_date": promise.isoformat(), "note": "Friday"}, **HTMX)
    assert "closeModal" in json.loads(response["HX-Trigger"])
    call = CallLog.objects.get()
    assert (call.called_by, call.outcome, call.promise_to_pay_date) == (admin, "promised", promise)
    page = staff_client.get(reverse("staff:due-list")).content.decode()
    assert "Promised to pay" in page
    other = UserFactory(roles=["Manager"])
    assert "Promiser" in staff_client.get(reverse("staff:due-list"), {"collector": admin.pk}).content.decode()
    call_log_create(actor=other, customer=customer, outcome="no_answer")
    assert "Promiser" not in staff_client.get(reverse("staff:due-list"), {"collector": admin.pk}).content.decode()


def test_call_log_needs_its_permission(client, customer):
    client.force_login(user_with("customers.view_customer", "billing.view_invoice"))
    response = client.post(reverse("staff:calllog-create", args=[customer.pk]), {"outcome": "reached"})
    assert response.status_code == 403 and not CallLog.objects.exists()


def test_navigation_links_payments_and_due_list(staff_client):
    page = staff_client.get(reverse("staff:home")).content.decode()
    assert reverse("staff:payment-list") in page and reverse("staff:due-list") in page


def test_a_payment_recorded_and_reversed_by_staff_moves_the_resellers_commission_with_it(staff_client, admin):
    # The staff form records through the use case: the commission accrues with the payment and is
    # clawed back with its reversal.
    from billing.wallet_models import CommissionEntry, ResellerWallet
    from resellers import services as reseller_services
    from resellers.models import Reseller
    from tests.resellers.helpers import make_reseller

    reseller, area, *_rest = make_reseller(model=Reseller.Model.COMMISSION)
    reseller_services.commission_rule_add(actor=admin, reseller=reseller, percent=D("10"))
    from tests.resellers.helpers import owes

    customer = make_customer(area=area, reseller=reseller)
    owes(customer, "700")  # commission is earned on money that pays invoices
    response = staff_client.post(reverse("staff:payment-create", args=[customer.pk]), payment_data(amount="700.00"))
    assert response.status_code == 302
    payment = Payment.objects.get(customer=customer)
    assert CommissionEntry.objects.get(kind="accrual", payment=payment).amount == D("70.00")

    response = staff_client.post(reverse("staff:payment-reverse", args=[payment.pk]), {"reason": "Cheque bounced"})
    assert response.status_code == 302
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.REVERSED
    assert ResellerWallet.objects.get(reseller=reseller).commission_owed == D("0.00")
