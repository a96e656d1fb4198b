"""The staff REST API: every endpoint's permission (no token 401, wrong scope 403, read-only writing
403), branch scope (another branch's object 404), bad input (4xx, nothing changed), pagination, and
writes going through the console's services (audited with the token's name)."""

from decimal import Decimal

import pytest

from billing.models import Invoice, InvoiceLine, LedgerEntry
from billing.services import LineSpec, invoice_create
from customers.models import Customer, Subscription
from ispbill.core.models import AuditLog
from network.models import UsageDaily
from payments.models import Payment
from tests.api.conftest import ALL_READ, ALL_WRITE
from tests.factories import UserFactory, make_subscription
from tickets.models import Ticket

LISTS = [
    ("/api/v1/customers/", "customers"),
    ("/api/v1/subscriptions/", "customers"),
    ("/api/v1/packages/", "customers"),
    ("/api/v1/invoices/", "billing"),
    ("/api/v1/payments/", "payments"),
    ("/api/v1/tickets/", "tickets"),
    ("/api/v1/usage/", "network"),
]


def _other_area(area: str) -> str:
    return "tickets" if area != "tickets" else "billing"


def _invoice(customer, amount="1000.00"):
    return invoice_create(
        actor=None, customer=customer, lines=[LineSpec(kind=InvoiceLine.Kind.FEE, description="Installation", amount=Decimal(amount))]
    )


@pytest.mark.parametrize("url,area", LISTS)
def test_list_needs_a_token_and_the_area_in_its_scope(anonymous, api_as, north_customer, url, area):
    assert anonymous.get(url).status_code == 401
    assert api_as({_other_area(area): "write"}).get(url).status_code == 403
    answer = api_as({area: "read"}).get(url)
    assert answer.status_code == 200, answer.content
    assert "results" in answer.json() and "next" in answer.json()


@pytest.mark.parametrize("url,area", LISTS)
def test_a_revoked_or_garbage_token_is_401(client, make_token, url, area):
    from api.tokens import token_revoke

    token, raw = make_token({area: "read"})
    token_revoke(actor=token.created_by, token=token)
    for header in (f"Bearer {raw}", "Bearer isb_nothing", "Bearer", "Basic abc", f"Bearer {raw} extra"):
        assert client.get(url, HTTP_AUTHORIZATION=header).status_code == 401


def test_console_permissions_still_apply_under_a_read_write_token(client, areas, north_customer):
    """A token never reaches further than its user: a cashier's token cannot create customers."""
    from api.tokens import token_create
    from tests.api.conftest import Api

    cashier = UserFactory(roles=["Cashier"])
    _token, raw = token_create(actor=cashier, name="Till", scopes=ALL_WRITE)
    api = Api(client, raw)
    before = Customer.objects.count()
    answer = api.post("/api/v1/customers/", {"name": "X", "phone": "01712345678", "address": "Y", "area": areas[0].pk})
    assert answer.status_code == 403
    assert Customer.objects.count() == before
    assert api.get("/api/v1/customers/").status_code == 200  # Cashiers may view customers
    assert api.get("/api/v1/tickets/").status_code == 403  # ... but not tickets, whatever the token says


# Customers -----------------------------------------------------------------------------------------


def test_create_customer_goes_through_the_service_and_is_audited_with_the_token_name(api_as, areas, maker):
    api = api_as({"customers": "write"}, name="CRM bridge")
    answer = api.post("/api/v1/customers/", {"name": "Nadia", "phone": "01712-345678", "address": "Road 5", "area": areas[0].pk})
    assert answer.status_code == 201, answer.content
    customer = Customer.objects.get(pk=answer.json()["id"])
    assert customer.account_number.startswith("CT-") and customer.phone == "+8801712345678"  # numbered and normalised by the service
    entry = AuditLog.objects.get(action="customer.create", object_id=str(customer.pk))
    assert entry.via == "api:CRM bridge" and entry.actor_id == maker.pk


