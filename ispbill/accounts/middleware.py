"""Per-request language and "where you're signed in" for the customer portal.

Customers see the portal in the language they saved (else LocaleMiddleware's choice: the language
cookie or the browser's). Staff, technicians and resellers work in the language they chose from the
menu (`User.language`); until they choose, the staff console is English and the technician app
and the reseller portal follow the cookie or the browser. A portal session's row is written
at most every PORTAL_SESSION_TOUCH_SECONDS, remembered in the session itself, so an ordinary page
view costs no extra query.
"""

import time
from contextvars import ContextVar

from django.conf import settings
from django.utils import translation

from .customer_security import customer_session_touch, seen_request

TOUCHED = "_portal_seen"
# The signed-in customer chose Bangla digits (read by the `numerals` template filter).
bangla_digits: ContextVar[bool] = ContextVar("bangla_digits", default=False)


def portal_language(user) -> str:
    """The language a customer's portal opens in: the one they chose in the portal, else the one
    their messages go out in (set by staff on the customer), else "" (the browser's)."""
    if user.language:
        return user.language
    customer = getattr(user, "customer", None)  # cached on the user: the surface guard reads it next
    return getattr(customer, "language", "") or ""


class CustomerSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if path.startswith(("/staff/", "/technician/", "/reseller/")):
            user = request.user
            language = user.language if user.is_authenticated and user.kind != "customer" else ""
            if language or path.startswith("/staff/"):
                language = language or settings.LANGUAGE_CODE
                translation.activate(language)
                request.LANGUAGE_CODE = language
        elif path.startswith("/portal/"):
            user = request.user
            if user.is_authenticated and user.kind == "customer":
                language = portal_language(user)
                if language:
                    translation.activate(language)
                    request.LANGUAGE_CODE = language
                self._touch(request, user)
                token = bangla_digits.set(user.bangla_numerals)
                try:
                    return self.get_response(request)
                finally:
                    bangla_digits.reset(token)
        return self.get_response(request)

    @staticmethod
    def _touch(request, user):
        now = int(time.time())
        seen = request.session.get(TOUCHED)
        if seen and seen[0] == request.session.session_key and now - seen[1] < settings.PORTAL_SESSION_TOUCH_SECONDS:
            return
        customer_session_touch(user=user, seen=seen_request(request))
        request.session[TOUCHED] = [request.session.session_key, now]
