import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from ispbill.accounts.models import User
from ispbill.core.models import AuditLog
from tests.factories import PASSWORD, BranchFactory, UserFactory, make_customer

STRONG = "Kh4sru-Dhaka-2026"


def perm(label: str) -> Permission:
    app_label, codename = label.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def user_payload(**overrides):
    payload = {
        "username": "rupa", "first_name": "Rupa", "last_name": "Akter", "email": "rupa@example.net",
        "phone": "01812-345678", "kind": "staff", "all_branches": "on", "is_active": "on",
        "password": STRONG, "password_confirm": STRONG,
    }
    payload.update(overrides)
    return {key: value for key, value in payload.items() if value is not None}


@pytest.fixture
def views_users_manager_client(client):
    """A Manager: may see users (accounts.view_user) but not change them or roles."""
    client.force_login(UserFactory(roles=["Manager"]))
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["staff:user-list", "staff:user-create", "staff:role-list", "staff:role-create"])
def test_settings_screens_render_for_an_admin(staff_client, url_name):
    response = staff_client.get(reverse(url_name))
    assert response.status_code == 200


@pytest.mark.django_db
def test_user_edit_password_and_role_matrix_render_for_an_admin(staff_client, admin):
    other = UserFactory()
    assert staff_client.get(reverse("staff:user-edit", args=[other.pk])).status_code == 200
    dialog = staff_client.get(reverse("staff:user-password", args=[other.pk]), HTTP_HX_REQUEST="true")
    assert dialog.status_code == 200 and b"<dialog" in dialog.content
    matrix = staff_client.get(reverse("staff:role-edit", args=[Group.objects.get(name="Cashier").pk]))
    assert matrix.status_code == 200
    assert b"accounts.manage_roles" in matrix.content and b"customers.lifecycle_subscription" in matrix.content


@pytest.mark.django_db
def test_user_list_shows_kind_roles_scope_and_filters_by_role(staff_client, admin):
    mirpur = BranchFactory(name="Mirpur", code="MIR")
    UserFactory(username="cash1", roles=["Cashier"], branch_scope=[mirpur])
    UserFactory(username="tech1", kind="technician", roles=["Technician"])
    UserFactory(username="resl1", kind="reseller")

    page = staff_client.get(reverse("staff:user-list")).content.decode()
    assert "cash1" in page and "tech1" in page and "Mirpur" in page and "Technician" in page
    assert "resl1" not in page  # resellers are managed in their own module

    cashier = Group.objects.get(name="Cashier")
    filtered = staff_client.get(reverse("staff:user-list"), {"role": cashier.pk}, HTTP_HX_REQUEST="true").content.decode()
    assert "cash1" in filtered and "tech1" not in filtered
    assert 'id="user-list"' in filtered and "<html" not in filtered
    by_kind = staff_client.get(reverse("staff:user-list"), {"kind": "technician"}).content.decode()
    assert "tech1" in by_kind and "cash1" not in by_kind


@pytest.mark.django_db
def test_manager_sees_users_but_cannot_create_edit_or_touch_roles(views_users_manager_client):
    target = UserFactory(username="target", first_name="Before")
    cashier = Group.objects.get(name="Cashier")
    users_before, roles_before = User.objects.count(), Group.objects.count()
    cashier_perms = set(cashier.permissions.values_list("pk", flat=True))

    assert views_users_manager_client.get(reverse("staff:user-list")).status_code == 200
    assert views_users_manager_client.get(reverse("staff:role-list")).status_code == 200
    assert views_users_manager_client.post(reverse("staff:user-create"), user_payload()).status_code == 403
    assert views_users_manager_client.post(reverse("staff:user-edit", args=[target.pk]), user_payload(username="target", first_name="After")).status_code == 403
    assert views_users_manager_client.post(reverse("staff:user-password", args=[target.pk]), {"password": STRONG, "password_confirm": STRONG}).status_code == 403
    assert views_users_manager_client.post(reverse("staff:role-create"), {"name": "Sneaky"}).status_code == 403
    assert views_users_manager_client.post(reverse("staff:role-edit", args=[cashier.pk]), {"permissions": []}).status_code == 403

    target.refresh_from_db()
    assert target.first_name == "Before" and target.check_password(PASSWORD)
    assert User.objects.count() == users_before and Group.objects.count() == roles_before
    assert set(cashier.permissions.values_list("pk", flat=True)) == cashier_perms