@pytest.mark.parametrize("body", [
    {},
    {"name": "N", "phone": "01712345678", "address": "A"},  # no area
    {"name": "N", "phone": "not a phone", "address": "A", "area": "AREA"},
    {"name": "N", "phone": "not a phone", "address": "A", "area": "AREA_OK"},  # the service refuses the phone
    {"name": ["x"], "phone": "01712345678", "address": "A", "area": "AREA_OK"},
    {"name": "N" * 10_000, "phone": "01712345678", "address": "A", "area": "AREA_OK"},
    {"name": "N", "phone": "01712345678", "address": "A", "area": "AREA_OK", "latitude": "NaN"},
    {"name": "N", "phone": "01712345678", "address": "A", "area": "AREA_OK", "latitude": "1e400"},
    {"name": "N", "phone": "01712345678", "address": "A", "area": 10**30},
    {"name": "N", "phone": "01712345678", "address": "A", "area": "OTHER_BRANCH"},  # someone else's area
    "not json",
    "[1, 2]",
])
def test_create_customer_refuses_bad_input_and_changes_nothing(api_as, areas, branches, body):
    api = api_as({"customers": "write"}, branches=[branches[0]])
    if isinstance(body, dict):
        replace = {"AREA": "abc", "AREA_OK": areas[0].pk, "OTHER_BRANCH": areas[1].pk}
        body = {key: replace.get(value, value) if isinstance(value, str) else value for key, value in body.items()}
    before = (Customer.objects.count(), AuditLog.objects.count())
    answer = api.post("/api/v1/customers/", body)
    assert answer.status_code == 400, answer.content
    assert (Customer.objects.count(), AuditLog.objects.count()) == before


def test_read_only_token_cannot_write_anything(api_as, north_customer, areas):
    api = api_as(ALL_READ)
    subscription = make_subscription(customer=north_customer, activate=True)
    before = (Customer.objects.count(), Payment.objects.count(), Ticket.objects.count(), AuditLog.objects.count())
    writes = [
        ("/api/v1/customers/", {"name": "N", "phone": "01712345678", "address": "A", "area": areas[0].pk}),
        ("/api/v1/payments/", {"customer": north_customer.pk, "amount": "100.00", "method": "cash"}),
        ("/api/v1/tickets/", {"customer": north_customer.pk, "category": "no_connection", "subject": "S", "description": "D"}),
        (f"/api/v1/subscriptions/{subscription.pk}/suspend/", {"reason": "r", "suspension_type": "technical"}),
        (f"/api/v1/subscriptions/{subscription.pk}/reactivate/", {"reason": "r"}),
        (f"/api/v1/subscriptions/{subscription.pk}/cancel/", {"reason": "r"}),
    ]
    for url, body in writes:
        assert api.post(url, body).status_code == 403, url
    assert (Customer.objects.count(), Payment.objects.count(), Ticket.objects.count(), AuditLog.objects.count()) == before
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.ACTIVE


def test_branch_scope_hides_other_branches_everywhere(api_as, branches, north_customer, south_customer):
    api = api_as(ALL_WRITE, branches=[branches[0]])
    south_subscription = make_subscription(customer=south_customer, activate=True)
    south_invoice = _invoice(south_customer)
    listed = api.get("/api/v1/customers/").json()["results"]
    assert [row["id"] for row in listed] == [north_customer.pk]
    for url in (
        f"/api/v1/customers/{south_customer.pk}/", f"/api/v1/subscriptions/{south_subscription.pk}/",
        f"/api/v1/invoices/{south_invoice.pk}/", f"/api/v1/invoices/{south_invoice.pk}/pdf/",
    ):
        assert api.get(url).status_code == 404, url
    assert api.post(f"/api/v1/subscriptions/{south_subscription.pk}/suspend/", {"reason": "x", "suspension_type": "technical"}).status_code == 404
    south_subscription.refresh_from_db()
    assert south_subscription.status == Subscription.Status.ACTIVE
    # Someone else's customer in a body: refused, nothing recorded.
    answer = api.post("/api/v1/payments/", {"customer": south_customer.pk, "amount": "100.00", "method": "cash"})
    assert answer.status_code == 400 and not Payment.objects.exists()
    assert api.get("/api/v1/invoices/").json()["results"] == []


def test_filters_are_validated_and_applied(api_as, north_customer, south_customer, areas):
    api = api_as(ALL_READ)
    assert [r["id"] for r in api.get("/api/v1/customers/", {"area": areas[1].pk}).json()["results"]] == [south_customer.pk]
    assert api.get("/api/v1/customers/", {"account_number": north_customer.account_number}).json()["results"][0]["id"] == north_customer.pk
    for bad in ({"area": "x"}, {"status": "nonsense"}, {"updated_since": "yesterday"}, {"page_size": "0"}, {"page_size": "100000"}, {"area": "-1"}):
        assert api.get("/api/v1/customers/", bad).status_code == 400, bad
    assert api.get("/api/v1/customers/99999999999999999999999/").status_code == 404
    assert api.get("/api/v1/customers/abc/").status_code == 404


