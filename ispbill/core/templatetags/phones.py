from django import template

from ispbill.core.phone import display_phone

register = template.Library()


@register.filter(name="phone")
def phone_filter(value):
    """`{{ customer.phone|phone }}`: every phone on every page in one style, `01712-345678` (national
    format for the ISP's country, international otherwise); text that is no phone number stays as typed."""
    if value in (None, ""):
        return value
    return display_phone(str(value))
