"""`{% pay_now_panel customer %}`: what is due and a Pay Now button, for the portal overview."""

from django import template

from billing.models import Account
from billing.selectors import amount_open

from ..online import gateway_config

register = template.Library()


@register.inclusion_tag("payments/portal/pay_now_panel.html")
def pay_now_panel(customer):

    balance = Account.objects.filter(customer_id=customer.pk).values_list("balance", flat=True).first()
    # A negative balance is money paid ahead (an advance payment): the customer sees what is left.
    credit = -balance if balance is not None and balance < 0 else None
    return {"due": amount_open(customer_id=customer.pk), "available": gateway_config().ready, "credit": credit}
