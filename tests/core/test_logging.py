"""One logging configuration for web, worker and beat: each record once, its time in UTC."""

import io
import logging
import logging.config
import re

import pytest
from django.conf import settings as django_settings

from config.celery import _keep_django_logging


@pytest.fixture(autouse=True)
def _fresh_logging():
    yield
    logging.config.dictConfig(django_settings.LOGGING)  # handlers back on the real stderr


def _configured_output(configure, logger_name: str) -> io.StringIO:
    """Configure, then point every stream handler a record of `logger_name` reaches at one buffer."""
    configure()
    out = io.StringIO()
    logger = logging.getLogger(logger_name)
    while logger is not None:
        for handler in logger.handlers:
            if isinstance(handler, logging.StreamHandler):
                handler.setStream(out)
        logger = logger.parent if logger.propagate else None
    return out


def _raise_and_log(logger_name: str) -> None:
    try:
        raise RuntimeError("boom in a view")
    except RuntimeError:
        logging.getLogger(logger_name).error("Internal Server Error: /portal/", exc_info=True)


def test_a_request_error_is_written_once_with_a_utc_time(settings):
    settings.DEBUG = True  # Django's own console handler on "django" only printed in DEBUG
    out = _configured_output(lambda: logging.config.dictConfig(settings.LOGGING), "django.request")
    _raise_and_log("django.request")
    text = out.getvalue()
    assert text.count("Traceback (most recent call last)") == 1
    assert text.count("boom in a view") == 2  # the raise line and the exception line, once each
    assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z ERROR django\.request: Internal Server Error", text)


def test_the_celery_worker_keeps_djangos_logging(settings):
    """Celery's setup_logging signal has our receiver, so Celery neither takes the root logger over
    nor adds a handler of its own: a task's error is written once, in the web process's format."""
    out = _configured_output(_keep_django_logging, "celery.app.trace")
    _raise_and_log("celery.app.trace")
    text = out.getvalue()
    assert text.count("Traceback (most recent call last)") == 1
    assert re.match(r"\S+ \S+Z ERROR celery\.app\.trace: ", text)
    assert settings.CELERY_WORKER_HIJACK_ROOT_LOGGER is False
