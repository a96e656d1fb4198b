"""Writes for users and roles.

Every change is audited with what it changed (roles, branches, active, permission codenames), and
two guards hold across all of them: nobody deactivates their own account, and the last active
staff user who can manage roles cannot lose that ability.
"""

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from ispbill.core.audit import audit_changes, audit_record
from ispbill.core.phone import normalize_phone

from .models import User
from .roles import DEFAULT_ROLE_PERMISSIONS
from .selectors import MANAGED_KINDS, manage_roles_permission, permission_codenames, role_managers

USER_FIELDS = ("username", "first_name", "last_name", "email", "phone", "kind", "is_active", "all_branches")


def _pattern_query(pattern: str) -> Q:
    app_label, codename = pattern.split(".", 1)
    if codename == "*":
        return Q(content_type__app_label=app_label)
    return Q(content_type__app_label=app_label, codename=codename)


def _permissions_matching(patterns: list[str]):
    """Permissions named by `app.codename` or `app.*`; a leading "-" takes a permission back out."""
    if "*" in patterns:
        return Permission.objects.all()
    included, excluded = Q(pk__in=[]), Q(pk__in=[])
    for pattern in patterns:
        if pattern.startswith("-"):
            excluded |= _pattern_query(pattern[1:])
        else:
            included |= _pattern_query(pattern)
    return Permission.objects.filter(included).exclude(excluded)


@transaction.atomic
def roles_ensure_defaults() -> list[Group]:
    """Create the starting roles that do not exist yet. Existing roles keep what admins gave them,
    except a role defined as everything ("*", the Admin role), which also receives the permissions of
    modules added since: an upgrade must not leave administrators locked out of a new screen."""
    groups = []
    for name, patterns in DEFAULT_ROLE_PERMISSIONS.items():
        group, created = Group.objects.get_or_create(name=name)
        if created or "*" in patterns:
            group.permissions.add(*_permissions_matching(patterns))
        groups.append(group)
    return groups


# Users -------------------------------------------------------------------------------------------

def _user_state(user: User) -> dict:
    state = {name: getattr(user, name) for name in USER_FIELDS}
    state["roles"] = sorted(user.groups.values_list("name", flat=True))
    state["branches"] = sorted(user.branches.values_list("name", flat=True))
    return state


def _lock_role_managers() -> Permission:
    """Serialize changes that may take away the last role manager (a row lock on PostgreSQL;
    SQLite's write lock already serializes them)."""
    permission = manage_roles_permission()
    return Permission.objects.select_for_update().get(pk=permission.pk)


def _clean_user_fields(fields: dict) -> dict:
    if "kind" in fields and fields["kind"] not in MANAGED_KINDS:
        raise ValidationError({"kind": _("Choose staff or technician; resellers and customers are managed elsewhere.")})
    if fields.get("phone"):
        try:
            fields["phone"] = normalize_phone(fields["phone"])
        except ValidationError as exc:
            raise ValidationError({"phone": exc.messages}) from exc
    for name in ("username", "first_name", "last_name", "email"):
        if name in fields:
            fields[name] = (fields[name] or "").strip()
    return fields


def _check_branch_scope(*, all_branches: bool, branches) -> None:
    if not all_branches and not branches:
        raise ValidationError({"branches": _("Choose the branches this user may see, or allow all branches.")})


def _validate_password(password: str, user: User) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc


@transaction.atomic
def user_create(
    *,
    actor,
    username: str,
    password: str,
    kind: str = User.Kind.STAFF,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    phone: str = "",
    roles: Iterable[Group] = (),
    all_branches: bool = True,
    branches: Iterable = (),
    is_active: bool = True,
) -> User:
    fields = _clean_user_fields(
        {"username": username, "kind": kind, "first_name": first_name, "last_name": last_name, "email": email,
         "phone": phone}
    )
    roles, branches = list(roles), list(branches)
    _check_branch_scope(all_branches=all_branches, branches=branches)
    user = User(**fields, all_branches=all_branches, is_active=is_active)
    user.full_clean(exclude=["password"])
    _validate_password(password, user)
    user.set_password(password)
    user.save()
    user.groups.set(roles)
    user.branches.set([] if all_branches else branches)
    audit_record(actor=actor, action="user.create", obj=user, after=_user_state(user))
    return user