@pytest.mark.django_db
def test_staff_without_view_user_get_403_on_every_settings_screen(client):
    client.force_login(UserFactory(roles=["Cashier"]))
    other = UserFactory()
    for url in [
        reverse("staff:user-list"), reverse("staff:user-create"), reverse("staff:user-edit", args=[other.pk]),
        reverse("staff:user-password", args=[other.pk]), reverse("staff:role-list"), reverse("staff:role-create"),
        reverse("staff:role-edit", args=[Group.objects.get(name="Cashier").pk]),
    ]:
        assert client.get(url).status_code == 403, url


@pytest.mark.django_db
def test_admin_creates_a_branch_limited_staff_user(staff_client):
    mirpur = BranchFactory(name="Mirpur", code="MIR")
    support = Group.objects.get(name="Support")

    response = staff_client.post(
        reverse("staff:user-create"), user_payload(all_branches=None, branches=[mirpur.pk], roles=[support.pk])
    )

    assert response.status_code == 302 and response.url == reverse("staff:user-list")
    user = User.objects.get(username="rupa")
    assert (user.kind, user.all_branches, user.phone) == ("staff", False, "+8801812345678")
    assert list(user.groups.all()) == [support] and list(user.branches.all()) == [mirpur]
    assert user.check_password(STRONG)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"password": "12345678", "password_confirm": "12345678"}, "too common"),
        ({"password_confirm": "something-else-1"}, "The two passwords differ."),
        ({"username": "taken"}, "already exists"),
        ({"all_branches": None}, "Choose the branches this user may see"),
        ({"phone": "999"}, "Enter a valid phone number"),
    ],
)
def test_bad_user_input_shows_the_message_and_creates_nobody(staff_client, overrides, message):
    UserFactory(username="taken")
    before = User.objects.count()

    response = staff_client.post(reverse("staff:user-create"), user_payload(**overrides))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert User.objects.count() == before


@pytest.mark.django_db
def test_admin_edits_a_user_into_a_technician_and_deactivates_them(staff_client):
    user = UserFactory(username="jamal", roles=["Support"])
    technician = Group.objects.get(name="Technician")

    response = staff_client.post(
        reverse("staff:user-edit", args=[user.pk]),
        user_payload(username="jamal", kind="technician", roles=[technician.pk], is_active=None, password=None, password_confirm=None),
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.kind, user.is_active) == ("technician", False)
    assert list(user.groups.all()) == [technician]
    entry = AuditLog.objects.get(action="user.update", object_id=str(user.pk))
    assert entry.before["is_active"] is True and entry.after["is_active"] is False


@pytest.mark.django_db
def test_deactivating_yourself_is_refused_with_a_message(staff_client, admin):
    UserFactory(roles=["Admin"])
    response = staff_client.post(
        reverse("staff:user-edit", args=[admin.pk]),
        user_payload(username=admin.username, roles=[Group.objects.get(name="Admin").pk], is_active=None, password=None, password_confirm=None),
    )
    assert response.status_code == 200
    assert "You cannot deactivate your own account." in response.content.decode()
    admin.refresh_from_db()
    assert admin.is_active


@pytest.mark.django_db
def test_removing_the_last_role_manager_is_refused_with_a_message(staff_client, admin):
    response = staff_client.post(
        reverse("staff:user-edit", args=[admin.pk]),
        user_payload(username=admin.username, roles=[Group.objects.get(name="Manager").pk], password=None, password_confirm=None),
    )
    assert response.status_code == 200
    assert "last active user who can manage roles" in response.content.decode()
    assert list(admin.groups.values_list("name", flat=True)) == ["Admin"]


@pytest.mark.django_db
def test_editor_without_manage_roles_cannot_change_roles(client):
    editor = UserFactory(roles=["Manager"])
    editor.user_permissions.add(perm("accounts.change_user"))
    client.force_login(editor)
    target = UserFactory(username="target", roles=["Cashier"])

    response = client.post(
        reverse("staff:user-edit", args=[target.pk]),
        user_payload(username="target", first_name="Renamed", roles=[Group.objects.get(name="Admin").pk], password=None, password_confirm=None),
    )

    assert response.status_code == 302
    target.refresh_from_db()
    assert target.first_name == "Renamed"
    assert list(target.groups.values_list("name", flat=True)) == ["Cashier"]


