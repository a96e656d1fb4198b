"""The cancel dialog of a connection under contract: it quotes the early-termination fee with its VAT,
the unused-days credit and the net before anything is confirmed; the invoice then carries exactly
those figures; charging or waiving the fee needs billing rights; the choice and its reason are in
the audit log; malformed input changes nothing.

The scenario is test_termination_fee's (docs/billing.md): Basic ৳1,000 + 15 % VAT, May paid, a
12-month contract from 10 January 2026 at 30 % of the remaining value, cancelled on 25 May 2026:
fee 8 × 1,000 × 30 % = ৳2,400 + ৳360 VAT = ৳2,760; unused 26–31 May, 1000 × 6/31 = ৳193.55 +
৳29.03 = ৳222.58; net ৳2,760 − ৳222.58 = ৳2,537.42."""

import re
from decimal import Decimal
from unittest import mock

import pytest
from django.core.management import call_command
from django.urls import reverse

from billing.models import Invoice, OneTimeCharge
from billing.selectors import account_balance
from contracts.models import Contract
from customers.models import Subscription
from ispbill.core.models import AuditLog
from tests.contracts.test_termination_fee import CANCEL_DAY, under_contract
from tests.factories import BranchFactory, UserFactory

D = Decimal
HTMX = {"HX-Request": "true"}
pytestmark = pytest.mark.django_db
FEE, VAT, CREDIT = D("2400.00"), D("360.00"), D("222.58")


@pytest.fixture
def cancel_dialog_scenario(request):
    """The subscription and its contract, set up over May; then the tests run on 25 May."""
    request.getfixturevalue("transactional_db" if request.node.get_closest_marker("django_db").kwargs.get("transaction") else "db")
    built = under_contract(price=D("1000.00"))
    with mock.patch("django.utils.timezone.localdate", return_value=CANCEL_DAY):
        yield built


def url(subscription) -> str:
    return reverse("staff:subscription-cancel", args=[subscription.pk])


def figure(page: str, element_id: str) -> str:
    return re.search(rf'id="{element_id}">([^<]*)<', page).group(1).strip()


def state(subscription, contract) -> tuple:
    """Everything a refused request must leave as it was."""
    subscription.refresh_from_db()
    contract.refresh_from_db()
    return (
        subscription.status, contract.status, contract.fee_waived_reason, contract.fee_charge_id,
        OneTimeCharge.objects.filter(kind=OneTimeCharge.Kind.TERMINATION).count(), Invoice.objects.count(),
        account_balance(customer_id=subscription.customer_id), AuditLog.objects.count(),
    )


def manager():
    return UserFactory(roles=["Manager"])


def test_the_dialog_quotes_fee_vat_credit_and_net_and_the_invoice_carries_the_same_figures(client, cancel_dialog_scenario):
    subscription, contract = cancel_dialog_scenario
    user = manager()
    client.force_login(user)

    page = client.get(url(subscription), headers=HTMX).content.decode()

    assert figure(page, "quote-fee-net") == "৳2,400.00" and figure(page, "quote-fee-vat") == "৳360.00"
    assert figure(page, "quote-fee-total") == "৳2,760.00" and figure(page, "quote-credit") == "−৳222.58"
    assert figure(page, "quote-net") == "৳2,537.42" and "8 months left" in page

    response = client.post(url(subscription), {"reason": "Moving abroad", "fee": "charge", "quoted_fee": "2760.00"}, headers=HTMX)

    assert response.status_code == 204
    contract.refresh_from_db()
    invoice = contract.fee_charge.invoice
    assert (invoice.subtotal, invoice.vat_total, invoice.total) == (FEE, VAT, FEE + VAT)
    assert invoice.amount_due == FEE + VAT - CREDIT
    assert account_balance(customer_id=subscription.customer_id) == FEE + VAT - CREDIT
    terminate = AuditLog.objects.get(action="contract.terminate")
    assert (terminate.actor, terminate.reason) == (user, "Moving abroad")
    assert (terminate.after["fee_choice"], terminate.after["fee_total"]) == ("charged", "2760.00")


def test_waiving_in_the_dialog_charges_nothing_and_keeps_the_reason(client, cancel_dialog_scenario):
    subscription, contract = cancel_dialog_scenario
    client.force_login(manager())

    response = client.post(url(subscription), {
        "reason": "Moving abroad", "fee": "waive", "fee_waive_reason": "Hardship, approved by the owner", "quoted_fee": "2760.00",
    }, headers=HTMX)

    assert response.status_code == 204
    contract.refresh_from_db()
    assert contract.status == Contract.Status.TERMINATED and contract.fee_charge is None
    assert not OneTimeCharge.objects.filter(kind=OneTimeCharge.Kind.TERMINATION).exists()
    assert account_balance(customer_id=subscription.customer_id) == -CREDIT
    assert AuditLog.objects.get(action="contract.fee_waive").reason == "Hardship, approved by the owner"
    assert AuditLog.objects.get(action="contract.terminate").after["fee_choice"] == "waived"


def test_waiving_without_a_reason_is_refused_in_the_dialog(client, cancel_dialog_scenario):
    subscription, contract = cancel_dialog_scenario
    client.force_login(manager())
    before = state(subscription, contract)

    response = client.post(url(subscription), {"reason": "Moving", "fee": "waive", "quoted_fee": "2760.00"}, headers=HTMX)

    assert response.status_code == 200 and "Give a reason for waiving the fee" in response.content.decode()
    assert state(subscription, contract) == before


