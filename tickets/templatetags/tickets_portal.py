from django import template

from tickets.selectors import surveys_pending

register = template.Library()


@register.inclusion_tag("tickets/portal_survey_prompt.html")
def survey_prompt(customer):
    """The portal's nudge to rate resolved tickets; nothing when none are waiting."""
    return {"surveys": list(surveys_pending(customer=customer)[:3])}
