"""The customer app's API: a token from the portal sign-in reaches that customer's own data only."""

from decimal import Decimal

import pytest

from api.models import ApiToken
from billing.models import InvoiceLine
from billing.services import LineSpec, invoice_create
from ispbill.core.models import AuditLog
from tests.api.conftest import Api
from tests.factories import make_customer, make_subscription
from tickets.models import Ticket

PASSWORD = "correct-horse-9"


@pytest.fixture
def portal_api_two_customers(areas):
    mine = make_customer(area=areas[0], portal_password=PASSWORD)
    theirs = make_customer(area=areas[0], portal_password="another-pass-7")
    for customer in (mine, theirs):
        invoice_create(actor=None, customer=customer, lines=[LineSpec(kind=InvoiceLine.Kind.FEE, description="Fee", amount=Decimal("100.00"))])
        make_subscription(customer=customer, activate=True)
    return mine, theirs


def _sign_in(client, login, password=PASSWORD):
    return client.post("/api/portal/token/", data={"login": login, "password": password, "name": "Pixel 8"}, content_type="application/json")


def test_sign_in_gives_a_token_for_the_customer_and_wrong_password_does_not(client, portal_api_two_customers):
    mine, _theirs = portal_api_two_customers
    assert _sign_in(client, mine.account_number, "wrong").status_code in (401, 403)
    answer = _sign_in(client, mine.account_number)
    assert answer.status_code == 201, answer.content
    token = ApiToken.objects.get(customer=mine)
    assert token.kind == ApiToken.Kind.CUSTOMER and token.name == "Pixel 8"
    assert Api(client, answer.json()["token"]).get("/api/portal/me/").json()["id"] == mine.pk


def test_customer_token_sees_only_its_own_rows(client, portal_api_two_customers):
    mine, theirs = portal_api_two_customers
    api = Api(client, _sign_in(client, mine.account_number).json()["token"])
    invoices = api.get("/api/portal/invoices/").json()["results"]
    assert {row["customer"] for row in invoices} == {mine.pk}
    assert len(api.get("/api/portal/subscriptions/").json()["results"]) == 1
    their_invoice = theirs.invoices.get()
    for url in (f"/api/portal/invoices/{their_invoice.pk}/", f"/api/portal/invoices/{their_invoice.pk}/pdf/"):
        assert api.get(url).status_code == 404
    assert api.get(f"/api/portal/invoices/{mine.invoices.get().pk}/").status_code == 200
    # Not a staff token: the staff API is closed to it.
    for url in ("/api/v1/customers/", "/api/v1/invoices/", f"/api/v1/customers/{theirs.pk}/"):
        assert api.get(url).status_code == 403


def test_customer_opens_a_ticket_for_themselves_only(client, portal_api_two_customers):
    mine, theirs = portal_api_two_customers
    api = Api(client, _sign_in(client, mine.account_number).json()["token"])
    answer = api.post("/api/portal/tickets/", {"category": "slow_speed", "subject": "Slow", "description": "Evenings", "customer": theirs.pk})
    assert answer.status_code == 201, answer.content
    assert Ticket.objects.get().customer_id == mine.pk  # a customer id in the body is ignored
    entry = AuditLog.objects.get(action="ticket.create")
    assert entry.via == "api:Pixel 8"
    from tickets.services import ticket_create

    their_ticket = ticket_create(actor=None, customer=theirs, category="other", subject="s", description="d")
    assert api.get(f"/api/portal/tickets/{their_ticket.pk}/").status_code == 404
    assert [row["id"] for row in api.get("/api/portal/tickets/").json()["results"]] == [Ticket.objects.get(customer=mine).pk]
    for bad in ({}, {"category": "nope", "subject": "s", "description": "d"}, {"category": "other", "subject": "", "description": "d"}):
        assert api.post("/api/portal/tickets/", bad).status_code == 400
    assert Ticket.objects.filter(customer=mine).count() == 1


def test_revoking_signs_the_app_out(client, portal_api_two_customers):
    mine, _theirs = portal_api_two_customers
    raw = _sign_in(client, mine.account_number).json()["token"]
    api = Api(client, raw)
    assert api.post("/api/portal/token/revoke/").status_code == 204
    assert api.get("/api/portal/me/").status_code == 401


def test_staff_token_cannot_use_portal_endpoints(api_as, portal_api_two_customers):
    api = api_as()
    assert api.get("/api/portal/invoices/").status_code == 403
    assert api.get("/api/portal/me/").status_code == 403


PORTAL_LISTS = ["/api/portal/me/", "/api/portal/subscriptions/", "/api/portal/invoices/", "/api/portal/payments/", "/api/portal/tickets/", "/api/portal/usage/"]


@pytest.mark.parametrize("url", PORTAL_LISTS)
def test_every_portal_endpoint_needs_a_customer_token(client, api_as, portal_api_two_customers, url):
    mine, _theirs = portal_api_two_customers
    assert Api(client, None).get(url).status_code == 401
    assert api_as().get(url).status_code == 403
    raw = _sign_in(client, mine.account_number).json()["token"]
    assert Api(client, raw).get(url).status_code == 200
