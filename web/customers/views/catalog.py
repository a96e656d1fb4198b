"""The catalogue in the staff console: packages, areas and branches."""

import json

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from customers import services
from customers.models import Lead, Package, Subscription
from customers.selectors import areas_visible_to, branches_visible_to
from ispbill.accounts.selectors import user_branch_ids
from ispbill.core.forms import add_service_errors
from usecases import package_create as package_create_usecase
from usecases import package_update as package_update_usecase
from web.customers.forms.catalog import AreaFilterForm, AreaForm, BranchForm, PackageFilterForm, PackageForm
from web.surfaces import staff_permission_required


def render_form(request, template: str, context: dict):
    """HTMX asks for the dialog fragment; a plain request gets the same form as a whole page."""
    in_dialog = bool(request.htmx)
    return render(request, f"{template}#dialog" if in_dialog else template, {**context, "in_dialog": in_dialog})


def form_done(request, *, message: str, event: str, redirect_to: str):
    """After a successful write: close the dialog and tell the list to refresh, or redirect without JS."""
    messages.success(request, message)
    if request.htmx:
        return HttpResponse(status=204, headers={"HX-Trigger": json.dumps({"closeModal": None, event: None})})
    return redirect(redirect_to)


def _list_page(request, template: str, partial: str, context: dict):
    if request.htmx:
        return render(request, f"{template}#{partial}", context)
    return render(request, template, context)


# Packages ----------------------------------------------------------------------------------------

@vary_on_headers("HX-Request")
@staff_permission_required("customers.view_package")
def package_list(request):
    filters = PackageFilterForm(request.GET or None)
    show = (filters.cleaned_data.get("show") if filters.is_valid() else "") or "all"
    live = ~Q(subscriptions__status=Subscription.Status.CANCELLED)
    branch_ids = user_branch_ids(request.user)
    if branch_ids is not None:  # counts follow the user's branch scope like every other number they see
        live &= Q(subscriptions__customer__branch__in=branch_ids)
    packages = Package.objects.annotate(subscription_count=Count("subscriptions", filter=live)).order_by("-is_active", "price", "name")
    if show == "active":
        packages = packages.filter(is_active=True)
    elif show == "inactive":
        packages = packages.filter(is_active=False)
    return _list_page(request, "customers/package_list.html", "package-list", {"packages": packages, "filters": filters})


@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
@staff_permission_required("customers.view_package", "customers.add_package")
def package_create_view(request):
    form = PackageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            package = package_create_usecase.package_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return form_done(
                request, message=_("Package %(name)s created.") % {"name": package.name},
                event="packagesChanged", redirect_to="staff:package-list",
            )
    return render_form(request, "customers/package_form.html", {"form": form, "title": _("New package")})


