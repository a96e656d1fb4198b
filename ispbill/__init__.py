"""The kernel: `core` (money, numbering, audit, encrypted fields, time, jobs), `accounts` and `notify`.

It imports no domain app and nothing above it; the wiring (settings, URLs, Celery) is in `config/`."""
