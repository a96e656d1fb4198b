"""An online payment's state changes only along GatewayPayment.ALLOWED_TRANSITIONS, through
payments/gateway_state.py (docs/payments.md, "States")."""

from decimal import Decimal

import pytest
from django.db import transaction

from payments.gateway_state import gateway_payment_transition, gateway_payments_transition, transition_sources
from payments.models import GatewayPayment
from tests import money_guard
from tests.factories import make_customer

pytestmark = pytest.mark.django_db
S = GatewayPayment.Status


def _gp(status=S.PENDING, tran_id="STATE0001"):
    return GatewayPayment.objects.create(customer=make_customer(), tran_id=tran_id, amount=Decimal("500.00"), currency="BDT",
                                         purpose="due", status=status)


def test_the_table_names_every_status_and_paid_and_rejected_are_final():
    assert set(GatewayPayment.ALLOWED_TRANSITIONS) == set(S.values)
    assert GatewayPayment.ALLOWED_TRANSITIONS[S.PAID] == set() and GatewayPayment.ALLOWED_TRANSITIONS[S.REJECTED] == set()
    assert set(transition_sources(S.PAID)) == {S.PENDING, S.FAILED, S.CANCELLED, S.EXPIRED, S.HELD}


def test_a_change_the_table_never_allows_is_a_programming_error():
    with pytest.raises(ValueError):
        transition_sources(S.PENDING)
    with pytest.raises(ValueError):
        transition_sources(S.REJECTED, [S.PENDING])


@pytest.mark.django_db(transaction=True)  # outside the test's own wrapping transaction
def test_a_transition_runs_only_inside_a_transaction():
    gp = _gp()
    with pytest.raises(RuntimeError):
        gateway_payment_transition(gp=gp, to=S.FAILED)
    assert GatewayPayment.objects.get(pk=gp.pk).status == S.PENDING


def test_a_paid_payment_is_never_closed_and_nothing_changes():
    gp = _gp(S.PAID)
    with transaction.atomic():
        locked, changed = gateway_payment_transition(gp=gp, to=S.FAILED, status_reason="late cancel")
    assert (changed, locked.status) == (False, S.PAID)
    assert GatewayPayment.objects.get(pk=gp.pk).status_reason == ""


def test_a_held_payment_is_approved_with_its_reviewer_and_only_once(admin):
    gp = _gp(S.HELD)
    with transaction.atomic():
        locked, changed = gateway_payment_transition(gp=gp, to=S.PAID, from_=[S.HELD], reviewed_by=admin)
    assert changed and GatewayPayment.objects.get(pk=gp.pk).reviewed_by_id == admin.pk
    with transaction.atomic():
        _locked, again = gateway_payment_transition(gp=gp, to=S.PAID, from_=[S.HELD], reviewed_by=None)
    assert not again and GatewayPayment.objects.get(pk=gp.pk).reviewed_by_id == admin.pk


def test_many_at_once_change_only_those_the_table_and_the_condition_allow():
    pending, paid, started = _gp(tran_id="STATE0002"), _gp(S.PAID, tran_id="STATE0003"), _gp(tran_id="STATE0004")
    GatewayPayment.objects.filter(pk=started.pk).update(sessionkey="opened")
    with transaction.atomic():
        changed = gateway_payments_transition(
            changes=[(gp, S.FAILED, {"status_reason": "interrupted"}) for gp in (pending, paid, started)],
            fields=["status_reason"], from_=[S.PENDING], only_if={"sessionkey": ""})
    assert changed == {pending.pk}
    assert dict(GatewayPayment.objects.values_list("tran_id", "status")) == {
        "STATE0002": S.FAILED, "STATE0003": S.PAID, "STATE0004": S.PENDING}


def test_a_status_written_outside_gateway_state_is_caught():
    gp = _gp()
    money_guard.violations.clear()
    code = compile("GatewayPayment.objects.filter(pk=pk).update(status='paid')", str(money_guard.ROOT / "payments/online.py"), "exec")
    exec(code, {"GatewayPayment": GatewayPayment, "pk": gp.pk})
    caught = list(money_guard.violations)
    money_guard.violations.clear()
    assert caught == [("STATE", "payments_gatewaypayment", "payments/online.py:1")]
    other = compile("GatewayPayment.objects.filter(pk=pk).update(last_queried_at=None)", str(money_guard.ROOT / "payments/online.py"), "exec")
    exec(other, {"GatewayPayment": GatewayPayment, "pk": gp.pk})
    assert money_guard.violations == []