def test_cursor_pagination_walks_every_row_once(api_as, areas):
    from tests.factories import make_customer

    made = {make_customer(area=areas[0]).pk for _ in range(7)}
    api = api_as(ALL_READ)
    seen, url, pages = [], "/api/v1/customers/?page_size=3", 0
    while url:
        body = api.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url, pages = body["next"], pages + 1
    assert pages == 3 and len(seen) == 7 and set(seen) == made
    assert seen == sorted(seen, reverse=True)
    assert api.get("/api/v1/customers/", {"cursor": "garbage"}).status_code == 404


# Subscriptions ---------------------------------------------------------------------------------------


def test_suspend_and_reactivate_go_through_the_use_cases(api_as, north_customer):
    from network.models import ProvisioningTask

    subscription = make_subscription(customer=north_customer, activate=True)
    api = api_as({"customers": "write"}, name="NOC bot")
    tasks_before = ProvisioningTask.objects.filter(subscription=subscription).count()
    answer = api.post(f"/api/v1/subscriptions/{subscription.pk}/suspend/", {"reason": "Fraud check", "suspension_type": "technical"})
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "suspended"
    assert ProvisioningTask.objects.filter(subscription=subscription).count() > tasks_before  # the router change was queued
    entry = AuditLog.objects.get(action="subscription.suspend", object_id=str(subscription.pk))
    assert entry.via == "api:NOC bot" and entry.reason == "Fraud check"
    # A second suspend is refused by the transition table: 400, nothing changed.
    count = AuditLog.objects.count()
    assert api.post(f"/api/v1/subscriptions/{subscription.pk}/suspend/", {"reason": "again", "suspension_type": "technical"}).status_code == 400
    assert AuditLog.objects.count() == count
    assert api.post(f"/api/v1/subscriptions/{subscription.pk}/reactivate/", {"reason": "ok"}).json()["status"] == "active"


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "x", "suspension_type": "bogus"}, {"reason": "x"}, {"reason": 5, "suspension_type": []}])
def test_suspend_refuses_bad_input(api_as, north_customer, body):
    subscription = make_subscription(customer=north_customer, activate=True)
    assert api_as({"customers": "write"}).post(f"/api/v1/subscriptions/{subscription.pk}/suspend/", body).status_code == 400
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.ACTIVE


# Payments ----------------------------------------------------------------------------------------------


def test_record_payment_goes_through_the_ledger_and_is_idempotent(api_as, north_customer):
    invoice = _invoice(north_customer, "1000.00")
    api = api_as({"payments": "write"}, name="Bank feed")
    body = {"customer": north_customer.pk, "amount": "1150.00", "method": "bank", "reference": "TRX-1", "idempotency_key": "bank-TRX-1"}
    first = api.post("/api/v1/payments/", body)
    assert first.status_code == 201, first.content
    again = api.post("/api/v1/payments/", body)
    assert again.json()["id"] == first.json()["id"] and Payment.objects.count() == 1
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID  # allocated by the ledger
    assert LedgerEntry.objects.filter(account__customer=north_customer, kind=LedgerEntry.Kind.PAYMENT).count() == 1
    entry = AuditLog.objects.get(action="payment.record")
    assert entry.via == "api:Bank feed"


@pytest.mark.parametrize("body", [
    {"amount": "100.00", "method": "cash"},  # no customer
    {"customer": "CUSTOMER", "method": "cash"},  # no amount
    {"customer": "CUSTOMER", "amount": "NaN", "method": "cash"},
    {"customer": "CUSTOMER", "amount": "Infinity", "method": "cash"},
    {"customer": "CUSTOMER", "amount": "-5", "method": "cash"},
    {"customer": "CUSTOMER", "amount": "0", "method": "cash"},
    {"customer": "CUSTOMER", "amount": "1e20", "method": "cash"},
    {"customer": "CUSTOMER", "amount": "10.123", "method": "cash"},
    {"customer": "CUSTOMER", "amount": "ten", "method": "cash"},
    {"customer": "CUSTOMER", "amount": [100], "method": "cash"},
    {"customer": "CUSTOMER", "amount": "100.00", "method": "gold"},
    {"customer": "CUSTOMER", "amount": "100.00", "method": "bank"},  # a bank payment needs its reference (the service)
    {"customer": "CUSTOMER", "amount": "99999999.00", "method": "cash"},  # large: must be confirmed (the service)
    {"customer": "CUSTOMER", "amount": "100.00", "method": "cash", "received_at": "2999-01-01T00:00:00Z"},
    {"customer": 987654321, "amount": "100.00", "method": "cash"},
    {"customer": "abc", "amount": "100.00", "method": "cash"},
])
def test_record_payment_refuses_bad_input_and_writes_nothing(api_as, north_customer, body):
    body = {key: north_customer.pk if value == "CUSTOMER" else value for key, value in body.items()}
    api = api_as({"payments": "write"})
    before = (Payment.objects.count(), AuditLog.objects.count())
    answer = api.post("/api/v1/payments/", body)
    assert answer.status_code == 400, answer.content
    assert (Payment.objects.count(), AuditLog.objects.count()) == before


