"""Settings → Users & roles in the staff console: staff and technician logins, roles and their permissions."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from ispbill.accounts import services
from ispbill.accounts.selectors import managed_user_get, managed_users, permission_matrix, roles_with_counts, user_within_scope_of
from ispbill.core.forms import add_service_errors
from usecases.role_permissions_set import role_permissions_set
from usecases.staff_user_update import staff_user_update
from web.surfaces import staff_permission_required

from .staff_forms import PasswordSetForm, RoleCreateForm, RolePermissionsForm, UserFilterForm, UserForm


def _render_form(request, template: str, context: dict):
    """HTMX asks for the dialog fragment; a plain request gets the same form as a page."""
    in_dialog = bool(request.htmx)
    return render(request, f"{template}#dialog" if in_dialog else template, {**context, "in_dialog": in_dialog})


def _editable_user(request, pk: int):
    user = managed_user_get(viewer=request.user, pk=pk)
    if user.is_superuser and not request.user.is_superuser:
        raise PermissionDenied  # only a superuser may change a superuser's login
    return user


# Users -------------------------------------------------------------------------------------------

@vary_on_headers("HX-Request")
@staff_permission_required("accounts.view_user")
def user_list(request):
    filters = UserFilterForm(request.GET or None)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    users = managed_users(viewer=request.user, kind=criteria.get("kind") or "", role=criteria.get("role"), query=criteria.get("q") or "")
    page = Paginator(users, settings.STAFF_LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    for member in page:
        member.password_settable = user_within_scope_of(viewer=request.user, user=member)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"filters": filters, "page": page, "query": query.urlencode()}
    if request.htmx:
        return render(request, "accounts/user_list.html#user-list", context)
    return render(request, "accounts/user_list.html", context)


@require_http_methods(["GET", "POST"])
@staff_permission_required("accounts.view_user", "accounts.add_user")
def user_create(request):
    form = UserForm(request.POST or None, editor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(actor=request.user, **form.service_kwargs())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("User %(user)s created.") % {"user": user.username})
            return redirect("staff:user-list")
    return render(request, "accounts/user_form.html", {"form": form, "title": _("New user")})


@require_http_methods(["GET", "POST"])
@staff_permission_required("accounts.view_user", "accounts.change_user")
def user_edit(request, pk: int):
    target = _editable_user(request, pk)
    form = UserForm(request.POST or None, editor=request.user, user=target)
    if request.method == "POST" and form.is_valid():
        try:
            staff_user_update(actor=request.user, user=target, **form.service_kwargs())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("User %(user)s saved.") % {"user": target.username})
            return redirect("staff:user-list")
    return render(
        request, "accounts/user_form.html",
        {"form": form, "target": target, "title": _("Edit user %(user)s") % {"user": target.username}},
    )


@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
@staff_permission_required("accounts.view_user", "accounts.change_user")
def user_password(request, pk: int):
    target = _editable_user(request, pk)
    if not user_within_scope_of(viewer=request.user, user=target):
        raise PermissionDenied  # their login reaches branches the editor cannot see
    form = PasswordSetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_set_password(actor=request.user, user=target, password=form.cleaned_data["password"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if target.pk == request.user.pk:
                update_session_auth_hash(request, target)  # changing your own password keeps you signed in
            messages.success(request, _("Password of %(user)s changed.") % {"user": target.username})
            if request.htmx:
                return HttpResponse(status=204, headers={"HX-Trigger": json.dumps({"closeModal": None, "usersChanged": None})})
            return redirect("staff:user-list")
    return _render_form(
        request, "accounts/user_password.html",
        {"form": form, "target": target, "title": _("Set the password of %(user)s") % {"user": target.username}},
    )


# Roles -------------------------------------------------------------------------------------------

@staff_permission_required("accounts.view_user")
def role_list(request):
    return render(request, "accounts/role_list.html", {"roles": roles_with_counts()})


@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
@staff_permission_required("accounts.view_user", "accounts.manage_roles")
def role_create(request):
    form = RoleCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        source = form.cleaned_data["copy_from"]
        try:
            role = services.role_create(
                actor=request.user, name=form.cleaned_data["name"],
                permissions=source.permissions.all() if source else (),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Role %(role)s created. Choose what it may do.") % {"role": role.name})
            target = reverse("staff:role-edit", args=[role.pk])
            return HttpResponseClientRedirect(target) if request.htmx else redirect(target)
    return _render_form(request, "accounts/role_form.html", {"form": form, "title": _("New role")})


@require_http_methods(["GET", "POST"])
@staff_permission_required("accounts.view_user", "accounts.manage_roles")
def role_edit(request, pk: int):
    role = get_object_or_404(Group, pk=pk)
    # Unticking every box posts nothing at all: a POST is a submission even when empty.
    form = RolePermissionsForm(request.POST if request.method == "POST" else None, role=role)
    if request.method == "POST" and form.is_valid():
        try:
            role_permissions_set(actor=request.user, role=role, permissions=form.all_permissions())
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("Permissions of %(role)s saved.") % {"role": role.name})
            return redirect("staff:role-edit", pk=role.pk)
    members = role.user_set.filter(is_active=True).order_by("username")
    return render(
        request, "accounts/role_permissions.html",
        {"role": role, "form": form, "matrix": permission_matrix(), "chosen": form.chosen_ids(), "members": members},
    )
