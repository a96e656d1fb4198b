"""Work a request has made certain but its caller need not wait for, run once the answer is sent.

`after_response(fn)` inside a request keeps `fn` until the response has gone out: the WSGI server
(gunicorn, Django's test client and live server alike) calls the response's `close()` once the
body is written, and `AfterResponseMiddleware` hangs the kept work there. Outside a request (a
Celery task, a shell) `fn` runs at once. The work must be safe to lose: a process killed between
the answer and the work leaves it to whatever job would have done it anyway (for a Pay Bill group's
messages and webhooks, the `payments-record-queued` sweep).

Why: bKash waits for the Pay Bill answer, and the request that recorded a group of payments would
otherwise also render that group's messages before answering (payments/grouped.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextvars import ContextVar

logger = logging.getLogger(__name__)

_kept: ContextVar[list[Callable[[], None]] | None] = ContextVar("after_response", default=None)


def after_response(work: Callable[[], None]) -> None:
    kept = _kept.get()
    if kept is None:
        work()
    else:
        kept.append(work)


def _logged(work: Callable[[], None]) -> Callable[[], None]:
    def run() -> None:
        try:
            work()
        except Exception:  # Django's close() would swallow it silently
            logger.exception("work kept for after the response failed")
    return run


class AfterResponseMiddleware:
    """First in the chain: whatever the view or another middleware keeps runs after the answer, even if
    the view failed (what it made certain before failing still holds)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        kept: list[Callable[[], None]] = []
        token = _kept.set(kept)
        try:
            response = self.get_response(request)
        finally:
            _kept.reset(token)
        # Resource closers run in `response.close()`, before `request_finished` hands back the
        # database connection (Django closes a FileResponse's file from the same list).
        response._resource_closers.extend(_logged(work) for work in kept)
        return response
