"""/api/v1/sessions/ (staff, network scope, branch-scoped, filters, cursor pagination) and
/api/portal/sessions/ (a customer's token: only that customer's sessions). Rows as FreeRADIUS's
accounting writes them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from radius.models import Session
from tests.api.conftest import ALL_READ, Api
from tests.api.test_portal_api import PASSWORD, _sign_in
from tests.factories import RouterFactory, UserFactory, make_customer, make_subscription

pytestmark = pytest.mark.django_db

URL = "/api/v1/sessions/"


def session(subscription, *, number, hours_ago=1, stopped=False, router=None):
    start = timezone.now() - timedelta(hours=hours_ago)
    return Session.objects.create(
        acctsessionid=f"s-{number}", acctuniqueid=f"u-{number}", username=subscription.username, nasipaddress="10.0.0.1",
        router=router or subscription.router, subscription=subscription, acctstarttime=start, acctupdatetime=start,
        acctstoptime=start + timedelta(minutes=30) if stopped else None, acctsessiontime=1800 if stopped else None,
        framedipaddress="100.64.0.9", callingstationid="AA:BB:CC:00:00:09", acctinputoctets=2**32 + 1000, acctoutputoctets=5000,
    )


@pytest.fixture
def rows(north_customer, south_customer):
    north = make_subscription(customer=north_customer, username="north-1", activate=True)
    south = make_subscription(customer=south_customer, username="south-1", activate=True)
    return {
        "north_open": session(north, number=1, hours_ago=1),
        "north_old": session(north, number=2, hours_ago=30, stopped=True),
        "south_open": session(south, number=3, hours_ago=2),
        "north": north, "south": south,
    }


def test_sessions_need_a_token_the_network_scope_and_the_permission(anonymous, api_as, client, make_token, rows):
    assert anonymous.get(URL).status_code == 401
    assert api_as({"customers": "write", "billing": "write"}).get(URL).status_code == 403
    body = api_as({"network": "read"}).get(URL).json()
    assert [row["id"] for row in body["results"]] == [rows["south_open"].pk, rows["north_old"].pk, rows["north_open"].pk]
    row = next(r for r in body["results"] if r["id"] == rows["north_open"].pk)
    assert row["online"] is True and row["customer"] == rows["north"].customer_id and row["upload_bytes"] == 2**32 + 1000
    assert row["session_id"] == "s-1" and row["ip_address"] == "100.64.0.9" and row["router"] == rows["north"].router_id
    # A cashier's login holds no radius.view_session: a network-scoped token of theirs reads nothing.
    from api.tokens import token_create

    cashier = UserFactory(roles=["Cashier"])
    _token, raw = token_create(actor=cashier, name="cashier", scopes={"network": "read"}, all_branches=True, branches=(), rate_per_minute=100)
    assert Api(client, raw).get(URL).status_code == 403


def test_branch_scope_hides_other_branches_sessions(api_as, branches, rows):
    api = api_as(ALL_READ, branches=[branches[0]])
    assert {row["id"] for row in api.get(URL).json()["results"]} == {rows["north_open"].pk, rows["north_old"].pk}
    assert api.get(f"{URL}{rows['south_open'].pk}/").status_code == 404
    assert api.get(f"{URL}{rows['north_open'].pk}/").json()["username"] == "north-1"
    assert api.get(URL, {"customer": rows["south"].customer_id}).json()["results"] == []


def test_filters_are_applied(api_as, rows):
    api = api_as(ALL_READ)

    def ids(**params):
        answer = api.get(URL, params)
        assert answer.status_code == 200, answer.content
        return {row["id"] for row in answer.json()["results"]}

    assert ids(customer=rows["north"].customer_id) == {rows["north_open"].pk, rows["north_old"].pk}
    assert ids(subscription=rows["south"].pk) == {rows["south_open"].pk}
    assert ids(router=rows["south"].router_id) == {rows["south_open"].pk}
    assert ids(online="true") == {rows["north_open"].pk, rows["south_open"].pk}
    assert ids(online="false") == {rows["north_old"].pk}
    since = (timezone.now() - timedelta(hours=3)).isoformat()
    assert ids(started_from=since) == {rows["north_open"].pk, rows["south_open"].pk}
    assert ids(started_to=since) == {rows["north_old"].pk}


@pytest.mark.parametrize("params", [
    {"customer": "x"}, {"customer": "0"}, {"customer": "-3"}, {"customer": "NaN"}, {"customer": str(2**70)},
    {"router": "1.5"}, {"online": "maybe"}, {"started_from": "yesterday"},
    {"started_from": "2026-11-02T00:00:00Z", "started_to": "2026-11-01T00:00:00Z"},
    {"page_size": "0"}, {"page_size": "100000"}, {"subscription": "9" * 40},
])
def test_bad_filters_are_400(api_as, rows, params):
    before = Session.objects.count()
    assert api_as(ALL_READ).get(URL, params).status_code == 400
    assert Session.objects.count() == before


def test_sessions_are_read_only_and_odd_ids_are_404(api_as, rows):
    api = api_as({"network": "write"})
    assert api.post(URL, {"username": "x"}).status_code in (403, 405)  # no action writes a session
    assert api.get(f"{URL}abc/").status_code == 404
    assert api.get(f"{URL}99999999999999999999999/").status_code == 404
    assert api.get(URL, {"cursor": "garbage"}).status_code == 404
    assert Session.objects.count() == 3


def test_cursor_pagination_walks_every_session_once(api_as, north_customer):
    subscription = make_subscription(customer=north_customer, username="many", activate=True)
    made = {session(subscription, number=n, hours_ago=n, stopped=n > 1).pk for n in range(1, 8)}
    api = api_as(ALL_READ)
    seen, url, pages = [], f"{URL}?page_size=3", 0
    while url:
        body = api.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url, pages = body["next"], pages + 1
    assert pages == 3 and set(seen) == made and seen == sorted(seen, reverse=True)


# The customer's own token ---------------------------------------------------------------------------------


def test_a_customer_token_sees_only_its_own_sessions(client, areas):
    mine = make_customer(area=areas[0], portal_password=PASSWORD)
    theirs = make_customer(area=areas[0], portal_password="another-pass-7")
    router = RouterFactory(branch=mine.branch)
    my_session = session(make_subscription(customer=mine, router=router, username="mine-1", activate=True), number=11)
    session(make_subscription(customer=theirs, router=router, username="theirs-1", activate=True), number=12)
    api = Api(client, _sign_in(client, mine.account_number).json()["token"])
    rows = api.get("/api/portal/sessions/").json()["results"]
    assert [row["id"] for row in rows] == [my_session.pk]
    assert "router" not in rows[0] and "mac" not in rows[0] and rows[0]["online"] is True
    assert api.get(URL).status_code == 403  # the staff endpoint is closed to a customer's token
    assert api.get("/api/portal/sessions/", {"page_size": "x"}).status_code == 400
    # A staff token cannot use the portal endpoint.
    assert Api(client, None).get("/api/portal/sessions/").status_code == 401
