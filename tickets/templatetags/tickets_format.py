from html import escape

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def duration(minutes):
    """Business minutes as people read them: 45m, 3h 20m, 2d 4h (a day here is 24 hours of clock)."""
    if minutes is None or minutes == "":
        return "—"
    minutes = int(minutes)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {mins}m" if mins else f"{hours}h"
    return f"{mins}m"


# The inbox's rows, built in Python: 25 rows of eight cells went through the template engine as
# some 900 variable lookups per page, the larger part of the page's time. Same markup as the
# template it replaced; every value that comes from a ticket is escaped.
_PK_PLACEHOLDER = 987_654_321


@register.simple_tag
def inbox_rows(tickets, may_assign: bool):
    if not tickets:
        return format_html('<tr><td colspan="8">{}</td></tr>', _("No tickets match."))
    detail = reverse("staff:ticket-detail", args=[_PK_PLACEHOLDER])
    text = {
        "select": _("Select"), "ticket": _("Ticket"), "customer": _("Customer"), "category": _("Category"),
        "priority": _("Priority"), "status": _("Status"), "assignee": _("Assignee"), "due": _("Due"),
        "breached": _("SLA breached"), "paused": _("paused"), "reply_by": _("reply by"), "resolve_by": _("resolve by"),
    }
    text = {key: escape(value) for key, value in text.items()}
    months = {}

    def when(moment) -> str:
        # "j M, H:i" as the date filter writes it, month names looked up once per page.
        local = timezone.localtime(moment)
        if local.month not in months:
            months[local.month] = escape(str(MONTHS_3[local.month]).title())
        return f"{local.day} {months[local.month]}, {local:%H:%M}"

    rows = []
    for ticket in tickets:
        number = escape(ticket.number)
        breached = f' <span class="badge badge-breached">{text["breached"]}</span>' if ticket.is_breached else ""
        if ticket.paused_since:
            due = text["paused"]
        elif not ticket.first_response_at and ticket.first_response_due:
            due = f'{text["reply_by"]} {when(ticket.first_response_due)}'
        elif ticket.resolution_due and ticket.status not in ("resolved", "closed"):
            due = f'{text["resolve_by"]} {when(ticket.resolution_due)}'
        else:
            due = "—"
        assignee = escape(str(ticket.assignee)) if ticket.assignee_id else "—"  # full name, else login
        select = (
            f'<td><input type="checkbox" name="tickets" value="{ticket.pk}" aria-label="{text["select"]} {number}"></td>'
            if may_assign else ""
        )
        row_class = ' class="ticket-breached"' if ticket.is_breached else ""
        rows.append(
            f'<tr id="ticket-{ticket.pk}"{row_class}>{select}'
            f'<td data-label="{text["ticket"]}" class="wrap"><a href="{detail.replace(str(_PK_PLACEHOLDER), str(ticket.pk))}">'
            f'<strong>{number}</strong></a>{breached}<br><small>{escape(ticket.subject)}</small></td>'
            f'<td data-label="{text["customer"]}" class="wrap">{escape(ticket.customer.name)}<br><small class="muted">'
            f'{escape(ticket.customer.account_number)} · {escape(ticket.area.name)}</small></td>'
            f'<td data-label="{text["category"]}">{escape(str(ticket.category_text))}</td>'
            f'<td data-label="{text["priority"]}"><span class="badge badge-priority-{escape(ticket.priority)}">{escape(str(ticket.priority_text))}</span></td>'
            f'<td data-label="{text["status"]}"><span class="badge badge-ticket-{escape(ticket.status)}">{escape(str(ticket.status_text))}</span></td>'
            f'<td data-label="{text["assignee"]}">{assignee}</td>'
            f'<td data-label="{text["due"]}" class="small">{due}</td></tr>'
        )
    return mark_safe("\n".join(rows))

