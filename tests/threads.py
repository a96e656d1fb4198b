"""The race tests' way of doing things from several threads at once. Each call runs in its own thread,
so on its own database connection (Django opens one per thread), which the thread closes when done;
what a call raises is returned to the test, where left to the thread it would only be printed. Lining
the threads up at the racy moment (a Barrier inside the call) is the test's."""

import threading

from django.db import close_old_connections, connection


def threads_start(calls) -> tuple[list[threading.Thread], list, list[BaseException]]:
    """Start one thread per call; (the threads, their results, their errors), filled as they finish:
    for a test that acts while they run, then `threads_joined`."""
    results, errors = [], []

    def run(call):
        try:
            results.append(call())
        except BaseException as error:  # noqa: BLE001 - returned to the test
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=run, args=(call,)) for call in calls]
    for worker in workers:
        worker.start()
    return workers, results, errors


def threads_joined(workers, results, errors, *, timeout: float = 120) -> tuple[list, list[BaseException]]:
    """Wait for `threads_start`'s threads (each at most `timeout` s); (results, errors). Fails if one is
    still running."""
    for worker in workers:
        worker.join(timeout)
    stuck = sum(worker.is_alive() for worker in workers)
    assert not stuck, f"{stuck} of {len(workers)} threads still running after {timeout} s"
    close_old_connections()
    return results, errors


def run_in_threads(work, count: int, *, timeout: float = 120) -> tuple[list, list[BaseException]]:
    """Call `work()` from `count` threads started together and wait for them; (results, errors)."""
    return threads_joined(*threads_start([work] * count), timeout=timeout)
