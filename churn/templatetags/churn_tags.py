"""The churn widget on the staff customer page: `{% churn_risk_panel customer %}` (customers' template
loads it by name; customers never imports churn)."""

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from ..selectors import reasons_for, risk_for_customer

register = template.Library()


@register.inclusion_tag("churn/risk_panel.html", takes_context=True)
def churn_risk_panel(context, customer):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.has_perm("churn.view_churnrisk"):
        return {"show": False}
    risk = risk_for_customer(customer=customer)
    try:  # the retention page (the retention half of churn) may not be mounted yet
        retention_url = reverse("staff:churn-retention-customer", args=[customer.pk])
    except NoReverseMatch:
        retention_url = ""
    return {"show": True, "risk": risk, "reasons": reasons_for(risk=risk, language=translation.get_language() or "en"), "retention_url": retention_url,
            "customer": customer}
