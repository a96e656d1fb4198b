"""Bangla digits for customers who chose them, and a readable name for a browser's user agent."""

import re

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()

BANGLA_DIGITS = str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯")


def to_bangla_digits(text) -> str:
    return str(text).translate(BANGLA_DIGITS)


@register.filter(needs_autoescape=False)
def numerals(value):
    """Digits as ০১২৩ when the signed-in customer chose Bangla digits and the page is in Bangla."""
    from ispbill.accounts.middleware import bangla_digits

    if value in (None, ""):
        return value
    if get_language() == "bn" and bangla_digits.get():
        return to_bangla_digits(value)
    return value


_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("SamsungBrowser", "Samsung Internet"), ("UCBrowser", "UC Browser"),
             ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari"))
_SYSTEMS = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"),
            ("Mac OS X", "Mac"), ("Linux", "Linux"))


@register.filter
def device_name(user_agent: str) -> str:
    ua = user_agent or ""
    browser = next((name for marker, name in _BROWSERS if marker in ua), "")
    system = next((name for marker, name in _SYSTEMS if re.search(re.escape(marker), ua)), "")
    if not browser and not system:
        return _("Unknown device")
    return " · ".join(part for part in (browser, system) if part)
