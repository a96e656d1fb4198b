"""A role's permissions set: accounts saves them; every active member follows as if edited, so one who
lost the right to record payments stops collecting (customers.collector_assignments_release)."""

from __future__ import annotations

from django.db import transaction

from customers.services import collector_assignments_release
from ispbill.accounts import services as account_services


@transaction.atomic
def role_permissions_set(*, actor, role, permissions):
    role = account_services.role_grants_replace(actor=actor, role=role, permissions=permissions)
    for member in role.user_set.filter(is_active=True).order_by("pk"):
        collector_assignments_release(actor=actor, user=member)
    return role