def test_backdating_beyond_the_limit_needs_the_console_permission(client, north_customer, settings):
    from api.tokens import token_create
    from tests.api.conftest import Api

    cashier = UserFactory(roles=["Cashier"])
    _token, raw = token_create(actor=cashier, name="Till", scopes={"payments": "write"})
    old = "2020-01-01T10:00:00+06:00"
    answer = Api(client, raw).post("/api/v1/payments/", {"customer": north_customer.pk, "amount": "10.00", "method": "cash", "received_at": old})
    assert answer.status_code == 403 and not Payment.objects.exists()


# Tickets and usage -------------------------------------------------------------------------------------


def test_open_ticket_and_bad_input(api_as, north_customer, south_customer, branches):
    api = api_as({"tickets": "write"}, branches=[branches[0]], name="Helpdesk")
    answer = api.post("/api/v1/tickets/", {"customer": north_customer.pk, "category": "no_connection", "subject": "Down", "description": "Since noon"})
    assert answer.status_code == 201, answer.content
    assert AuditLog.objects.get(action="ticket.create").via == "api:Helpdesk"
    for body in (
        {"customer": south_customer.pk, "category": "no_connection", "subject": "S", "description": "D"},
        {"customer": north_customer.pk, "category": "bogus", "subject": "S", "description": "D"},
        {"customer": north_customer.pk, "category": "no_connection", "subject": "", "description": "D"},
        {"customer": north_customer.pk, "category": "no_connection", "subject": "S" * 5000, "description": "D"},
    ):
        assert api.post("/api/v1/tickets/", body).status_code == 400
    assert Ticket.objects.count() == 1


def test_usage_lists_daily_rollups_in_scope(api_as, north_customer, south_customer, branches):
    import datetime

    mine = make_subscription(customer=north_customer, activate=True)
    theirs = make_subscription(customer=south_customer, activate=True)
    UsageDaily.objects.create(subscription=mine, day=datetime.date(2026, 11, 1), upload_bytes=10, download_bytes=20)
    UsageDaily.objects.create(subscription=theirs, day=datetime.date(2026, 11, 1), upload_bytes=1, download_bytes=2)
    api = api_as({"network": "read"}, branches=[branches[0]])
    rows = api.get("/api/v1/usage/", {"day_from": "2026-11-01"}).json()["results"]
    assert [(r["subscription"], r["download_bytes"]) for r in rows] == [(mine.pk, 20)]
    assert api.get("/api/v1/usage/", {"day_from": "2020-01-01", "day_to": "2026-01-01"}).status_code == 400


def test_invoice_pdf_downloads(api_as, north_customer):
    invoice = _invoice(north_customer)
    answer = api_as({"billing": "read"}).get(f"/api/v1/invoices/{invoice.pk}/pdf/")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert b"".join(answer.streaming_content if answer.streaming else [answer.content]).startswith(b"%PDF")


def test_the_customers_activity_tab_names_the_token(api_as, areas, maker, client):
    answer = api_as({"customers": "write"}, name="CRM bridge").post(
        "/api/v1/customers/", {"name": "Nadia", "phone": "01712-345679", "address": "Road 5", "area": areas[0].pk}
    )
    client.force_login(maker)
    page = client.get(f"/staff/customers/{answer.json()['id']}/?tab=activity").content.decode()
    assert "through the API token “CRM bridge”" in page


def test_a_huge_body_is_refused_without_writing(api_as, areas):
    api = api_as({"customers": "write"})
    before = Customer.objects.count()
    body = '{"name": "' + "N" * 3_000_000 + f'", "phone": "01712345678", "address": "A", "area": {areas[0].pk}}}'
    assert 400 <= api.post("/api/v1/customers/", body).status_code < 500
    assert Customer.objects.count() == before
