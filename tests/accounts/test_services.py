import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError

from ispbill.accounts import services
from ispbill.accounts.models import User
from ispbill.accounts.selectors import permission_matrix, role_managers
from ispbill.core.models import AuditLog
from tests.factories import BranchFactory, UserFactory

STRONG = "Kh4sru-Dhaka-2026"


def perm(label: str) -> Permission:
    app_label, codename = label.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


@pytest.mark.django_db
def test_user_create_sets_roles_branches_and_audits():
    admin = UserFactory(roles=["Admin"])
    mirpur = BranchFactory(name="Mirpur", code="MIR")

    user = services.user_create(
        actor=admin, username="  karim ", password=STRONG, first_name="Karim", phone="01712-345678",
        kind="technician", roles=[Group.objects.get(name="Technician")], all_branches=False, branches=[mirpur],
    )

    user.refresh_from_db()
    assert (user.username, user.kind, user.phone, user.all_branches) == ("karim", "technician", "+8801712345678", False)
    assert user.check_password(STRONG)
    assert list(user.branches.all()) == [mirpur]
    entry = AuditLog.objects.get(action="user.create", object_id=str(user.pk))
    assert entry.actor == admin
    assert entry.after["roles"] == ["Technician"] and entry.after["branches"] == ["Mirpur"]
    assert "password" not in entry.after


@pytest.mark.django_db
@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"password": "password"}, "password"),
        ({"password": "karim1234"}, "password"),
        ({"phone": "12"}, "phone"),
        ({"kind": "customer"}, "kind"),
        ({"all_branches": False}, "branches"),
        ({"username": "taken"}, "username"),
    ],
)
def test_user_create_refuses_bad_input_and_creates_nothing(overrides, field):
    UserFactory(username="taken")
    before = User.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.user_create(actor=None, **{"username": "karim", "password": STRONG, **overrides})
    assert field in caught.value.message_dict
    assert User.objects.count() == before


@pytest.mark.django_db
def test_user_update_audits_only_what_changed():
    admin = UserFactory(roles=["Admin"])
    user = UserFactory(roles=["Cashier"])
    uttara = BranchFactory(name="Uttara", code="UTT")

    services.user_update(
        actor=admin, user=user, roles=[Group.objects.get(name="Support")], all_branches=False, branches=[uttara],
        first_name=user.first_name,
    )

    entry = AuditLog.objects.get(action="user.update", object_id=str(user.pk))
    assert entry.before == {"all_branches": True, "roles": ["Cashier"], "branches": []}
    assert entry.after == {"all_branches": False, "roles": ["Support"], "branches": ["Uttara"]}


@pytest.mark.django_db
def test_nobody_can_deactivate_themselves():
    admin = UserFactory(roles=["Admin"])
    UserFactory(roles=["Admin"])  # another role manager: only the self rule can refuse

    with pytest.raises(ValidationError) as caught:
        services.user_update(actor=admin, user=admin, is_active=False)

    assert "is_active" in caught.value.message_dict
    admin.refresh_from_db()
    assert admin.is_active
    assert not AuditLog.objects.filter(action="user.update").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("change", [{"is_active": False}, {"roles": []}, {"kind": "technician"}])
def test_last_role_manager_cannot_lose_it(change):
    last_manager = UserFactory(roles=["Admin"])
    other_admin = UserFactory(roles=["Manager"])
    UserFactory(roles=["Admin"], is_active=False)  # inactive holders do not count

    with pytest.raises(ValidationError) as caught:
        services.user_update(actor=other_admin, user=last_manager, **change)

    assert "last active user who can manage roles" in str(caught.value)
    last_manager.refresh_from_db()
    assert last_manager.is_active and last_manager.kind == "staff"
    assert list(last_manager.groups.values_list("name", flat=True)) == ["Admin"]


@pytest.mark.django_db
def test_a_role_manager_may_step_down_while_another_remains():
    first, second = UserFactory(roles=["Admin"]), UserFactory(roles=["Admin"])

    services.user_update(actor=second, user=first, roles=[])

    assert list(role_managers()) == [second]


