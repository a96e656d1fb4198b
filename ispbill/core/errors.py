"""The pages answered when a request fails: a clear page, never a traceback, and never one that needs
the database to render.

Django calls `server_error` (`handler500` in config/urls.py) for any exception a view or a middleware
did not handle, inside the `except` block that caught it. When that exception says the database cannot
be reached (stopped, restarting, the connection cut: Django's `OperationalError` / `InterfaceError`),
the answer is **503 Service Unavailable** with `Retry-After` and a page saying so (a write's transaction
either committed whole or not at all; the page asks the user to check before doing it again), and
otherwise the usual 500 page. Both templates are
rendered without a request, so no context processor (the signed-in user, the surface, the branding)
touches the database; the API (`/api/`) gets the same answer as JSON.
"""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
DATABASE_DOWN = (OperationalError, InterfaceError)


def database_unreachable(exc: BaseException | None) -> bool:
    """True when `exc`, or an exception it was raised from, says the database cannot be reached."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, DATABASE_DOWN):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def _nonce(request) -> str:
    try:
        return str(getattr(request, "csp_nonce", "") or "")
    except Exception:  # noqa: BLE001 - the error page must render whatever state the request is in
        return ""


def server_error(request, *args, **kwargs):
    """handler500: 503 with Retry-After while the database is unreachable, else 500; no database needed."""
    unavailable = database_unreachable(sys.exc_info()[1])
    status = 503 if unavailable else 500
    if unavailable:
        logger.warning("database unreachable: answered %s %s with 503", request.method, request.path)
    if request.path.startswith("/api/"):
        detail = (_("The service is briefly unavailable (its database cannot be reached). Try again shortly; send an idempotency key to make a retry safe.")
                  if unavailable else _("Server error. Check whether the change was made before trying again (an idempotency key makes a retry safe)."))
        response = JsonResponse({"detail": detail}, status=status)
    else:
        response = HttpResponse(loader.get_template("500.html").render({"unavailable": unavailable, "csp_nonce": _nonce(request)}), status=status)
    if unavailable:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
