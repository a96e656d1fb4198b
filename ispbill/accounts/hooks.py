"""Callbacks that apps above `accounts` register at start-up (in their AppConfig.ready) to hear of
changes to a staff login without `accounts` importing them (the layers in pyproject.toml's
[tool.importlinter]); the same pattern as `customers.hooks`.

USER_UPDATED callbacks run inside `user_update`'s transaction, after the user, their roles and their
branches are saved, and inside `role_permissions_set`'s for each active member of a role that lost a
permission, with keyword arguments `actor` and `user`; an exception in one rolls the whole change back. customers takes someone who may no longer collect off the areas and customers they
collected for.
"""

from collections.abc import Callable

USER_UPDATED: list[Callable] = []


def user_updated(callback: Callable) -> Callable:
    if callback not in USER_UPDATED:
        USER_UPDATED.append(callback)
    return callback


def fire(callbacks: list[Callable], **kwargs) -> None:
    for callback in list(callbacks):
        callback(**kwargs)
