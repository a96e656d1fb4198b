"""Callbacks that apps above `customers` register at start-up (in their AppConfig.ready) to hear of
subscription events without `customers` importing them (the layering in docs/architecture.md).

Operations that span apps are use cases (usecases/), which call each app in turn. What is left
here is still a registry: line credits, below.
"""

from collections.abc import Callable


def _register(callbacks: list[Callable], callback: Callable) -> Callable:
    if callback not in callbacks:
        callbacks.append(callback)
    return callback



# Credits given on invoiced days -----------------------------------------------------------------------
# An app above billing that credits part of a subscription's period charges (churn's retention offers)
# registers a provider here; billing asks it whenever it credits back invoiced days (cancellation, pause,
# package change), so the credit reverses what the customer was actually charged, not the gross.
#   provider(line_ids=) -> {invoice line id: gross credited against that whole line}

LINE_CREDIT_PROVIDERS: list[Callable] = []


def line_credits_provider(callback: Callable) -> Callable:
    return _register(LINE_CREDIT_PROVIDERS, callback)


def line_credits(*, line_ids) -> dict:
    """What the registered providers credited against each of these invoice lines (gross, summed)."""
    line_ids = list(line_ids)
    credited: dict = {}
    if not line_ids:
        return credited
    for provider in list(LINE_CREDIT_PROVIDERS):
        for line_id, amount in (provider(line_ids=line_ids) or {}).items():
            credited[line_id] = credited.get(line_id, 0) + amount
    return credited