@transaction.atomic
def user_update(*, actor, user: User, roles: Iterable[Group] | None = None, branches: Iterable | None = None, **changes) -> User:
    """Change a staff or technician user; `roles` and `branches` replace the current sets when given."""
    unknown = set(changes) - set(USER_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {', '.join(sorted(unknown))}")
    manage_roles = _lock_role_managers()
    user = User.objects.select_for_update().get(pk=user.pk)
    before = _user_state(user)
    changes = _clean_user_fields(changes)
    roles = list(roles) if roles is not None else list(user.groups.all())
    all_branches = changes.get("all_branches", user.all_branches)
    branches = list(branches) if branches is not None else list(user.branches.all())
    _check_branch_scope(all_branches=all_branches, branches=branches)

    is_active = changes.get("is_active", user.is_active)
    if actor is not None and actor.pk == user.pk and not is_active:
        raise ValidationError({"is_active": _("You cannot deactivate your own account.")})
    kind = changes.get("kind", user.kind)
    if actor is not None and actor.pk == user.pk and kind != user.kind:
        raise ValidationError({"kind": _("You cannot change the kind of your own login: you would lose the staff console.")})
    manages_now = role_managers().filter(pk=user.pk).exists()
    manages_after = is_active and kind == User.Kind.STAFF and (
        user.is_superuser
        or user.user_permissions.filter(pk=manage_roles.pk).exists()
        or any(role.permissions.filter(pk=manage_roles.pk).exists() for role in roles)
    )
    if manages_now and not manages_after and not role_managers(exclude_user=user).exists():
        field = "is_active" if not is_active else "kind" if kind != User.Kind.STAFF else "roles"
        raise ValidationError(
            {field: _("%(user)s is the last active user who can manage roles. Give that to someone else first.") % {"user": user}}
        )

    for name, value in changes.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.set(roles)
    user.branches.set([] if all_branches else branches)
    old, new = audit_changes(before, _user_state(user))
    if new:
        audit_record(actor=actor, action="user.update", obj=user, before=old, after=new)
    return user


@transaction.atomic
def user_set_password(*, actor, user: User, password: str) -> User:
    _validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=actor, action="user.set_password", obj=user)
    return user


# Roles -------------------------------------------------------------------------------------------

@transaction.atomic
def role_create(*, actor, name: str, permissions: Iterable[Permission] = ()) -> Group:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the role a name.")})
    if Group.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": _("A role named “%(name)s” already exists.") % {"name": name}})
    role = Group(name=name)
    role.full_clean()
    role.save()
    role.permissions.set(permissions)
    audit_record(
        actor=actor, action="role.create", obj=role,
        after={"name": role.name, "permissions": permission_codenames(role.permissions.select_related("content_type"))},
    )
    return role


@transaction.atomic
def role_grants_replace(*, actor, role: Group, permissions: Iterable[Permission]) -> Group:
    """Give the role exactly `permissions`. Audited as the codenames taken away (before) and given (after)."""
    manage_roles = _lock_role_managers()
    wanted = {p.pk: p for p in Permission.objects.filter(pk__in=[p.pk for p in permissions]).select_related("content_type")}
    current = {p.pk: p for p in role.permissions.select_related("content_type")}
    removed = [p for pk, p in current.items() if pk not in wanted]
    added = [p for pk, p in wanted.items() if pk not in current]
    if not removed and not added:
        return role
    if manage_roles.pk in current and manage_roles.pk not in wanted and not role_managers(exclude_role=role).exists():
        raise ValidationError(
            _("Only members of this role can manage roles: keep “Can edit roles and their permissions”, "
            "or give it to another active user first.")
        )
    role.permissions.set(wanted.values())
    audit_record(
        actor=actor, action="role.permissions_set", obj=role,
        before={"permissions": permission_codenames(removed)}, after={"permissions": permission_codenames(added)},
    )
    return role


def user_language_set(*, user: User, language: str) -> User:
    """The language a staff user, technician or reseller works in (the customers' own choice is
    `customers.portal_access.customer_preferences_set`, which also moves their messages)."""
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise ValidationError({"language": _("Choose English or Bangla.")})
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language
    return user
