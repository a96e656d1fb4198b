"""Celery's eager apply marks the whole process as "inside a task" while it runs (celery.result's
denied_join_result) and puts back what it found when it ends. The mark is one global, not one per
thread: two eager applies overlapping in two threads (the live server's request threads, a test's own
threads) end with the mark set for good, and every later `.delay().get()` on that xdist worker failed
with "Never call result.get() within a task!". It showed as four tests failing only after browser tests
(tests/api/test_webhooks.py, tests/core/test_job_log.py, tests/core/test_outages.py,
tests/vouchers/test_background.py). tests/conftest.py clears the mark after every test."""

import threading

import pytest
from celery.result import denied_join_result

from config.celery import app

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("eager_celery_join_mark")]  # in this order, on one worker


@app.task(name="tests.eager.answer")
def answer() -> int:
    return 42


def _overlapping_eager_applies() -> None:
    """Thread one enters, thread two enters, thread one leaves, thread two leaves (putting back the True
    it found)."""
    one_in, two_in, one_out = threading.Event(), threading.Event(), threading.Event()

    def one():
        with denied_join_result():
            one_in.set()
            two_in.wait(5)
        one_out.set()

    def two():
        one_in.wait(5)
        with denied_join_result():
            two_in.set()
            one_out.wait(5)

    threads = [threading.Thread(target=one), threading.Thread(target=two)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)


def test_overlapping_eager_applies_in_two_threads_leave_the_process_marked_as_inside_a_task(eager_celery):
    _overlapping_eager_applies()
    with pytest.raises(RuntimeError, match="Never call result.get"):
        answer.delay().get()


def test_the_next_test_gets_its_results(eager_celery):
    assert answer.delay().get() == 42
