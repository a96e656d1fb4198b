"""Waiting for something another process does (a worker, FreeRADIUS, the router simulator)."""

import time


def eventually(check, *, seconds: float, message=lambda: "", interval: float = 0.2):
    """`check()`'s first true result, asked every `interval` seconds; fails with `message()` when none
    comes within `seconds` (each caller sets its own: a loaded 2-core machine is slow to answer)."""
    deadline = time.monotonic() + seconds
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"not reached in {seconds} s: {message()}")
        time.sleep(interval)
