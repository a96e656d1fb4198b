"""An upgraded install's Accountant can do what a new install's can: books 0094 gives the Accountant
role made before VDS and the equipment bill's store link those permissions (ispbill/accounts/roles.py)."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from ispbill.accounts.roles import ACCOUNTANT, DEFAULT_ROLE_PERMISSIONS
from ispbill.accounts.services import _permissions_matching

BEFORE = [("books", "0093_bill_parts_settlements_commissions")]
AFTER = [("books", "0094_accountant_vds_and_store")]
GRANTED = {("payments", "view_vdsdeduction"), ("payments", "add_vdsdeduction"), ("payments", "change_vdsdeduction"),
           ("fieldservice", "view_equipmentitem")}


def _permissions(group) -> set[tuple[str, str]]:
    return set(group.permissions.values_list("content_type__app_label", "codename"))


@pytest.mark.django_db(transaction=True)
def test_an_existing_accountant_receives_vds_and_the_store_view_as_a_new_install_gives_them():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        # Given the Accountant role as the landed books made it (none of the four), and an admin's role.
        accountant, _ = Group.objects.get_or_create(name=ACCOUNTANT)
        custom = Group.objects.create(name="Night shift")
        for group in (accountant, custom):
            for label, codename in GRANTED:
                group.permissions.remove(*group.permissions.filter(content_type__app_label=label, codename=codename))
        before = _permissions(accountant)
        assert not before & GRANTED
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
    try:
        accountant.refresh_from_db()
        assert _permissions(accountant) == before | GRANTED
        assert GRANTED <= set(_permissions_matching(DEFAULT_ROLE_PERMISSIONS[ACCOUNTANT])
                              .values_list("content_type__app_label", "codename"))
        assert not _permissions(custom) & GRANTED
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
