"""{% load billing_prices %}: prices as the customer pays them."""

from django import template

from billing.selectors import package_price_as_paid

register = template.Library()


@register.filter
def price_as_paid(package):
    """`{{ sub.package|price_as_paid|money }}`: the price per billing cycle, VAT included."""
    return package_price_as_paid(package=package)
