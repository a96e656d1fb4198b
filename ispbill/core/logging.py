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


class UTCJsonFormatter(JsonFormatter):
    """LOG_FORMAT=json: one JSON object per line (`asctime`, `levelname`, `name`, `message`, and
    `exc_info` when there is one), times in UTC like the plain format's."""

    converter = time.gmtime
    default_time_format = "%Y-%m-%dT%H:%M:%S"
    default_msec_format = "%s.%03dZ"
