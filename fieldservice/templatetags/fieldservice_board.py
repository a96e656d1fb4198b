"""The dispatch board's cards, built in Python: a day can hold hundreds of orders, each with a select of
every technician, and the template engine spent most of the board's time on them (bench/fieldservice.py)."""

from django import template
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from fieldservice.models import WorkOrder

register = template.Library()


@register.simple_tag(takes_context=True)
def board_cards(context, orders, overlaps=frozenset()):
    board = context["board"]
    may_dispatch = context.get("may_dispatch", False)
    day = context["day"].isoformat()
    cache = context.render_context.setdefault("fieldservice_board", {})
    if "options" not in cache:
        cache["options"] = {
            tech.pk: format_html('<option value="{}">{}</option>', tech.pk, tech.get_full_name() or tech.username)
            for tech in board.technicians
        }
        cache["assign_url"] = reverse("staff:workorder-dispatch-assign")
        cache["unassigned"] = escape(_("Unassigned"))
        cache["overlap"] = escape(_("Overlap"))
        cache["overlap_title"] = escape(_("Overlaps another order of this technician"))
        cache["assign"] = escape(_("Assign"))
        # Labels once per page: get_FOO_display() hashes lazy translations on every call.
        cache["status"] = {value: escape(str(label)) for value, label in WorkOrder.Status.choices}
        cache["kind"] = {value: escape(str(label)) for value, label in WorkOrder.Kind.choices}
        cache["detail"] = reverse("staff:workorder-detail", args=[0]).replace("/0/", "/{}/")
    options, assign_url = cache["options"], cache["assign_url"]
    parts = []
    for order in orders:
        overlap = order.pk in overlaps
        draggable = "true" if may_dispatch and order.is_open else "false"
        detail = cache["detail"].format(order.pk)
        when = ""
        if order.scheduled_start:
            when = f"{localtime(order.scheduled_start):%H:%M}–{localtime(order.scheduled_end):%H:%M} · "
        parts.append(
            f'<article class="board-card wo-kind-{order.kind}{" overlap" if overlap else ""}" id="board-order-{order.pk}" '
            f'draggable="{draggable}" data-order="{order.pk}">'
            f'<div class="card-head"><a href="{detail}">{order.number}</a> <span class="badge wo-status-{order.status}">{cache["status"][order.status]}</span>'
            + (f' <span class="badge badge-warn" title="{cache["overlap_title"]}">{cache["overlap"]}</span>' if overlap else "")
            + "</div>"
            f'<p class="small">{when}{cache["kind"][order.kind]}</p>'
            f'<p class="small">{escape(order.contact_name)}{(" · " + escape(order.area.name)) if order.area_id else ""}</p>'
        )
        if may_dispatch and order.is_open and order.status != "on_site":
            choices = "".join(
                html.replace(">", " selected>", 1) if pk == order.technician_id else html for pk, html in options.items()
            )
            label = escape(_("Technician for %(number)s") % {"number": order.number})
            parts.append(
                f'<form method="post" action="{assign_url}" hx-post="{assign_url}" hx-target="#dispatch-board" hx-swap="outerHTML" hx-trigger="change">'
                f'<input type="hidden" name="order" value="{order.pk}"><input type="hidden" name="day" value="{day}">'
                f'<select name="technician" aria-label="{label}"><option value="">{cache["unassigned"]}</option>{choices}</select>'
                f'<noscript><button type="submit" class="small-button">{cache["assign"]}</button></noscript></form>'
            )
        parts.append("</article>")
    return mark_safe("".join(parts))
