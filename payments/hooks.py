"""Callbacks other apps register at start-up to hear about payments, so payments never imports them
(resellers sit beside payments in the layering; see ARCHITECTURE.md).

Each callback runs inside the transaction that recorded, reversed or refunded the payment: what it
writes commits or rolls back with it. A callback takes keyword arguments only.

- `payment_recorded(actor=, payment=)`
- `payments_recorded(actor=, payments=)`: many payments recorded together (`payments_record_many`);
  an app that listens to `payment_recorded` registers for this one too (its batch form)
- `payment_reversed(actor=, payment=, reason=)`
- `payment_refunded(actor=, payment=, amount=)` (a refund given back through the gateway or by staff)
"""

from collections.abc import Callable

_callbacks: dict[str, list[Callable]] = {
    "payment_recorded": [], "payments_recorded": [], "payment_reversed": [], "payment_refunded": [],
}


def register(event: str, callback: Callable) -> None:
    """Add a callback for an event once (registering the same function twice is a no-op)."""
    if event not in _callbacks:
        raise ValueError(f"unknown payment event {event!r}; known: {', '.join(sorted(_callbacks))}")
    if callback not in _callbacks[event]:
        _callbacks[event].append(callback)


def fire(event: str, **kwargs) -> None:
    for callback in list(_callbacks[event]):
        callback(**kwargs)