def test_a_supervisor_without_billing_rights_sees_the_quote_but_cannot_cancel_under_contract(client, cancel_dialog_scenario):
    subscription, contract = cancel_dialog_scenario
    client.force_login(UserFactory(roles=["Technician supervisor"]))
    before = state(subscription, contract)

    page = client.get(url(subscription), headers=HTMX).content.decode()
    assert figure(page, "quote-fee-total") == "৳2,760.00" and 'id="fee-needs-permission"' in page
    assert 'type="submit"' not in page

    for choice in ({"fee": "charge"}, {"fee": "waive", "fee_waive_reason": "Friend of mine"}, {}):
        response = client.post(url(subscription), {"reason": "Moving", "quoted_fee": "2760.00", **choice}, headers=HTMX)
        assert response.status_code == 403
    assert state(subscription, contract) == before


def test_waiving_needs_the_waive_permission_too(client, cancel_dialog_scenario):
    """A cashier-like role given one-time charges but not the contract's waiver may charge, not waive."""
    from django.contrib.auth.models import Permission

    subscription, contract = cancel_dialog_scenario
    user = UserFactory(roles=["Technician supervisor"])
    user.user_permissions.add(Permission.objects.get(codename="add_onetimecharge"))
    client.force_login(user)
    before = state(subscription, contract)

    response = client.post(url(subscription), {
        "reason": "Moving", "fee": "waive", "fee_waive_reason": "Because", "quoted_fee": "2760.00"}, headers=HTMX)

    assert response.status_code == 403
    assert state(subscription, contract) == before


@pytest.mark.parametrize("entries", [
    {"fee": "charge", "quoted_fee": "NaN"},
    {"fee": "charge", "quoted_fee": "Infinity"},
    {"fee": "charge", "quoted_fee": "abc"},
    {"fee": "charge", "quoted_fee": "1" * 40},
    {"fee": "charge"},
    {"fee": "maybe", "quoted_fee": "2760.00"},
    {"fee": ["charge", "waive"], "quoted_fee": ["2760.00", "NaN"]},
])
def test_malformed_fee_input_is_a_400_and_changes_nothing(client, cancel_dialog_scenario, entries):
    subscription, contract = cancel_dialog_scenario
    client.force_login(manager())
    before = state(subscription, contract)

    response = client.post(url(subscription), {"reason": "Moving", **entries}, headers=HTMX)

    assert response.status_code == 400
    assert state(subscription, contract) == before


def test_a_quote_that_changed_since_the_dialog_opened_is_refused(client, cancel_dialog_scenario):
    subscription, contract = cancel_dialog_scenario
    client.force_login(manager())
    before = state(subscription, contract)

    response = client.post(url(subscription), {"reason": "Moving", "fee": "charge", "quoted_fee": "3174.00"}, headers=HTMX)

    assert "The fee is ৳2,760.00 now" in response.content.decode()
    assert state(subscription, contract) == before


def test_someone_elses_connection_is_a_404_and_changes_nothing(client, cancel_dialog_scenario):
    subscription, contract = cancel_dialog_scenario
    client.force_login(UserFactory(roles=["Manager"], branch_scope=[BranchFactory(name="Elsewhere", code="ELS")]))
    before = state(subscription, contract)

    response = client.post(url(subscription), {"reason": "Moving", "fee": "charge", "quoted_fee": "2760.00"}, headers=HTMX)

    assert response.status_code == 404
    assert state(subscription, contract) == before


@pytest.mark.django_db(transaction=True)
def test_charged_in_the_dialog_then_waived_on_the_contract_page_commits_on_postgresql(client, cancel_dialog_scenario):
    """No wrapping test transaction: each request commits on its own, as in production."""
    subscription, contract = cancel_dialog_scenario
    client.force_login(manager())

    assert client.post(url(subscription), {"reason": "Moving", "fee": "charge", "quoted_fee": "2760.00"}).status_code == 302
    assert Subscription.objects.get(pk=subscription.pk).status == Subscription.Status.CANCELLED
    assert account_balance(customer_id=subscription.customer_id) == FEE + VAT - CREDIT

    waive = reverse("staff:contract-fee-waive", args=[contract.pk])
    assert client.post(waive, {"reason": "Hardship"}).status_code in (200, 302)
    assert account_balance(customer_id=subscription.customer_id) == -CREDIT
    call_command("check_ledger", stdout=open("/dev/null", "w"))


def test_waiving_on_the_contract_page_needs_billing_rights_too(client, cancel_dialog_scenario):
    """A role given the contract's waive permission but not billing's is refused and nothing changes."""
    from django.contrib.auth.models import Permission

    subscription, contract = cancel_dialog_scenario
    user = UserFactory(roles=["Technician supervisor"])
    user.user_permissions.add(*Permission.objects.filter(codename__in=("view_contract", "waive_fee_contract")))
    client.force_login(user)
    before = state(subscription, contract)

    response = client.post(reverse("staff:contract-fee-waive", args=[contract.pk]), {"reason": "Friend of mine"})

    assert response.status_code == 403
    assert state(subscription, contract) == before
