"""Session logs keep to the staff user's branches (issue #51, item 2): a manager of branch A asking by
date range, login, IP and moment, or customer never sees or exports a session of branch B's
customers, nor one no customer was found for, on the page or in the CSV; the export's audit entry
counts only what was exported. Every query goes through one scope (radius.selectors)."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse

from ispbill.core.models import AuditLog
from radius.selectors import SessionLogQuery, session_log_count, session_log_export_rows, session_log_page
from tests.factories import AreaFactory, BranchFactory, RouterFactory, UserFactory, make_customer, make_subscription
from tests.radius.test_session_log import IP, accounted, local, logged

MOMENT = local(2026, 3, 3, 21, 14)
DAY = "03/03/2026"


@pytest.fixture
def two_branches(db):
    """Branch A's customer Asha and branch B's customer Bilal, each with the login home1 on their own
    router, each with a session in the log and one in radius_radacct around MOMENT, Bilal's (and an
    unknown login's) with the same address at that moment."""
    branch_a, branch_b = BranchFactory(name="Dhanmondi"), BranchFactory(name="Mirpur")
    router_a, router_b = RouterFactory(name="core-a", branch=branch_a), RouterFactory(name="core-b", branch=branch_b)
    asha = make_subscription(customer=make_customer(area=AreaFactory(branch=branch_a), name="Asha Akter"),
                             router=router_a, username="home1")
    bilal = make_subscription(customer=make_customer(area=AreaFactory(branch=branch_b), name="Bilal Hossain"),
                              router=router_b, username="home1")
    sessions = {
        "a_log": logged(start=MOMENT - timedelta(hours=2), stop=MOMENT - timedelta(hours=1), subscription=asha,
                        username="home1", router=router_a, mac="AA:AA:AA:00:00:01"),
        "a_recent": accounted(start=MOMENT - timedelta(hours=1), stop=MOMENT + timedelta(hours=3), subscription=asha,
                              username="home1", router=router_a),
        "b_log": logged(start=MOMENT - timedelta(hours=1), stop=MOMENT + timedelta(hours=1), subscription=bilal,
                        username="home1", router=router_b, mac="BB:BB:BB:00:00:02"),
        "b_recent": accounted(start=MOMENT - timedelta(minutes=30), subscription=bilal, username="home1", router=router_b,
                              ip="103.4.145.99"),
        "unknown": logged(start=MOMENT - timedelta(minutes=10), stop=MOMENT + timedelta(minutes=10), username="nobody",
                          router=router_b, mac="CC:CC:CC:00:00:03"),
    }
    manager_a = UserFactory(roles=["Manager"], branch_scope=[branch_a])
    return {"manager_a": manager_a, "asha": asha, "bilal": bilal, "sessions": sessions}


def ids(data, *names) -> set[str]:
    return {data["sessions"][name].acctsessionid for name in names}


def page_ids(client, params) -> tuple[set[str], str]:
    response = client.get(reverse("staff:session-log"), params)
    assert response.status_code == 200, response.content[:500]
    return {row.acctsessionid for row in response.context["rows"]}, response.content.decode()


def export(client, params) -> tuple[set[str], str]:
    response = client.get(reverse("staff:session-log-export"), params)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return {line[-1] for line in list(csv.reader(io.StringIO(text)))[1:]}, text


def nothing_of_b(data, html: str, *, typed: bool = False) -> None:
    """None of branch B's sessions' names, MACs or addresses (nor its account number, unless staff typed it)."""
    shown = ("Bilal Hossain", "BB:BB:BB:00:00:02", "CC:CC:CC:00:00:03", "103.4.145.99", "nobody")
    for secret in shown if typed else (*shown, data["bilal"].customer.account_number):
        assert secret not in html


@pytest.mark.parametrize("params", [
    pytest.param({"start": DAY, "end": DAY}, id="date-range"),
    pytest.param({"username": "home1", "start": DAY, "end": DAY}, id="login"),
    pytest.param({"ip": IP, "at": "03/03/2026 21:14", "start": DAY, "end": DAY}, id="ip-and-moment"),
])
def test_a_branch_manager_sees_and_exports_only_their_branchs_sessions(client, two_branches, params):
    data = two_branches
    client.force_login(data["manager_a"])

    shown, html = page_ids(client, params)
    exported, text = export(client, params)

    mine = ids(data, "a_log", "a_recent") if "ip" not in params else ids(data, "a_recent")
    assert shown == mine and exported == mine
    nothing_of_b(data, html)
    nothing_of_b(data, text)
    assert AuditLog.objects.get(action="radius.session_log_export").after["rows"] == len(mine)


def test_a_login_alone_and_an_address_alone_keep_to_the_branch(client, two_branches):
    data = two_branches
    client.force_login(data["manager_a"])
    assert page_ids(client, {"username": "home1"})[0] == ids(data, "a_log", "a_recent")
    assert page_ids(client, {"username": "nobody"})[0] == set()
    assert page_ids(client, {"ip": IP, "at": "03/03/2026 21:14"})[0] == ids(data, "a_recent")
    assert page_ids(client, {"ip": "103.4.145.99", "at": "03/03/2026 21:14"})[0] == set()


def test_another_branchs_customer_is_refused_and_nothing_is_exported(client, two_branches):
    data = two_branches
    client.force_login(data["manager_a"])
    number = data["bilal"].customer.account_number

    page = client.get(reverse("staff:session-log"), {"customer": number})
    csv_response = client.get(reverse("staff:session-log-export"), {"customer": number, "start": DAY, "end": DAY})

    assert page.status_code == 400 and "customer" in page.context["form"].errors and not page.context["rows"]
    assert csv_response.status_code == 400 and csv_response["Content-Type"].startswith("text/html")
    nothing_of_b(data, page.content.decode() + csv_response.content.decode(), typed=True)
    assert not AuditLog.objects.filter(action="radius.session_log_export").exists()
    # Their own customer is found as before.
    assert page_ids(client, {"customer": data["asha"].customer.account_number})[0] == ids(data, "a_log", "a_recent")


def test_a_manager_of_every_branch_sees_all_of_them(client, two_branches):
    data = two_branches
    client.force_login(UserFactory(roles=["Manager"]))
    assert page_ids(client, {"start": DAY, "end": DAY})[0] == ids(data, *data["sessions"])


def test_the_selectors_need_a_scope_and_apply_it_to_page_count_and_export(two_branches):
    data = two_branches
    day = local(2026, 3, 3, 0, 0)
    with pytest.raises(TypeError):
        SessionLogQuery(start=day, end=day + timedelta(days=1))  # no scope: refused, not "everything"
    scoped = SessionLogQuery.for_user(data["manager_a"], start=day, end=day + timedelta(days=1))
    everything = SessionLogQuery(start=day, end=day + timedelta(days=1), branch_ids=None)

    assert {row.acctsessionid for row in session_log_page(scoped)[0]} == ids(data, "a_log", "a_recent")
    assert {row.acctsessionid for row in session_log_export_rows(scoped)} == ids(data, "a_log", "a_recent")
    assert session_log_count(scoped) == 2
    assert session_log_count(everything) == len(data["sessions"])
    nobody = SessionLogQuery(start=day, end=day + timedelta(days=1), branch_ids=frozenset())
    assert session_log_count(nobody) == 0 and session_log_page(nobody)[0] == []
