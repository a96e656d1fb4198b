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


# Satisfaction surveys ----------------------------------------------------------------------------------
# `tickets` owns the survey model and its services and registers them here at start-up; an app beside
# it (fieldservice: the rating after a technician's visit) asks and answers through these two calls
# without importing tickets, so the survey reports count every answer.
#   ask(customer=, agent=, subject=, branch_id=) -> the survey asked (its id goes on the caller's row)
#   answer(customer=, survey_id=, rating=, comment=) -> the survey answered; ValidationError otherwise

_SURVEYS: dict[str, Callable] = {}


def surveys_register(*, ask: Callable, answer: Callable) -> None:
    _SURVEYS.update(ask=ask, answer=answer)


def survey_ask(**kwargs):
    return _SURVEYS["ask"](**kwargs)


def survey_answer(**kwargs):
    return _SURVEYS["answer"](**kwargs)