@pytest.mark.django_db
def test_only_a_superuser_may_edit_a_superuser(staff_client):
    root = UserFactory(username="root", is_superuser=True)
    response = staff_client.post(reverse("staff:user-password", args=[root.pk]), {"password": STRONG, "password_confirm": STRONG})
    assert response.status_code == 403
    root.refresh_from_db()
    assert root.check_password(PASSWORD)


@pytest.mark.django_db
def test_set_password_in_a_dialog_closes_it_and_keeps_you_signed_in_when_it_is_yours(staff_client, admin):
    response = staff_client.post(
        reverse("staff:user-password", args=[admin.pk]), {"password": STRONG, "password_confirm": STRONG}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 204
    assert "closeModal" in response.headers["HX-Trigger"]
    admin.refresh_from_db()
    assert admin.check_password(STRONG)
    assert staff_client.get(reverse("staff:user-list")).status_code == 200


@pytest.mark.django_db
def test_weak_password_in_the_dialog_rerenders_it_with_the_message(staff_client):
    user = UserFactory()
    response = staff_client.post(
        reverse("staff:user-password", args=[user.pk]), {"password": "short", "password_confirm": "short"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert b"<dialog" in response.content and b"too short" in response.content
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.mark.django_db
def test_role_create_copies_permissions_and_goes_to_the_matrix(staff_client):
    cashier = Group.objects.get(name="Cashier")
    response = staff_client.post(reverse("staff:role-create"), {"name": "Senior cashier", "copy_from": cashier.pk}, HTTP_HX_REQUEST="true")
    role = Group.objects.get(name="Senior cashier")
    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == reverse("staff:role-edit", args=[role.pk])
    assert set(role.permissions.all()) == set(cashier.permissions.all())


@pytest.mark.django_db
def test_duplicate_role_name_shows_the_message(staff_client):
    response = staff_client.post(reverse("staff:role-create"), {"name": "ADMIN"})
    assert "already exists" in response.content.decode()
    assert Group.objects.filter(name__iexact="admin").count() == 1


@pytest.mark.django_db
def test_role_matrix_round_trip_changes_exactly_the_chosen_permissions_and_access_follows(staff_client):
    role = Group.objects.create(name="Catalogue clerk")
    outside_matrix = Permission.objects.get(content_type__app_label="auth", codename="view_group")
    role.permissions.add(perm("customers.view_area"), outside_matrix)
    client = Client()  # a second browser: staff_client stays the admin
    client.force_login(UserFactory(roles=["Catalogue clerk"]))
    assert client.get(reverse("staff:package-list")).status_code == 403

    chosen = [perm("customers.view_package"), perm("customers.lifecycle_subscription")]
    response = staff_client.post(reverse("staff:role-edit", args=[role.pk]), {"permissions": [p.pk for p in chosen]})

    assert response.status_code == 302
    assert set(role.permissions.all()) == {*chosen, outside_matrix}  # view_area gone, the non-matrix one kept
    assert client.get(reverse("staff:package-list")).status_code == 200
    assert client.get(reverse("staff:area-list")).status_code == 403
    rendered = staff_client.get(reverse("staff:role-edit", args=[role.pk])).content.decode()
    checked = set(re.findall(r'name="permissions" value="(\d+)"[^>]* checked', rendered))
    assert checked == {str(p.pk) for p in chosen}

    staff_client.post(reverse("staff:role-edit", args=[role.pk]), {"permissions": []})
    assert client.get(reverse("staff:package-list")).status_code == 403


@pytest.mark.django_db
def test_taking_role_management_from_the_only_managing_role_is_refused(staff_client, admin):
    admin_role = Group.objects.get(name="Admin")
    kept = set(admin_role.permissions.values_list("pk", flat=True))
    matrix_ids = [pk for pk in Permission.objects.filter(content_type__app_label="customers").values_list("pk", flat=True)]

    response = staff_client.post(reverse("staff:role-edit", args=[admin_role.pk]), {"permissions": matrix_ids})

    assert response.status_code == 200
    assert "manage roles" in response.content.decode()
    assert set(admin_role.permissions.values_list("pk", flat=True)) == kept


@pytest.mark.django_db
def test_branch_limited_editor_cannot_widen_scope_and_keeps_branches_they_cannot_see(client):
    mirpur, uttara, gulshan = (BranchFactory(name=n, code=c) for n, c in (("Mirpur", "MIR"), ("Uttara", "UTT"), ("Gulshan", "GUL")))
    editor = UserFactory(roles=["Admin"], branch_scope=[mirpur, gulshan])
    client.force_login(editor)
    target = UserFactory(username="target", branch_scope=[mirpur, uttara])

    response = client.post(
        reverse("staff:user-edit", args=[target.pk]),
        user_payload(username="target", all_branches="on", branches=[gulshan.pk], password=None, password_confirm=None),
    )

    assert response.status_code == 302
    target.refresh_from_db()
    assert target.all_branches is False  # the editor may not grant more than they have
    assert set(target.branches.all()) == {gulshan, uttara}  # Mirpur dropped by choice, Uttara out of the editor's reach


@pytest.mark.django_db
def test_branch_limited_editor_sees_only_users_of_their_branches_and_cannot_take_over_wider_logins(client):
    mirpur, uttara = BranchFactory(name="Mirpur", code="MIR"), BranchFactory(name="Uttara", code="UTT")
    editor = UserFactory(roles=["Admin"], branch_scope=[mirpur])
    colleague = UserFactory(username="colleague", branch_scope=[mirpur])
    straddler = UserFactory(username="straddler", branch_scope=[mirpur, uttara])
    elsewhere = UserFactory(username="elsewhere", branch_scope=[uttara])
    everywhere = UserFactory(username="everywhere", roles=["Cashier"])  # all branches, not a superuser
    client.force_login(editor)
    hashes = {u.pk: u.password for u in (colleague, straddler, elsewhere, everywhere)}

    listed = client.get(reverse("staff:user-list")).content.decode()
    new_password = {"password": "Another-Strong-Pass-2026", "password_confirm": "Another-Strong-Pass-2026"}
    responses = {u.username: client.post(reverse("staff:user-password", args=[u.pk]), new_password).status_code
                 for u in (straddler, elsewhere, everywhere)}
    own_branch = client.post(reverse("staff:user-password", args=[colleague.pk]), new_password)

    assert "colleague" in listed and "straddler" in listed
    assert "elsewhere" not in listed and "everywhere" not in listed
    assert responses == {"straddler": 403, "elsewhere": 404, "everywhere": 404}
    assert client.get(reverse("staff:user-edit", args=[everywhere.pk])).status_code == 404
    assert own_branch.status_code == 302
    for user in (straddler, elsewhere, everywhere):
        user.refresh_from_db()
        assert user.password == hashes[user.pk]  # nothing changed


@pytest.mark.django_db
def test_cashier_takes_payments_but_cannot_change_billing_settings_or_start_runs(client):
    client.force_login(UserFactory(roles=["Cashier"]))
    customer = make_customer()

    assert client.get(reverse("staff:due-list")).status_code == 200
    assert client.get(reverse("staff:payment-create", args=[customer.pk])).status_code == 200
    assert client.get(reverse("staff:invoice-list")).status_code == 200
    assert client.get(reverse("staff:billingsettings-edit")).status_code == 403
    assert client.post(reverse("staff:billingrun-start")).status_code == 403
    assert client.get(reverse("staff:gateway-settings")).status_code == 403


@pytest.mark.django_db
def test_manager_refunds_online_payments_but_only_admins_edit_gateway_credentials(client):
    manager = UserFactory(roles=["Manager"])
    admin_role_user = UserFactory(roles=["Admin"])

    assert manager.has_perm("payments.refund_gatewaypayment")
    assert not manager.has_perm("payments.change_gatewaysettings")
    client.force_login(manager)
    assert client.get(reverse("staff:gateway-settings")).status_code == 403
    client.force_login(admin_role_user)
    assert client.get(reverse("staff:gateway-settings")).status_code == 200
