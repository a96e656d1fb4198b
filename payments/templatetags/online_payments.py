"""`{% pay_now_panel customer %}`: what is due and a Pay Now button, for the portal overview."""

from django import template

from billing.selectors import amount_open

from ..online import gateway_config

register = template.Library()


@register.inclusion_tag("payments/portal/pay_now_panel.html")
def pay_now_panel(customer):
    return {"due": amount_open(customer_id=customer.pk), "available": gateway_config().ready}
