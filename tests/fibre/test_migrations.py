"""An upgraded install sees the fibre screens: fibre 0003 gives the existing roles the fibre permissions
a new install's roles have (ispbill/accounts/roles.py)."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from ispbill.accounts.roles import DEFAULT_ROLE_PERMISSIONS
from ispbill.accounts.services import _permissions_matching

BEFORE = [("fibre", "0002_fibre_settings")]
AFTER = [("fibre", "0003_fibre_roles")]


def _fibre_codenames(group) -> set[str]:
    return set(group.permissions.filter(content_type__app_label="fibre").values_list("codename", flat=True))


@pytest.mark.django_db(transaction=True)
def test_existing_roles_receive_the_fibre_permissions_a_new_install_gives_them():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        # Given roles as an install made before fibre left them: no fibre permission at all, and a role
        # an admin made that is nobody's business.
        roles = {name: Group.objects.get_or_create(name=name)[0] for name in DEFAULT_ROLE_PERMISSIONS}
        custom = Group.objects.create(name="Night shift")
        for group in [*roles.values(), custom]:
            group.permissions.remove(*group.permissions.filter(content_type__app_label="fibre"))
        assert all(not _fibre_codenames(group) for group in roles.values())
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
    try:
        # Then each role has what a new install's role has of fibre.
        for name, patterns in DEFAULT_ROLE_PERMISSIONS.items():
            wanted = set(_permissions_matching(patterns).filter(content_type__app_label="fibre").values_list("codename", flat=True))
            assert _fibre_codenames(roles[name]) == wanted, name
        assert {"view_olt", "change_olt", "view_onu", "change_onu", "view_signalthreshold"} <= _fibre_codenames(roles["Manager"])
        assert _fibre_codenames(roles["Support"]) == {"view_olt", "view_onu"}
        assert _fibre_codenames(roles["Technician"]) == set()
        assert _fibre_codenames(custom) == set()
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
