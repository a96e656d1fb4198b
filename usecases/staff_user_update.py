"""A staff login edited (roles, branches, kind, active): accounts saves it; customers takes them off
the areas and customers they may no longer collect for (deactivated, no longer staff, no longer
allowed to record payments, or no longer serving the branch)."""

from __future__ import annotations

from django.db import transaction

from customers.services import collector_assignments_release
from ispbill.accounts import services as account_services


@transaction.atomic
def staff_user_update(*, actor, user, **changes):
    user = account_services.user_update(actor=actor, user=user, **changes)
    collector_assignments_release(actor=actor, user=user)
    return user
