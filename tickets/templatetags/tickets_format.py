from django import template

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
