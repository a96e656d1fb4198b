import pytest

from ispbill.celery import app as celery_app


@pytest.fixture(autouse=True)
def eager_celery():
    """Sign-in codes are sent by a queued job (`sign_in_code_send`): here it runs in the test's
    thread, as a worker would run it."""
    previous = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = previous
