"""Small formatting helpers for the router screens."""

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def duration(seconds) -> str:
    """Uptime as people read it: "12d 4h", "3h 5m", "42s"; "—" when unknown."""
    if seconds in (None, ""):
        return "—"
    seconds = int(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return _("%(d)sd %(h)sh") % {"d": days, "h": hours}
    if hours:
        return _("%(h)sh %(m)sm") % {"h": hours, "m": minutes}
    if minutes:
        return _("%(m)sm %(s)ss") % {"m": minutes, "s": secs}
    return _("%(s)ss") % {"s": secs}


@register.filter
def ago(moment) -> str:
    """"just now", or "5 minutes ago", for a last-seen time."""
    from django.utils import timezone
    from django.utils.timesince import timesince

    if not moment:
        return _("never")
    if (timezone.now() - moment).total_seconds() < 60:
        return _("just now")
    return _("%(time)s ago") % {"time": timesince(moment)}


@register.filter
def bytes(value) -> str:
    """A byte count in decimal units, as ISPs sell data: "812 MB", "12.4 GB"."""
    if value in (None, ""):
        return "—"
    value = int(value)
    for unit, size in (("TB", 1000**4), ("GB", 1000**3), ("MB", 1000**2), ("kB", 1000)):
        if value >= size:
            return f"{value / size:.1f} {unit}" if value < size * 100 else f"{value / size:.0f} {unit}"
    return f"{value} B"


@register.filter
def outage_duration(delta) -> str:
    """A timedelta (an outage's duration) as `duration` writes it."""
    return duration(int(delta.total_seconds())) if delta is not None else "—"


@register.inclusion_tag("network/portal_outage_banner.html", takes_context=True)
def outage_banner(context):
    """The portal's banner: active outages over the signed-in customer's area or routers (one query)."""
    from django.utils.translation import get_language

    from network.outages import active_outages_for_customer

    request = context.get("request")
    customer = getattr(request, "customer", None) if request is not None else None
    outages = active_outages_for_customer(customer) if customer is not None else []
    for outage in outages:  # the notice in the language the page is in
        outage.notice = outage.text_in(get_language() or "en")
    return {"outages": outages}


@register.inclusion_tag("network/staff_outage_notice.html", takes_context=True)
def staff_outage_notice(context, customer):
    """On the staff customer and ticket pages: the active outages over this customer's area or
    routers, so whoever takes the call knows at once (one query when any outage is active)."""
    from network.outages import active_outages_for_customer

    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "outages": active_outages_for_customer(customer) if customer is not None else [],
        "may_open": bool(user and user.has_perm("network.view_outage")),
    }
