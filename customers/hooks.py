"""Callbacks registered at start-up by apps above customers (contracts), so customers never
imports them. Each callback runs inside the lifecycle service's transaction."""

from collections.abc import Callable

_cancelled: list[Callable] = []


def on_subscription_cancelled(callback: Callable) -> None:
    """`callback(actor=, subscription=, reason=)` runs when a subscription is cancelled."""
    if callback not in _cancelled:
        _cancelled.append(callback)


def subscription_cancelled(*, actor, subscription, reason: str) -> None:
    for callback in _cancelled:
        callback(actor=actor, subscription=subscription, reason=reason)
