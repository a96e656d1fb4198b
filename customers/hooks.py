"""Callbacks that apps above `customers` register at start-up (in their AppConfig.ready) to hear of
subscription events without `customers` importing them (the layering in docs/architecture.md).

Each callback runs inside the service's transaction, with keyword arguments `actor` and
`subscription` (and `reason` for a cancellation); an exception in one rolls the whole change back.
"""

from collections.abc import Callable

SUBSCRIPTION_CREATED: list[Callable] = []
SUBSCRIPTION_CANCELLED: list[Callable] = []


def subscription_created(callback: Callable) -> Callable:
    if callback not in SUBSCRIPTION_CREATED:
        SUBSCRIPTION_CREATED.append(callback)
    return callback


def subscription_cancelled(callback: Callable) -> Callable:
    if callback not in SUBSCRIPTION_CANCELLED:
        SUBSCRIPTION_CANCELLED.append(callback)
    return callback


def fire(callbacks: list[Callable], **kwargs) -> None:
    for callback in list(callbacks):
        callback(**kwargs)
