"""Cash collectors bring in from the field: recorded by the cashier who counts it, never more than the
collector holds, never by oneself; the staff screen, its permission and its branch scope."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ispbill.core.models import AuditLog
from payments.models import CashHandover
from payments.selectors import cash_in_hand
from payments.services import cash_handover_record, payment_ledger_record
from tests.factories import AreaFactory, BranchFactory, UserFactory, make_customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def field_cash(db):
    mirpur, uttara = BranchFactory(code="MIR", name="Mirpur"), BranchFactory(code="UTT", name="Uttara")
    rina = UserFactory(roles=["Cashier"], first_name="Rina", last_name="Akter")
    customer = make_customer(area=AreaFactory(branch=mirpur), name="A")
    payment_ledger_record(actor=rina, customer=customer, amount=Decimal("1150.00"), method="cash")
    payment_ledger_record(actor=rina, customer=customer, amount=Decimal("500.00"), method="bkash", reference="TX1")
    return {"rina": rina, "mirpur": mirpur, "uttara": uttara, "cashier": UserFactory(roles=["Cashier"], branch_scope=[mirpur])}


def test_a_hand_over_reduces_what_the_collector_holds_and_is_audited(field_cash):
    rina, cashier = field_cash["rina"], field_cash["cashier"]
    assert cash_in_hand(collector_ids=[rina.pk])[rina.pk]["in_hand"] == Decimal("1150.00")  # bKash is not cash
    handover = cash_handover_record(actor=cashier, collector=rina, branch=field_cash["mirpur"], amount="1000")
    assert (handover.received_by, handover.amount) == (cashier, Decimal("1000.00"))
    assert cash_in_hand(collector_ids=[rina.pk])[rina.pk] == {
        "collected": Decimal("1150.00"), "handed_over": Decimal("1000.00"), "reversed_by_office": Decimal("0.00"),
        "in_hand": Decimal("150.00")}
    assert AuditLog.objects.filter(action="cashhandover.create", actor=cashier).exists()


def test_no_more_than_held_and_not_to_oneself(field_cash):
    rina, cashier = field_cash["rina"], field_cash["cashier"]
    with pytest.raises(ValidationError) as error:
        cash_handover_record(actor=cashier, collector=rina, branch=field_cash["mirpur"], amount="1150.01")
    assert "amount" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        cash_handover_record(actor=rina, collector=rina, branch=field_cash["mirpur"], amount="100")
    assert "collector" in error.value.message_dict
    with pytest.raises(ValidationError):
        cash_handover_record(actor=cashier, collector=rina, branch=field_cash["mirpur"], amount="0")
    assert not CashHandover.objects.exists()


def test_the_screen_records_a_hand_over(client, field_cash):
    rina, cashier = field_cash["rina"], field_cash["cashier"]
    client.force_login(cashier)
    url = reverse("staff:cashhandover-list")
    page = client.get(url)
    assert page.status_code == 200 and "Rina Akter" in page.content.decode() and "৳1,150.00" in page.content.decode()
    too_much = client.post(url, {"collector": rina.pk, "branch": field_cash["mirpur"].pk, "amount": "2000.00"})
    assert too_much.status_code == 200 and "holds only" in too_much.content.decode()
    response = client.post(url, {"collector": rina.pk, "branch": field_cash["mirpur"].pk, "amount": "1150.00", "note": "Tuesday"})
    assert response.status_code == 302
    handover = CashHandover.objects.get()
    assert (handover.collector, handover.received_by, handover.amount, handover.note) == (
        rina, cashier, Decimal("1150.00"), "Tuesday")
    assert "Tuesday" in client.get(url).content.decode()
    # Another branch is not the cashier's to receive at.
    assert client.post(url, {"collector": rina.pk, "branch": field_cash["uttara"].pk, "amount": "1.00"}).status_code == 200
    assert CashHandover.objects.count() == 1


def test_the_screen_needs_the_permission(client, field_cash):
    client.force_login(UserFactory(roles=["Support"]))
    assert client.get(reverse("staff:cashhandover-list")).status_code == 403
    viewer = UserFactory(roles=[])
    from django.contrib.auth.models import Permission

    viewer.user_permissions.add(Permission.objects.get(codename="view_cashhandover"))
    client.force_login(viewer)
    assert client.get(reverse("staff:cashhandover-list")).status_code == 200
    response = client.post(reverse("staff:cashhandover-list"),
                           {"collector": field_cash["rina"].pk, "branch": field_cash["mirpur"].pk, "amount": "1.00"})
    assert response.status_code == 403 and not CashHandover.objects.exists()
