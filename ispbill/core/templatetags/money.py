from django import template

from ispbill.core.money import format_money

register = template.Library()


@register.filter(name="money")
def money_filter(value, arg: str = ""):
    """`{{ amount|money }}`; `{{ amount|money:"plain" }}` leaves the currency symbol off."""
    if value in (None, ""):
        return ""
    return format_money(value, symbol=arg != "plain")
