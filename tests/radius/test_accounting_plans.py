"""Start, Interim-Update and Stop find their session through the unique index on acctuniqueid, whatever
the statistics say (radius/freeradius/mods-config/sql/queries.conf).

With statistics taken while every session was closed (here: ANALYZE of a table of closed sessions, then
as many opened and no ANALYZE after them, as after an Accounting-On with autovacuum behind or off; the
statistics of an empty table do not do it) the planner believed the
partial index of open sessions (radacct_open_login_idx) empty, and a session looked up by its id with
`acctstoptime IS NULL` was planned on it: every open session read at every packet (bench/_radius.py,
analyze_accounting; 27 November, ours' Starts at a few a second). The statements are read from the file
FreeRADIUS reads, with their placeholders replaced by values, and EXPLAINed against such a table.
"""

import json
import re

import pytest
from django.db import connection

from radius.config import TEMPLATES

QUERIES = TEMPLATES / "mods-config" / "sql" / "queries.conf"
EPOCH = 1795772240


def accounting_update(kind: str, **attributes: str) -> str:
    """The first statement (the UPDATE) of one accounting type in queries.conf, runnable as SQL: the
    packet's attributes from `attributes` (Acct_Session_Time=60 for Acct-Session-Time), its session
    'session-4500', its moment EPOCH; an attribute not given is empty, as an absent one is."""
    values = {name.replace("_", "-"): str(value) for name, value in attributes.items()}
    values.setdefault("Acct-Unique-Session-Id", "session-4500")
    text = QUERIES.read_text()
    match = re.search(rf"\n\t\t{re.escape(kind)} {{\n(?:\t*#[^\n]*\n)*\t*query = \"([^\"]*)\"", text)
    assert match, f"no {kind} query in {QUERIES}"
    sql = match.group(1).replace("\\\n", " ")
    sql = re.sub(r"\$\{\.+acct_table[12]\}", "radius_radacct", sql)
    sql = re.sub(r"\$\{\.+event_timestamp_epoch\}", str(EPOCH), sql)
    sql = re.sub(r"\$\{\.+event_timestamp\}", f"TO_TIMESTAMP({EPOCH})", sql)
    # %{%{Attribute}:-default}: the attribute, or the default
    sql = re.sub(r"%\{%\{([^{}]*)\}:-([^{}]*)\}", lambda m: values.get(m.group(1), m.group(2)), sql)
    sql = re.sub(r"%\{([^{}]*)\}", lambda m: values.get(m.group(1), ""), sql)
    assert "${" not in sql and "%{" not in sql, sql
    return sql


def index_names(plan: dict) -> set[str]:
    names = {plan["Index Name"]} if "Index Name" in plan else set()
    for child in plan.get("Plans", []):
        names |= index_names(child)
    return names


@pytest.mark.postgres
@pytest.mark.parametrize("kind", ["start", "interim-update", "stop"])
def test_a_session_is_found_by_its_id_even_when_the_statistics_say_none_is_open(db, kind):
    columns = ("acctsessionid, acctuniqueid, username, realm, nasipaddress, nasportid, nasporttype, acctstarttime, "
               "acctupdatetime, acctstoptime, acctsessiontime, acctauthentic, connectinfo_start, connectinfo_stop, "
               "acctinputoctets, acctoutputoctets, calledstationid, callingstationid, acctterminatecause, servicetype, "
               "framedprotocol, router_id")
    sessions = (f"INSERT INTO radius_radacct ({columns}) "
                "SELECT 's' || g, 'session-' || g, 'user' || g, '', '10.0.0.1', g::text, 'Ethernet', to_timestamp(%s), "
                " to_timestamp(%s), {stop}, 0, '', '', '', 0, 0, '', '', '', 'Framed-User', 'PPP', 1 FROM generate_series(%s, %s) g")
    opened = EPOCH - 600  # ten minutes before the packet
    with connection.cursor() as cursor:
        # The statistics taken while every session was closed (a router's Accounting-On had closed them) ...
        cursor.execute(sessions.format(stop="to_timestamp(%s)"), [opened, opened, opened + 60, 1, 3000])
        cursor.execute("ANALYZE radius_radacct")
        # ... and as many opened since, the statistics not taken again.
        cursor.execute(sessions.format(stop="NULL"), [opened, opened, 3001, 6000])
        cursor.execute("EXPLAIN (FORMAT JSON) " + accounting_update(kind))
        plan = cursor.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        # Run, the statement finds its one session (nothing is left out by the rewritten condition).
        cursor.execute(accounting_update(kind))
        changed = cursor.rowcount
    assert index_names(plan[0]["Plan"]) == {"radacct_acctuniqueid_uniq"}, plan
    assert changed == 1


@pytest.mark.postgres
def test_an_interim_update_of_the_same_second_never_undoes_a_later_one(db):
    """Two Interim-Updates a router sends within one second carry the same Event-Timestamp; replayed
    again after the later one (a spool read twice, its files split at midnight), the earlier one must
    not put the session's octets back. Acct-Session-Time, which only grows in a session, breaks the tie."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO radius_radacct (acctsessionid, acctuniqueid, username, realm, nasipaddress, nasportid, "
            "nasporttype, acctstarttime, acctupdatetime, acctsessiontime, acctauthentic, connectinfo_start, "
            "connectinfo_stop, acctinputoctets, acctoutputoctets, calledstationid, callingstationid, acctterminatecause, "
            "servicetype, framedprotocol, router_id) VALUES ('O1', 'session-4500', 'alice', '', '10.0.0.1', '1', "
            "'Ethernet', to_timestamp(%s), to_timestamp(%s), 120, '', '', '', 900, 0, '', '', '', 'Framed-User', 'PPP', 1)",
            [EPOCH - 120, EPOCH],
        )

        def octets_after(**packet) -> tuple[int, int]:
            cursor.execute(accounting_update("interim-update", **packet))
            cursor.execute("SELECT acctinputoctets, acctsessiontime FROM radius_radacct WHERE acctuniqueid = 'session-4500'")
            return cursor.fetchone()

        assert octets_after(Acct_Session_Time=60, Acct_Input_Octets=500) == (900, 120)  # the earlier one: nothing
        assert octets_after(Acct_Session_Time=120, Acct_Input_Octets=900) == (900, 120)  # the same one again
        assert octets_after(Acct_Session_Time=121, Acct_Input_Octets=950) == (950, 121)  # a later one of that second
        assert octets_after(Acct_Input_Octets=990) == (990, None)  # one without a session time, as before
