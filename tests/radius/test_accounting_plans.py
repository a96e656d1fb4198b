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


def accounting_update(kind: str) -> str:
    """The first statement (the UPDATE) of one accounting type in queries.conf, runnable as SQL."""
    text = QUERIES.read_text()
    match = re.search(rf"\n\t\t{re.escape(kind)} {{\n(?:\t*#[^\n]*\n)*\t*query = \"([^\"]*)\"", text)
    assert match, f"no {kind} query in {QUERIES}"
    sql = match.group(1).replace("\\\n", " ")
    sql = re.sub(r"\$\{\.+acct_table[12]\}", "radius_radacct", sql)
    sql = re.sub(r"\$\{\.+event_timestamp_epoch\}", str(EPOCH), sql)
    sql = re.sub(r"\$\{\.+event_timestamp\}", f"TO_TIMESTAMP({EPOCH})", sql)
    sql = re.sub(r"%\{%\{[^{}]*\}:-([^{}]*)\}", r"\1", sql)  # %{%{Attribute}:-default}: the default
    sql = sql.replace("'%{Acct-Unique-Session-Id}'", "'session-4500'")
    sql = re.sub(r"%\{[^{}]*\}", "", sql)  # every other attribute: empty, as an absent one is
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