@pytest.mark.django_db
def test_user_set_password_validates_and_audits_without_the_password():
    user = UserFactory(username="nasrin")
    with pytest.raises(ValidationError) as caught:
        services.user_set_password(actor=None, user=user, password="123")
    assert "password" in caught.value.message_dict
    user.refresh_from_db()
    assert user.check_password("test-pass-123")

    services.user_set_password(actor=None, user=user, password=STRONG)

    user.refresh_from_db()
    assert user.check_password(STRONG)
    entry = AuditLog.objects.get(action="user.set_password")
    assert entry.before is None and entry.after is None


@pytest.mark.django_db
def test_role_create_refuses_a_duplicate_name_in_any_case():
    with pytest.raises(ValidationError) as caught:
        services.role_create(actor=None, name="cashier")
    assert "name" in caught.value.message_dict
    assert Group.objects.filter(name__iexact="cashier").count() == 1


@pytest.mark.django_db
def test_role_permissions_set_changes_exactly_the_chosen_permissions_and_audits_the_difference():
    role = services.role_create(actor=None, name="Collector", permissions=[perm("customers.view_customer"), perm("customers.view_area")])

    services.role_grants_replace(
        actor=None, role=role, permissions=[perm("customers.view_customer"), perm("customers.lifecycle_subscription")]
    )

    assert sorted(role.permissions.values_list("codename", flat=True)) == ["lifecycle_subscription", "view_customer"]
    entry = AuditLog.objects.get(action="role.permissions_set")
    assert entry.before == {"permissions": ["customers.view_area"]}
    assert entry.after == {"permissions": ["customers.lifecycle_subscription"]}


@pytest.mark.django_db
def test_role_permissions_set_refuses_to_leave_nobody_managing_roles():
    UserFactory(roles=["Admin"])
    admin_role = Group.objects.get(name="Admin")
    before = set(admin_role.permissions.values_list("pk", flat=True))

    with pytest.raises(ValidationError):
        services.role_grants_replace(actor=None, role=admin_role, permissions=admin_role.permissions.exclude(codename="manage_roles"))

    assert set(admin_role.permissions.values_list("pk", flat=True)) == before


@pytest.mark.django_db
def test_role_permissions_set_may_drop_role_management_when_someone_else_keeps_it():
    UserFactory(roles=["Admin"])
    role = services.role_create(actor=None, name="Deputy", permissions=[perm("accounts.manage_roles")])
    UserFactory(roles=["Deputy"])

    services.role_grants_replace(actor=None, role=role, permissions=[])

    assert not role.permissions.exists()


def test_permission_matrix_lists_modules_with_custom_permissions(db):
    matrix = {module.app_label: module for module in permission_matrix()}
    assert list(matrix)[0] == "customers"
    subscriptions = next(row for row in matrix["customers"].rows if row.label == "Subscriptions")
    assert [p.codename for p in subscriptions.standard] == [
        "view_subscription", "add_subscription", "change_subscription", "delete_subscription"
    ]
    assert [p.codename for p in subscriptions.custom] == ["lifecycle_subscription"]
    users = next(row for row in matrix["accounts"].rows if row.label == "Users")
    assert [p.codename for p in users.custom] == ["manage_roles"]


@pytest.mark.django_db
def test_nobody_can_move_their_own_login_out_of_the_staff_console():
    admin = UserFactory(roles=["Admin"])
    UserFactory(roles=["Admin"])

    with pytest.raises(ValidationError) as caught:
        services.user_update(actor=admin, user=admin, kind="technician")

    assert "kind" in caught.value.message_dict
    admin.refresh_from_db()
    assert admin.kind == "staff"


@pytest.mark.django_db
def test_admin_role_receives_permissions_of_modules_added_later_but_other_roles_keep_their_choice():
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType

    from ispbill.accounts.services import roles_ensure_defaults

    content_type = ContentType.objects.get_for_model(Group)
    new_permission = Permission.objects.create(codename="run_new_module", name="Run a new module", content_type=content_type)
    manager = Group.objects.get(name="Manager")
    manager_before = set(manager.permissions.values_list("pk", flat=True))

    roles_ensure_defaults()

    assert Group.objects.get(name="Admin").permissions.filter(pk=new_permission.pk).exists()
    assert set(manager.permissions.values_list("pk", flat=True)) == manager_before
