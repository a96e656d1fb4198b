"""`{% load package_changes %}{% with change=subscription|open_package_change %}`: a subscription's
pending or scheduled package change, for pages of other apps (the customer's subscriptions tab)."""

from django import template

from billing.package_changes import package_change_open

register = template.Library()


@register.filter
def open_package_change(subscription):
    return package_change_open(subscription=subscription)
