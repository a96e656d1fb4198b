"""The job runtime really runs: a Celery worker process consumes a project task from the
configured broker (Kombu's filesystem transport without REDIS_URL, Redis with it), and
`celery beat` loads every periodic job of config/celery.py.

The worker is a separate process, so it must see the rows this test writes. On PostgreSQL it
connects to the test database itself (the test commits: transaction=True). pytest-django keeps
the SQLite test database in memory, which no other process can open, so there the test copies
the migrated database, with its rows, to a file (VACUUM INTO) and points the worker at the file.
"""

import os
import shelve
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone

from config.celery import app as celery_app

PROJECT_ROOT = Path(settings.BASE_DIR)
# A bound on waiting, not a speed check: starting Celery with Django takes seconds on a quiet machine,
# and more than 30 s on two cores that other test workers and builds keep busy.
EFFECT_TIMEOUT_SECONDS = 120


def _celery_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "celery", "-A", "config", *args]


def _worker_database_url(tmp_path: Path) -> str:
    """A URL for the database this test sees, openable by another process."""
    if connection.vendor == "sqlite":
        copy = tmp_path / "worker-db.sqlite3"
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(copy)])
        return f"sqlite:///{copy}"
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "localhost"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}@{host}{port}/{db['NAME']}"


def _session_exists(session_key: str, database_url: str) -> bool:
    if database_url.startswith("sqlite:///"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
            row = db.execute("SELECT 1 FROM django_session WHERE session_key = ?", [session_key]).fetchone()
        return row is not None
    return Session.objects.filter(session_key=session_key).exists()


def _job_runs(database_url: str, task_name: str) -> list[tuple]:
    """(status, trigger, job, worker, error) of the job log's runs of `task_name`, as the worker wrote them."""
    query = "SELECT status, trigger, job, worker, error FROM core_jobrun WHERE task_name = %s ORDER BY id"
    if database_url.startswith("sqlite:///"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
            return db.execute(query.replace("%s", "?"), [task_name]).fetchall()
    with connection.cursor() as cursor:
        cursor.execute(query, [task_name])
        return cursor.fetchall()


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # warm shutdown
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _purge(queue_name: str) -> None:
    """Drop whatever a failed run left in its private queue."""
    with celery_app.connection_for_write() as conn:
        conn.default_channel.queue_purge(queue_name)


@pytest.mark.django_db(transaction=True)
def test_worker_process_runs_a_project_task_from_the_configured_broker(tmp_path):
    now = timezone.now()
    expired = Session.objects.create(session_key=uuid.uuid4().hex, session_data="", expire_date=now - timedelta(days=1))
    live = Session.objects.create(session_key=uuid.uuid4().hex, session_data="", expire_date=now + timedelta(days=1))
    database_url = _worker_database_url(tmp_path)
    # A queue of its own, so a worker of `make run` on the same broker cannot take the message.
    queue_name = f"test-runtime-{uuid.uuid4().hex[:12]}"
    log_path = tmp_path / "worker.log"
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONUNBUFFERED": "1"}

    with open(log_path, "wb") as log:
        worker = subprocess.Popen(
            _celery_command("worker", "--pool=solo", "--loglevel=INFO", "-Q", queue_name, "-n", f"{queue_name}@%h"),
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        # As beat sends it: the schedule entry's options (config/celery.py adds the job log's headers).
        celery_app.loader.import_default_modules()
        entry = celery_app.conf.beat_schedule["housekeeping-expired-sessions"]
        celery_app.tasks[entry["task"]].apply_async(queue=queue_name, **entry["options"])
        # And a run that fails in the worker (an id that is not a number).
        celery_app.send_task("network.tasks.check_router_health", args=["not-a-number"], queue=queue_name)
        deadline = time.monotonic() + EFFECT_TIMEOUT_SECONDS
        while _session_exists(expired.session_key, database_url) and worker.poll() is None:
            if time.monotonic() > deadline:
                break
            time.sleep(0.3)
        still_there = _session_exists(expired.session_key, database_url)
        assert not still_there, (
            f"worker (exit code {worker.poll()}) did not clear the expired session within "
            f"{EFFECT_TIMEOUT_SECONDS}s; its log:\n{log_path.read_text(errors='replace')}"
        )
        assert _session_exists(live.session_key, database_url), "the live session must survive"
        while not _job_runs(database_url, "network.tasks.check_router_health") or _job_runs(
            database_url, "network.tasks.check_router_health")[-1][0] == "running":
            if time.monotonic() > deadline or worker.poll() is not None:
                break
            time.sleep(0.3)
        # The job log, written by the worker process through the app's task base class.
        [(status, trigger, job, worker_name, error)] = _job_runs(database_url, "ispbill.core.tasks.clear_expired_sessions")
        assert (status, trigger, job, error) == ("succeeded", "schedule", "housekeeping-expired-sessions", "")
        assert worker_name.startswith(queue_name), worker_name
        [(status, trigger, job, worker_name, error)] = _job_runs(database_url, "network.tasks.check_router_health")
        assert (status, trigger) == ("failed", "queued") and error.startswith("ValueError"), error
    finally:
        _stop(worker)
        _purge(queue_name)
    log_text = log_path.read_text(errors="replace")
    expected_broker = "redis://" if settings.REDIS_URL else "filesystem://"
    assert f"Connected to {expected_broker}" in log_text, log_text
    assert "Task ispbill.core.tasks.clear_expired_sessions" in log_text and "succeeded" in log_text, log_text


def test_every_periodic_job_names_a_registered_task():
    celery_app.loader.import_default_modules()  # what worker and beat do at start: autodiscovery
    schedule = celery_app.conf.beat_schedule
    assert schedule, "config/celery.py declares the periodic jobs"
    unknown = {name: entry["task"] for name, entry in schedule.items() if entry["task"] not in celery_app.tasks}
    assert not unknown, f"periodic jobs naming tasks nobody registered: {unknown}"


def test_beat_process_loads_the_whole_schedule(tmp_path):
    schedule_file = tmp_path / "celerybeat-schedule"
    log_path = tmp_path / "beat.log"
    with open(log_path, "wb") as log:
        beat = subprocess.Popen(
            _celery_command("beat", "--loglevel=DEBUG", "--schedule", str(schedule_file)),
            cwd=PROJECT_ROOT,
            # Django's LOGGING decides what reaches the log: DEBUG, so beat's "Ticking" line is written.
            env={**os.environ, "PYTHONUNBUFFERED": "1", "LOG_LEVEL": "DEBUG"},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        # beat logs its tick interval right after merging the configured entries into its schedule file.
        deadline = time.monotonic() + EFFECT_TIMEOUT_SECONDS
        while "beat: Ticking with max interval" not in log_path.read_text(errors="replace"):
            if beat.poll() is not None or time.monotonic() > deadline:
                break
            time.sleep(0.3)
        assert beat.poll() is None, f"beat exited with {beat.returncode}:\n{log_path.read_text(errors='replace')}"
        assert "beat: Ticking with max interval" in log_path.read_text(errors="replace"), (
            f"beat did not merge its schedule within {EFFECT_TIMEOUT_SECONDS}s:\n{log_path.read_text(errors='replace')}"
        )
    finally:
        _stop(beat)

    with shelve.open(str(schedule_file), flag="r") as stored:
        stored_jobs = set(stored["entries"])
    assert set(celery_app.conf.beat_schedule) <= stored_jobs, log_path.read_text(errors="replace")
