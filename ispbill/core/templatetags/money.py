from django import template

from ispbill.core.money import format_money

register = template.Library()


@register.filter(name="money")
def money_filter(value, arg: str = ""):
    """`{{ amount|money }}`; `{{ amount|money:"plain" }}` leaves the currency symbol off."""
    if value in (None, ""):
        return ""
    return format_money(value, symbol=arg != "plain")


@register.filter(name="in_words")
def in_words_filter(value):
    """`{{ amount|in_words }}`: taka and paisa in words, in the language the page is rendered in."""
    from django.utils.translation import get_language

    from ispbill.core.words import amount_in_words

    if value in (None, ""):
        return ""
    return amount_in_words(value, "bn" if (get_language() or "").startswith("bn") else "en")
