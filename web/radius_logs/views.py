"""Session logs (docs/radius.md, "Session logs"): the search page and the CSV export. The search
needs radius.view_sessionlog; the export radius.export_sessionlog as well, and every export is audited
(who, range, filter, rows) before its first byte is sent."""

from collections.abc import Iterable, Iterator
from itertools import islice

from django.conf import settings
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ispbill.core import csvfiles
from network.ipam_selectors import address_holders, prefixes_at
from radius.selectors import SessionLogRow, session_log_export_rows, session_log_page
from radius.services import session_log_export_audit
from web.surfaces import staff_permission_required

from .forms import SessionLogExportForm, SessionLogSearchForm

PER_PAGE = 50
EXPORT_CHUNK = 1000
EXPORT_COLUMNS = (
    _("Start"), _("Stop"), _("Login"), _("Customer account"), _("Customer"), _("IP address"), _("IPv6 prefix"),
    _("MAC (Calling-Station-Id)"),
    _("NAS"), _("NAS IP address"), _("Bytes up"), _("Bytes down"), _("Terminate cause"), _("Session id"),
)


@staff_permission_required("radius.view_sessionlog")
def session_log(request):
    # No criteria is a search too: every session, newest first (the regulator's "what happened lately").
    form = SessionLogSearchForm(request.GET, user=request.user)
    rows, following, after = [], None, None
    searched = form.is_valid()
    holders, prefixes = [], {}
    if searched:
        after = form.cleaned_data["after"]
        query = form.query()
        rows, following = session_log_page(query, after=after, per_page=PER_PAGE)
        prefixes = prefixes_at(rows)
        for row in rows:
            row.ipv6_prefix = prefixes.get((row.subscription_id, row.acctstarttime), "")
        if query.ip and after is None:
            # Static-IP and IPoE connections have no RADIUS session, and an IPv6 address is inside a
            # delegated prefix: address management's record answers for them (docs/ipam.md).
            holders = address_holders(ip=query.ip, at=query.at, branch_ids=query.branch_ids)
    query_string = request.GET.copy()
    query_string.pop("after", None)
    context = {
        "form": form, "rows": rows, "searched": searched, "is_first": after is None,
        "next_cursor": following.encode() if following else "",
        "query_string": query_string.urlencode(), "time_zone": settings.TIME_ZONE,
        "may_export": request.user.has_perm("radius.export_sessionlog"),
        "holders": holders,
    }
    return render(request, "radius/session_log.html", context, status=400 if form.errors else 200)


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S") if moment else ""


class _Echo:
    def write(self, value):
        return value


def _export_lines(rows: Iterator[SessionLogRow]) -> Iterator[str]:
    writer = csvfiles.writer(_Echo())
    yield "\ufeff"
    yield writer.writerow([str(column) for column in EXPORT_COLUMNS])
    for chunk in batched(rows, EXPORT_CHUNK):
        # The IPv6 prefix each subscriber held when the session started (address management): one
        # read per chunk of rows, not per row.
        prefixes = prefixes_at(chunk)
        for row in chunk:
            yield _export_line(writer, row, prefixes.get((row.subscription_id, row.acctstarttime), ""))


def batched(rows: Iterable[SessionLogRow], size: int) -> Iterator[list[SessionLogRow]]:
    """itertools.batched (Python 3.12) for 3.11."""
    rows = iter(rows)
    while chunk := list(islice(rows, size)):
        yield chunk


def _export_line(writer, row: SessionLogRow, ipv6_prefix: str) -> str:
    return writer.writerow([
        _local(row.acctstarttime), _local(row.acctstoptime), row.username,
        row.customer.account_number if row.customer else "", row.customer.name if row.customer else "",
        row.framedipaddress or "", ipv6_prefix, row.callingstationid, row.router.name if row.router else "", row.nasipaddress,
        row.acctinputoctets if row.acctinputoctets is not None else "",
        row.acctoutputoctets if row.acctoutputoctets is not None else "",
        row.acctterminatecause, row.acctsessionid,
    ])


@staff_permission_required("radius.view_sessionlog", "radius.export_sessionlog")
def session_log_export(request):
    form = SessionLogExportForm(request.GET or None, user=request.user)
    if not form.is_valid():
        context = {"form": form, "rows": [], "searched": False, "is_first": True, "next_cursor": "", "query_string": "",
                   "time_zone": settings.TIME_ZONE, "may_export": True, "export_errors": True}
        return render(request, "radius/session_log.html", context, status=400)
    query = form.query()
    session_log_export_audit(actor=request.user, query=query, description=form.description())
    response = StreamingHttpResponse(_export_lines(session_log_export_rows(query)), content_type="text/csv; charset=utf-8")
    data = form.cleaned_data
    response["Content-Disposition"] = f'attachment; filename="sessions-{data["start"]:%Y%m%d}-{data["end"]:%Y%m%d}.csv"'
    return response


staff = [
    path("network/session-logs/", session_log, name="session-log"),
    path("network/session-logs/export.csv", session_log_export, name="session-log-export"),
]
