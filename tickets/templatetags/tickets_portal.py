from django import template

from tickets.selectors import surveys_pending

register = template.Library()


@register.inclusion_tag("tickets/portal_survey_prompt.html")
def survey_prompt(customer):
    """The portal's nudge to rate resolved tickets; nothing when none are waiting."""
    # Three fields as plain values: the overview asks on every view and nearly always finds none.
    return {"surveys": list(surveys_pending(customer=customer).values("ticket_id", "ticket__number", "ticket__subject")[:3])}
