"""The reconciliation pages: who may see and act, every endpoint refusing malformed input with a 4xx
and nothing changed, and a settle click through the page (the HTMX row and the plain form)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from billing.models import LedgerEntry
from payments.models import (
    GatewayPayment,
    GatewayStatement,
    Payment,
    ReconciliationItem,
    ReconciliationRun,
)
from tests.factories import UserFactory, make_customer
from tests.payments.conftest import charge

D = Decimal
pytestmark = pytest.mark.django_db


def state() -> tuple:
    return (Payment.objects.count(), LedgerEntry.objects.count(), GatewayStatement.objects.count(),
            ReconciliationRun.objects.count(),
            list(ReconciliationItem.objects.order_by("id").values_list("kind", "resolution", "note")))


@pytest.fixture
def recon_item(db):
    """A difference as the nightly job lists it: a paid bKash payment the gateway does not have."""
    customer = make_customer()
    charge(customer, "500.00")
    gp = GatewayPayment.objects.create(customer=customer, gateway="bkash", tran_id="BKTEST0001", amount=D("500.00"),
                                       currency="BDT", purpose="due", status=GatewayPayment.Status.PAID,
                                       bank_tran_id="TRX1", val_id="bkash:TRX1", paid_at=timezone.now())
    return ReconciliationItem.objects.create(gateway="bkash", day=timezone.localdate(), key="TRX1", txn_id="TRX1",
                                             kind=ReconciliationItem.Kind.MISSING_GATEWAY, gateway_payment=gp,
                                             our_amount=D("500.00"))


@pytest.fixture
def reconciliation_views_cashier(client):
    user = UserFactory(roles=["Cashier"])
    client.force_login(user)
    return client


@pytest.fixture
def reconciliation_views_manager_client(client):
    client.force_login(UserFactory(roles=["Manager"]))
    return client


def test_the_page_lists_the_day_and_is_in_the_navigation(staff_client, recon_item):
    page = staff_client.get(reverse("staff:reconciliation"), {"gateway": "bkash", "day": timezone.localdate().strftime("%d/%m/%Y")})
    assert page.status_code == 200
    body = page.content.decode()
    assert f'id="recon-item-{recon_item.pk}"' in body and "Missing at the gateway" in body
    assert reverse("staff:reconciliation") in staff_client.get(reverse("staff:onlinepayment-list")).content.decode()
    assert staff_client.get(reverse("staff:reconciliation")).status_code == 200  # yesterday by default
    assert staff_client.get(reverse("staff:settlement-report")).status_code == 200


def test_a_manager_may_resolve_and_a_cashier_may_not_even_look(reconciliation_views_cashier, recon_item):
    before = state()
    assert reconciliation_views_cashier.get(reverse("staff:reconciliation")).status_code == 403
    assert reconciliation_views_cashier.get(reverse("staff:settlement-report")).status_code == 403
    answer = reconciliation_views_cashier.post(reverse("staff:reconciliation-resolve", args=[recon_item.pk]), {"action": "acknowledge", "note": "x"})
    assert answer.status_code == 403
    assert reconciliation_views_cashier.post(reverse("staff:reconciliation-run"), {"gateway": "bkash", "day": "01/11/2026"}).status_code == 403
    upload = SimpleUploadedFile("s.csv", b"Transaction ID\n", content_type="text/csv")
    assert reconciliation_views_cashier.post(reverse("staff:reconciliation-statement"), {"upload-gateway": "bkash", "upload-day": "01/11/2026", "upload-file": upload}).status_code == 403
    assert state() == before


def test_anonymous_is_sent_to_sign_in(client, recon_item):
    before = state()
    answer = client.post(reverse("staff:reconciliation-resolve", args=[recon_item.pk]), {"action": "acknowledge", "note": "x"})
    assert answer.status_code in (302, 403)
    assert state() == before


def test_acknowledging_through_the_page_answers_the_row_for_htmx_and_is_audited(reconciliation_views_manager_client, recon_item):
    from ispbill.core.models import AuditLog

    answer = reconciliation_views_manager_client.post(reverse("staff:reconciliation-resolve", args=[recon_item.pk]),
                                 {"action": "acknowledge", "note": "Checked with bKash"}, HTTP_HX_REQUEST="true")
    assert answer.status_code == 200
    assert f'id="recon-item-{recon_item.pk}"' in answer.content.decode() and "Acknowledged" in answer.content.decode()
    recon_item.refresh_from_db()
    assert recon_item.resolution == "acknowledged" and recon_item.note == "Checked with bKash"
    assert AuditLog.objects.filter(action="reconciliation.acknowledged").count() == 1
    # Again: already resolved, nothing changes.
    before = state()
    again = reconciliation_views_manager_client.post(reverse("staff:reconciliation-resolve", args=[recon_item.pk]),
                                {"action": "acknowledge", "note": "twice"}, HTTP_HX_REQUEST="true")
    assert again.status_code == 422 and state() == before


@pytest.mark.parametrize("data", [
    {}, {"action": "delete"}, {"action": ["settle", "reverse"]}, {"action": "acknowledge", "note": "x" * 300},
])
def test_a_malformed_resolution_is_refused_and_changes_nothing(staff_client, recon_item, data):
    before = state()
    answer = staff_client.post(reverse("staff:reconciliation-resolve", args=[recon_item.pk]), data)
    assert answer.status_code == 400 and state() == before


@pytest.mark.parametrize("data", [{"action": "acknowledge", "note": ""}, {"action": "settle"}, {"action": "reverse", "note": ""}])
def test_a_resolution_the_item_does_not_allow_changes_nothing(staff_client, recon_item, data):
    before = state()
    answer = staff_client.post(reverse("staff:reconciliation-resolve", args=[recon_item.pk]), data, HTTP_HX_REQUEST="true")
    assert answer.status_code == 422 and state() == before


def test_an_unknown_item_is_not_found(staff_client, recon_item):
    before = state()
    assert staff_client.post(reverse("staff:reconciliation-resolve", args=[recon_item.pk + 999]),
                             {"action": "acknowledge", "note": "x"}).status_code == 404
    assert staff_client.post("/staff/online-payments/reconciliation/NaN/resolve/", {"action": "acknowledge"}).status_code == 404
    assert state() == before


@pytest.mark.parametrize("query", [
    {"gateway": "nagad-x", "day": "01/11/2026"}, {"gateway": "bkash", "day": "NaN"}, {"gateway": "bkash", "day": "99/99/9999"},
    {"gateway": "bkash", "day": "1" * 500}, {"gateway": "bkash", "day": "01/11/2026", "kind": "everything-else"},
])
def test_the_page_refuses_a_malformed_filter(staff_client, query):
    assert staff_client.get(reverse("staff:reconciliation"), query).status_code == 400


@pytest.mark.parametrize("query", [
    {"gateway": "bkash", "first": "10/11/2026", "last": "01/11/2026"},
    {"gateway": "bkash", "first": "01/01/2020", "last": "01/11/2026"},
    {"gateway": "paypal", "first": "01/11/2026", "last": "02/11/2026"},
    {"gateway": "bkash", "first": "Infinity", "last": "02/11/2026"},
])
def test_the_settlement_report_refuses_a_malformed_range(staff_client, query):
    assert staff_client.get(reverse("staff:settlement-report"), query).status_code == 400


@pytest.mark.parametrize("data", [
    {}, {"gateway": "bkash"}, {"gateway": "bkash", "day": "NaN"}, {"gateway": "x", "day": "01/11/2026"},
])
def test_run_again_refuses_malformed_input(staff_client, data):
    before = state()
    assert staff_client.post(reverse("staff:reconciliation-run"), data).status_code == 400
    assert state() == before


def test_run_again_refuses_a_day_to_come(staff_client):
    future = (timezone.localdate() + timedelta(days=3)).strftime("%d/%m/%Y")
    before = state()
    assert staff_client.post(reverse("staff:reconciliation-run"), {"gateway": "bkash", "day": future}).status_code == 400
    assert state() == before


@pytest.mark.parametrize("name, content", [
    ("s.csv", b"\x00\x01binary"), ("s.csv", b"not,the,report\n1,2,3\n"), ("s.csv", b""),
])
def test_an_unreadable_report_is_refused_and_nothing_is_stored(staff_client, name, content):
    before = state()
    upload = SimpleUploadedFile(name, content, content_type="text/csv")
    answer = staff_client.post(reverse("staff:reconciliation-statement"),
                               {"upload-gateway": "bkash", "upload-day": timezone.localdate().strftime("%d/%m/%Y"), "upload-file": upload})
    assert answer.status_code == 400 and state() == before


def test_an_upload_without_a_file_or_day_is_refused(staff_client):
    before = state()
    assert staff_client.post(reverse("staff:reconciliation-statement"), {"upload-gateway": "bkash"}).status_code == 400
    assert state() == before


def test_a_good_report_is_uploaded_and_the_day_reconciled(staff_client):
    day = timezone.localdate()
    body = ("Transaction ID,Date Time,Transaction Type,Wallet,Reference,Amount,Fee,Net Amount,Status\n"
            f"BKZ1,{day.isoformat()} 10:00:00,Payment,017,ZZ,100.00,1.85,98.15,Completed\n").encode()
    upload = SimpleUploadedFile("statement.csv", body, content_type="text/csv")
    answer = staff_client.post(reverse("staff:reconciliation-statement"), {"upload-gateway": "bkash", "upload-day": day.strftime("%d/%m/%Y"), "upload-file": upload})
    assert answer.status_code == 302
    item = ReconciliationItem.objects.get(txn_id="BKZ1")
    assert item.kind == "missing_ours" and item.gateway_amount == D("100.00") and item.gateway_fee == D("1.85")
    report = staff_client.get(reverse("staff:settlement-report"), {"gateway": "bkash", "first": day.strftime("%d/%m/%Y"),
                                                                   "last": day.strftime("%d/%m/%Y")})
    assert report.status_code == 200 and "98.15" in report.content.decode()
