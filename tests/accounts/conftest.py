import pytest


@pytest.fixture(autouse=True)
def _tasks_run_eagerly(eager_celery):
    """Sign-in codes are sent by a queued job (`sign_in_code_send`): it runs in the test's thread."""
