"""The session log fed by the real FreeRADIUS: a router's accounting (Start, Interim-Update, Stop, with
the router's own Event-Timestamp) is what the regulator's search answers from — first from
radius_radacct, then, after the nightly job has moved it, from the month-partitioned log."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from radius import services
from radius.models import Session, SessionLog
from tests.factories import UserFactory
from tests.radius.conftest import Nas
from tests.radius.test_freeradius import SECRET, radius_router, subscriber

pytestmark = pytest.mark.postgres


def test_accounting_through_freeradius_is_found_by_ip_and_moment_before_and_after_the_move(freeradius, client):
    router = radius_router(name="core-7")
    subscription = subscriber(router, username="nasrin")
    nas = Nas(freeradius(), secret=SECRET)
    started = int((timezone.now() - timedelta(days=5)).timestamp())
    common = {"username": "nasrin", "session_id": "S-77", "Framed_IP_Address": "103.88.4.21",
              "Calling_Station_Id": "C0:FF:EE:00:00:77"}

    # The spool is replayed in order: waiting for the last packet's row waits for them all.
    nas.accounting("Start", Event_Timestamp=started, written=False, **common)
    nas.accounting("Interim-Update", Event_Timestamp=started + 300, Acct_Session_Time=300, Acct_Input_Octets=9_000,
                   Acct_Output_Octets=90_000, written=False, **common)
    nas.accounting("Stop", Event_Timestamp=started + 3600, Acct_Session_Time=3600, Acct_Input_Octets=12_000,
                   Acct_Output_Octets=120_000, Acct_Terminate_Cause="User-Request", written=False, **common)
    # Another customer had the address before.
    nas.accounting("Start", Event_Timestamp=started - 7200, username="nasrin", session_id="S-76",
                   Framed_IP_Address="103.88.4.21", written=False)
    nas.accounting("Stop", Event_Timestamp=started - 60, Acct_Session_Time=7140, username="nasrin", session_id="S-76",
                   Framed_IP_Address="103.88.4.21", Acct_Terminate_Cause="Lost-Carrier")

    client.force_login(UserFactory(roles=["Manager"]))
    moment = timezone.localtime(datetime.fromtimestamp(started + 1800, tz=UTC))
    params = {"ip": "103.88.4.21", "at": moment.strftime("%d/%m/%Y %H:%M")}

    def answer() -> str:
        response = client.get(reverse("staff:session-log"), params)
        assert response.status_code == 200
        return response.content.decode()

    html = answer()
    assert 'data-session="S-77"' in html and 'data-session="S-76"' not in html
    assert "nasrin" in html and "C0:FF:EE:00:00:77" in html and "core-7" in html
    assert subscription.customer.account_number in html and "12.0 kB" in html and "120 kB" in html

    moved = services.session_log_archive(now=timezone.now())

    assert moved == 2 and not Session.objects.exists()
    row = SessionLog.objects.get(acctsessionid="S-77")
    assert (row.customer_id, row.router_id, row.acctinputoctets, row.acctoutputoctets) == (subscription.customer_id, router.pk, 12_000, 120_000)
    assert row.acctstarttime == datetime.fromtimestamp(started, tz=UTC)
    html = answer()
    assert 'data-session="S-77"' in html and 'data-session="S-76"' not in html

    # The router keeps writing: a new session of the same login goes to radius_radacct as before.
    nas.accounting("Start", username="nasrin", session_id="S-78", Framed_IP_Address="103.88.4.22")
    assert Session.objects.get().acctsessionid == "S-78"