@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
@staff_permission_required("customers.view_package", "customers.change_package")
def package_edit(request, pk: int):
    package = get_object_or_404(Package, pk=pk)
    title = _("Edit package %(name)s") % {"name": package.name}  # before a failed save renames it in memory
    form = PackageForm(request.POST or None, package=package)
    if request.method == "POST" and form.is_valid():
        try:
            package_update_usecase.package_update(actor=request.user, package=package, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return form_done(
                request, message=_("Package %(name)s saved.") % {"name": package.name},
                event="packagesChanged", redirect_to="staff:package-list",
            )
    return render_form(
        request, "customers/package_form.html",
        {"form": form, "package": package, "title": title},
    )


@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
@staff_permission_required("customers.view_package", "customers.change_package")
def package_active(request, pk: int):
    """Retire a package from sale or put it back; existing subscriptions keep it either way."""
    package = get_object_or_404(Package, pk=pk)
    if request.method == "POST":
        package_update_usecase.package_update(actor=request.user, package=package, is_active=not package.is_active)
        message = _("%(name)s is on sale again.") if package.is_active else _("%(name)s is no longer sold.")
        return form_done(request, message=message % {"name": package.name}, event="packagesChanged", redirect_to="staff:package-list")
    live = package.subscriptions.exclude(status=Subscription.Status.CANCELLED).count()
    return render_form(request, "customers/package_active.html", {"package": package, "live_subscriptions": live})


# Branches ----------------------------------------------------------------------------------------

@vary_on_headers("HX-Request")
@staff_permission_required("customers.view_branch")
def branch_list(request):
    branches = branches_visible_to(request.user).annotate(
        area_count=Count("areas", distinct=True), customer_count=Count("customers", distinct=True)
    ).order_by("name")
    return _list_page(request, "customers/branch_list.html", "branch-list", {"branches": branches})


@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
@staff_permission_required("customers.view_branch", "customers.add_branch")
def branch_create(request):
    form = BranchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            branch = services.branch_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return form_done(
                request, message=_("Branch %(name)s created.") % {"name": branch.name},
                event="branchesChanged", redirect_to="staff:branch-list",
            )
    return render_form(request, "customers/branch_form.html", {"form": form, "title": _("New branch")})


@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
@staff_permission_required("customers.view_branch", "customers.change_branch")
def branch_edit(request, pk: int):
    branch = get_object_or_404(branches_visible_to(request.user), pk=pk)
    title = _("Edit branch %(name)s") % {"name": branch.name}  # before a failed save renames it in memory
    form = BranchForm(request.POST or None, branch=branch)
    if request.method == "POST" and form.is_valid():
        try:
            services.branch_update(actor=request.user, branch=branch, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return form_done(
                request, message=_("Branch %(name)s saved.") % {"name": branch.name},
                event="branchesChanged", redirect_to="staff:branch-list",
            )
    return render_form(
        request, "customers/branch_form.html",
        {"form": form, "branch": branch, "title": title},
    )


# Areas -------------------------------------------------------------------------------------------

@vary_on_headers("HX-Request")
@staff_permission_required("customers.view_area")
def area_list(request):
    filters = AreaFilterForm(request.GET or None, user=request.user)
    areas = areas_visible_to(request.user).select_related("collector").annotate(
        customer_count=Count("customers", distinct=True),
        open_lead_count=Count(
            "leads", filter=~Q(leads__status__in=[Lead.Status.CONVERTED, Lead.Status.LOST]), distinct=True
        ),
    ).order_by("branch__name", "name", "pk")
    if filters.is_valid() and filters.cleaned_data["branch"]:
        areas = areas.filter(branch=filters.cleaned_data["branch"])
    page = Paginator(areas, settings.STAFF_LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return _list_page(
        request, "customers/area_list.html", "area-list", {"page": page, "filters": filters, "query": query.urlencode()}
    )


@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
@staff_permission_required("customers.view_area", "customers.add_area")
def area_create(request):
    initial = {"branch": request.GET.get("branch")} if request.GET.get("branch", "").isdigit() else None
    form = AreaForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            area = services.area_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return form_done(
                request, message=_("Area %(name)s created.") % {"name": area.name},
                event="areasChanged", redirect_to="staff:area-list",
            )
    return render_form(request, "customers/area_form.html", {"form": form, "title": _("New area")})


@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
@staff_permission_required("customers.view_area", "customers.change_area")
def area_edit(request, pk: int):
    area = get_object_or_404(areas_visible_to(request.user), pk=pk)
    title = _("Edit area %(name)s") % {"name": area.name}  # before a failed save renames it in memory
    form = AreaForm(request.POST or None, user=request.user, area=area)
    if request.method == "POST" and form.is_valid():
        try:
            services.area_update(actor=request.user, area=area, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return form_done(
                request, message=_("Area %(name)s saved.") % {"name": area.name},
                event="areasChanged", redirect_to="staff:area-list",
            )
    return render_form(
        request, "customers/area_form.html",
        {"form": form, "area": area, "title": title},
    )


urlpatterns = [
    path("packages/", package_list, name="package-list"),
    path("packages/new/", package_create_view, name="package-create"),
    path("packages/<int:pk>/edit/", package_edit, name="package-edit"),
    path("packages/<int:pk>/active/", package_active, name="package-active"),
    path("branches/", branch_list, name="branch-list"),
    path("branches/new/", branch_create, name="branch-create"),
    path("branches/<int:pk>/edit/", branch_edit, name="branch-edit"),
    path("areas/", area_list, name="area-list"),
    path("areas/new/", area_create, name="area-create"),
    path("areas/<int:pk>/edit/", area_edit, name="area-edit"),
]
