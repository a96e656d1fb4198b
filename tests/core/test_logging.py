"""One logging configuration for web, worker and beat: each record once, its time in UTC."""

import io
import logging
import logging.config
import os
import re
import subprocess

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


def _runserver_line(request_line: str, status: str) -> None:
    """What runserver's request handler logs for a request (django.core.servers.basehttp.log_message)."""
    level = logging.WARNING if status.startswith("4") else logging.INFO
    logging.getLogger("django.server").log(level, '"%s" %s %s', request_line, status, "512", extra={"status_code": int(status)})


def test_runserver_does_not_log_the_static_files_a_page_brings_nor_the_calls_to_the_gateway_emulators(settings):
    """`make run`'s web process logged every static file (1,677 of 2,503 lines in 33 minutes), burying
    the logins; the pages, and a static file that is missing, are still logged."""
    assert settings.DEMO
    out = _configured_output(lambda: logging.config.dictConfig(settings.LOGGING), "django.server")
    _runserver_line("GET /staff/login/ HTTP/1.1", "200")
    _runserver_line(f"GET {settings.STATIC_URL}css/app.css HTTP/1.1", "200")
    _runserver_line(f"GET {settings.STATIC_URL}vendor/htmx.min.js HTTP/1.1", "304")
    _runserver_line("GET /favicon.ico HTTP/1.1", "301")
    _runserver_line("POST /staff/login/ HTTP/1.1", "302")
    _runserver_line(f"GET {settings.STATIC_URL}css/gone.css HTTP/1.1", "404")
    # The worker asking the demo's SSLCommerz emulator for a payment's status (every few minutes).
    _runserver_line("GET /sandbox/sslcommerz/validator/api/merchantTransIDvalidationAPI.php?tran_id=IS-1 HTTP/1.1", "200")
    lines = out.getvalue().splitlines()
    assert [line.split('"')[1] for line in lines] == [
        "GET /staff/login/ HTTP/1.1", "POST /staff/login/ HTTP/1.1", f"GET {settings.STATIC_URL}css/gone.css HTTP/1.1",
    ]


def _procfile_dev_words(process: str) -> list[str]:
    """The words of Procfile.dev's `process` command as the shell honcho runs it expands them, without
    any of the variables that override its defaults."""
    line = next(line for line in (django_settings.BASE_DIR / "Procfile.dev").read_text().splitlines() if line.startswith(f"{process}:"))
    command = line.split(":", 1)[1]
    env = {"PATH": os.environ["PATH"]}
    return subprocess.run(["sh", "-c", "printf '%s\\n' " + command], capture_output=True, text=True, env=env, check=True).stdout.split()


@pytest.mark.parametrize("process", ["worker", "beat"])
def test_make_runs_worker_and_beat_log_warnings_only_without_celerys_banner(process):
    """Celery's banner and a line per task (sent, received, succeeded) scrolled the demo's logins away.
    The root level (LOG_LEVEL) is what counts: Celery leaves logging to Django's LOGGING (config/celery.py)."""
    words = _procfile_dev_words(process)
    celery = words.index("celery")
    assert "LOG_LEVEL=WARNING" in words[:celery]
    assert "-q" in words[celery:words.index(process)]  # celery's global --quiet: no banner
    assert "--loglevel=WARNING" in words
    if process == "worker":
        assert "CELERY_TASK_LOG_LEVEL=WARNING" in words[:celery]  # celery.app.trace has its own level in LOGGING


def test_the_demo_worker_at_warning_still_prints_the_messages_it_sends(settings):
    """The console backend's lines are the demo's phone (a sign-in code): they stay when the worker logs
    warnings only; any other information line does not."""
    assert settings.DEMO
    config = {**settings.LOGGING, "root": {**settings.LOGGING["root"], "level": "WARNING"}}
    out = _configured_output(lambda: logging.config.dictConfig(config), "ispbill.notify")
    logging.getLogger("ispbill.notify").info("notify sms to +8801711000000 (sign_in_code): Your code is 123456")
    logging.getLogger("billing.services").info("billing run 7 finished")
    text = out.getvalue()
    assert "Your code is 123456" in text and "billing run 7" not in text


def test_make_runs_demo_loader_runs_its_inline_tasks_quietly():
    words = _procfile_dev_words("demo")
    assert "CELERY_TASK_LOG_LEVEL=WARNING" in words[:words.index("python")]
