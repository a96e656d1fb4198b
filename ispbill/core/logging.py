"""One log format for every process (web, worker, beat): times in UTC, marked as such.

Django sets the process's `TZ` to `settings.TIME_ZONE` when its settings load, so a plain formatter
writes Dhaka time while honcho, Docker and journald stamp the same line in UTC; a time with its zone
written out reads the same everywhere.
"""

import logging
import time

from pythonjsonlogger.json import JsonFormatter


class UTCFormatter(logging.Formatter):
    converter = time.gmtime
    default_time_format = "%Y-%m-%d %H:%M:%S"
    default_msec_format = "%s.%03dZ"


class FirstTimeOnly(logging.Filter):
    """Lets a message through the first time its text template is logged, then drops repeats.

    WeasyPrint warns about a missing system library (HarfBuzz-Subset) for every font of every PDF:
    thousands of identical lines while the demo writes its contracts, burying what matters. Once per
    process says it as well.
    """

    def __init__(self, name: str = ""):
        super().__init__(name)
        self.seen: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        key = str(record.msg)
        if key in self.seen:
            return False
        self.seen.add(key)
        return True


class DatabaseDownWithoutTraceback(logging.Filter):
    """Drops django.request's "Internal Server Error" record (with its traceback) when the exception
    says the database cannot be reached. `ispbill.core.errors.server_error` answers those with a 503
    and logs one warning line each; during an outage the tracebacks (about 1,500 in 30 s in the fault
    drill) buried every other line. Any other server error keeps its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        from ispbill.core.errors import database_unreachable  # errors imports Django's db layer

        exc = record.exc_info[1] if record.exc_info else None
        return not database_unreachable(exc)


class QuietRequests(logging.Filter):
    """Drops runserver's (django.server) line for a request to one of `prefixes` that was answered
    (status below 400): the static files and favicon a page brings (in a 33-minute demo they were 1,677
    of 2,503 lines and scrolled the logins `make run` prints off the screen) and, in the demo, the
    calls the worker makes to the payment gateways' emulators. Page requests, and any of these that
    fails (a missing static file's 404), are still logged."""

    def __init__(self, prefixes=()):
        super().__init__()
        self.prefixes = tuple(prefix for prefix in prefixes if prefix)

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", 500) >= 400 or not record.args:
            return True
        request_line = str(record.args[0])  # "GET /static/css/app.css HTTP/1.1"
        parts = request_line.split()
        path = parts[1] if len(parts) > 1 else ""
        return not path.startswith(self.prefixes)


class UTCJsonFormatter(JsonFormatter):
    """LOG_FORMAT=json: one JSON object per line (`asctime`, `levelname`, `name`, `message`, and
    `exc_info` when there is one), times in UTC like the plain format's."""

    converter = time.gmtime
    default_time_format = "%Y-%m-%dT%H:%M:%S"
    default_msec_format = "%s.%03dZ"
