"""Process-level tuning of long-running ispbill processes (web workers, Celery workers).

CPython starts a young-generation garbage collection every 700 container allocations, and every
tenth of those escalates, each full collection walking every object the process holds: Django's
models, URL patterns and templates, WeasyPrint's fonts and stylesheets. Rendering a one-page invoice
allocates a few hundred thousand objects, so it paid for dozens of collections that found almost
nothing (reference counting frees nearly all of it). Freezing what is loaded at start-up takes it
out of every collection, and a larger young generation makes collections rarer; cyclic garbage is
still collected.
"""

import gc

YOUNG_GENERATION_THRESHOLD = 50_000


def tune_garbage_collector() -> None:
    """Call once a process has loaded its code (after Django's setup), before serving."""
    gc.collect()
    gc.freeze()
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_GENERATION_THRESHOLD, middle, old)
