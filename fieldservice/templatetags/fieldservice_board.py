"""The dispatch board's cards, built in Python: a day can hold hundreds of orders, each with a select of
every technician, and the template engine spent most of the board's time on them (bench/fieldservice.py).
What repeats is made once per page: labels, links, and the technician select's options for each
possible current technician (a card then picks one of a dozen prepared strings)."""

from html import escape

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from fieldservice.models import WorkOrder

register = template.Library()


def _page_parts(context) -> dict:
    cache = context.render_context.get("fieldservice_board")
    if cache is not None:
        return cache
    board = context["board"]
    options = {
        tech.pk: f'<option value="{tech.pk}">{escape(tech.get_full_name() or tech.username)}</option>' for tech in board.technicians
    }
    unassigned = escape(_("Unassigned"))
    choices = {
        current: "".join(html.replace(">", " selected>", 1) if pk == current else html for pk, html in options.items())
        for current in (None, *options)
    }
    cache = context.render_context["fieldservice_board"] = {
        "choices": choices, "no_choice": f'<option value="">{unassigned}</option>',
        "assign_url": reverse("staff:workorder-dispatch-assign"),
        "overlap": ' <span class="badge badge-warn" title="{}">{}</span>'.format(
            escape(_("Overlaps another order of this technician")), escape(_("Overlap"))),
        "assign": escape(_("Assign")),
        "technician_for": escape(_("Technician for %(number)s")),
        # Labels once per page: get_FOO_display() hashes lazy translations on every call.
        "status": {value: escape(str(label)) for value, label in WorkOrder.Status.choices},
        "kind": {value: escape(str(label)) for value, label in WorkOrder.Kind.choices},
        "detail": reverse("staff:workorder-detail", args=[0]).replace("/0/", "/{}/"),
        "zone": timezone.get_current_timezone(),
    }
    return cache


@register.simple_tag(takes_context=True)
def board_cards(context, orders, overlaps=frozenset()):
    """The cards of `orders` (fieldservice.selectors.Card), with the technician select for dispatchers."""
    parts = _page_parts(context)
    may_dispatch = context.get("may_dispatch", False)
    day = context["day"].isoformat()
    zone, choices, assign_url = parts["zone"], parts["choices"], parts["assign_url"]
    out = []
    for order in orders:
        pk = order.pk
        number = order.number
        is_open = order.is_open
        overlap = pk in overlaps
        when = ""
        if order.scheduled_start:
            start = order.scheduled_start.astimezone(zone)
            when = f"{start:%H:%M}–{order.scheduled_end.astimezone(zone):%H:%M} · "
        area = f" · {escape(order.area_name)}" if order.area_name else ""
        out.append(
            f'<article class="board-card wo-kind-{order.kind}{" overlap" if overlap else ""}" id="board-order-{pk}" '
            f'draggable="{"true" if may_dispatch and is_open else "false"}" data-order="{pk}">'
            f'<div class="card-head"><a href="{parts["detail"].format(pk)}">{number}</a> '
            f'<span class="badge wo-status-{order.status}">{parts["status"][order.status]}</span>{parts["overlap"] if overlap else ""}</div>'
            f'<p class="small">{when}{parts["kind"][order.kind]}</p>'
            f'<p class="small">{escape(order.contact_name)}{area}</p>'
        )
        if may_dispatch and is_open and order.status != WorkOrder.Status.ON_SITE:
            out.append(
                f'<form method="post" action="{assign_url}" hx-post="{assign_url}" hx-target="#dispatch-board" hx-swap="outerHTML" hx-trigger="change">'
                f'<input type="hidden" name="order" value="{pk}"><input type="hidden" name="day" value="{day}">'
                f'<select name="technician" aria-label="{parts["technician_for"] % {"number": number}}">{parts["no_choice"]}'
                f'{choices.get(order.technician_id, choices[None])}</select>'
                f'<noscript><button type="submit" class="small-button">{parts["assign"]}</button></noscript></form>'
            )
        out.append("</article>")
    return mark_safe("".join(out))
