"""Reads for users, roles and the permission matrix."""

from dataclasses import dataclass, field

from django.contrib.auth.models import Group, Permission
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from .models import User
from .roles import MODULES

# The kinds of login managed in Settings → Users & roles; resellers and customers have their own screens.
MANAGED_KINDS = (User.Kind.STAFF, User.Kind.TECHNICIAN)
STANDARD_ACTIONS = ("view", "add", "change", "delete")


def user_branch_ids(user) -> set[int] | None:
    """The branches a staff user may see, or None for all of them."""
    if user.is_superuser or user.all_branches:
        return None
    cached = getattr(user, "_branch_ids", None)
    if cached is None:
        cached = set(user.branches.values_list("id", flat=True))
        user._branch_ids = cached
    return cached


def _users_visible_to(viewer) -> QuerySet[User]:
    """The logins a staff user may see in Users & roles.

    A branch-limited viewer sees the logins that share one of their branches (or have none yet),
    never an all-branches login or a superuser: seeing one would be the first step to taking it over.
    """
    users = User.objects.filter(kind__in=MANAGED_KINDS)
    branch_ids = user_branch_ids(viewer)
    if branch_ids is None:
        return users
    return users.filter(is_superuser=False, all_branches=False).filter(
        Q(branches__in=branch_ids) | Q(branches__isnull=True)
    ).distinct()


def user_within_scope_of(*, viewer, user: User) -> bool:
    """Whether every branch `user` may see is one `viewer` may see too.

    Only then may `viewer` set the user's password: signing in as them must not reach further.
    """
    viewer_branches = user_branch_ids(viewer)
    if viewer_branches is None:
        return True
    if user.is_superuser or user.all_branches:
        return False
    return set(user.branches.values_list("id", flat=True)) <= viewer_branches


def managed_users(*, viewer, kind: str = "", role: Group | None = None, query: str = "") -> QuerySet[User]:
    users = _users_visible_to(viewer).prefetch_related("groups", "branches")
    if kind:
        users = users.filter(kind=kind)
    if role is not None:
        users = users.filter(groups=role)
    query = query.strip()
    if query:
        users = users.filter(
            Q(username__icontains=query) | Q(first_name__icontains=query) | Q(last_name__icontains=query)
            | Q(email__icontains=query)
        )
    return users.order_by("-is_active", "username")


def managed_user_get(*, viewer, pk: int) -> User:
    return get_object_or_404(_users_visible_to(viewer), pk=pk)


def roles_with_counts() -> QuerySet[Group]:
    return Group.objects.annotate(
        member_count=Count("user", filter=Q(user__is_active=True), distinct=True),
        permission_count=Count("permissions", distinct=True),
    ).order_by("name")


def manage_roles_permission() -> Permission:
    return Permission.objects.get(content_type__app_label="accounts", codename="manage_roles")


def role_managers(*, exclude_user: User | None = None, exclude_role: Group | None = None) -> QuerySet[User]:
    """Active staff who can manage roles: superusers, direct holders and members of a role that has it.

    `exclude_user` leaves one user out; `exclude_role` ignores what one role grants. Both answer
    "who would still manage roles if this user or this role lost the permission?".
    """
    permission = manage_roles_permission()
    via_roles = Group.objects.filter(permissions=permission)
    if exclude_role is not None:
        via_roles = via_roles.exclude(pk=exclude_role.pk)
    users = User.objects.filter(is_active=True, kind=User.Kind.STAFF).filter(
        Q(is_superuser=True) | Q(user_permissions=permission) | Q(groups__in=via_roles)
    )
    if exclude_user is not None:
        users = users.exclude(pk=exclude_user.pk)
    return users.distinct()


def matrix_permissions() -> QuerySet[Permission]:
    """Every permission the role matrix shows: those of the modules in roles.MODULES."""
    return Permission.objects.filter(content_type__app_label__in=MODULES.keys())


@dataclass
class MatrixRow:
    label: str
    standard: list  # one Permission or None per STANDARD_ACTIONS entry
    custom: list = field(default_factory=list)


@dataclass
class MatrixModule:
    app_label: str
    heading: str
    rows: list[MatrixRow]


def permission_matrix() -> list[MatrixModule]:
    """The role editor's grid: modules in MODULES order, one row per model, view/add/change/delete
    columns, then the model's own custom permissions."""
    by_model: dict = {}
    for permission in matrix_permissions().select_related("content_type").order_by("content_type__model", "id"):
        by_model.setdefault(permission.content_type, []).append(permission)
    modules = []
    for app_label, heading in MODULES.items():
        rows = []
        for content_type, permissions in by_model.items():
            if content_type.app_label != app_label:
                continue
            model = content_type.model_class()
            if model is None:  # a model deleted from the code but still in the database
                continue
            standard = {f"{action}_{content_type.model}": None for action in STANDARD_ACTIONS}
            custom = []
            for permission in permissions:
                if permission.codename in standard:
                    standard[permission.codename] = permission
                else:
                    custom.append(permission)
            label = str(model._meta.verbose_name_plural)
            rows.append(MatrixRow(label=label[:1].upper() + label[1:], standard=list(standard.values()), custom=custom))
        if rows:
            rows.sort(key=lambda row: row.label)
            modules.append(MatrixModule(app_label=app_label, heading=heading, rows=rows))
    return modules


def permission_codenames(permissions) -> list[str]:
    """`app_label.codename` for each permission, sorted: how roles are shown in the audit log."""
    return sorted(f"{p.content_type.app_label}.{p.codename}" for p in permissions)
