"""One log format for every process (web, worker, beat): times in UTC, marked as such.

Django sets the process's `TZ` to `settings.TIME_ZONE` when its settings load, so a plain formatter
writes Dhaka time while honcho, Docker and journald stamp the same line in UTC; a time with its zone
written out reads the same everywhere.
"""

import logging
import time


class UTCFormatter(logging.Formatter):
    converter = time.gmtime
    default_time_format = "%Y-%m-%d %H:%M:%S"
    default_msec_format = "%s.%03dZ"
