"""Staff console: address management (docs/ipam.md) — the pools with their free and used counts, a
pool's used addresses and free ranges, a new pool, and a connection's addresses page (its service
model, IPv4 address, MAC and IPv6 prefix) with "assign from a pool" and "take the prefix back".
Writes go through network.ipam and usecases.subscription_address_assign; router changes through the
outbox."""

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from customers.selectors import subscription_get_for_staff
from ispbill.core.forms import add_service_errors
from network import ipam, ipam_selectors
from usecases.subscription_address_assign import subscription_address_assign, subscription_prefix_release
from web.surfaces import staff_permission_required

from .address_forms import AddressAssignForm, AddressPoolForm


@vary_on_headers("HX-Request")
@staff_permission_required("network.view_addresspool")
def address_pool_list(request):
    usages = ipam_selectors.pool_usages(user=request.user)
    template = "network/address_pool_list.html"
    return render(request, f"{template}#address-pool-list" if request.htmx else template, {"usages": usages})


@require_http_methods(["GET", "POST"])
@staff_permission_required("network.view_addresspool", "network.add_addresspool")
def address_pool_create(request):
    form = AddressPoolForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                pool = ipam.address_pool_create(
                    actor=request.user, name=data["name"], router=data["router"], network=data["network"], kind=data["kind"],
                    assign_length=data["assign_length"], note=data["note"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Pool %(name)s added.") % {"name": pool.name})
                return redirect("staff:address-pool-detail", pk=pool.pk)
        status = 400
    return render(request, "network/address_pool_form.html", {"form": form}, status=status)


def _pool_for(request, pk: int):
    try:
        return ipam_selectors.pool_get_for_user(user=request.user, pk=pk)
    except ObjectDoesNotExist:
        raise Http404


@staff_permission_required("network.view_addresspool")
def address_pool_detail(request, pk: int):
    pool = _pool_for(request, pk)
    free, more = ipam_selectors.pool_free_ranges(pool)
    used = ipam_selectors.pool_used(pool)
    size = ipam_selectors.pool_size(pool)
    context = {"pool": pool, "used": used, "free_ranges": free, "more_free": more, "size": size, "free_count": max(size - len(used), 0)}
    return render(request, "network/address_pool_detail.html", context)


def _addresses_context(request, subscription, form=None) -> dict:
    held = ipam_selectors.subscription_addresses(subscription)
    may_assign = request.user.has_perms(["network.manage_addresses", "customers.change_subscription"]) and subscription.status != "cancelled"
    return {
        "subscription": subscription, "customer": subscription.customer, "held": held,
        "prefix": next((row for row in held if row.family == 6), None),
        "may_assign": may_assign,
        "form": form or (AddressAssignForm(user=request.user, subscription=subscription) if may_assign else None),
    }


@staff_permission_required("customers.view_subscription", "network.view_addresspool")
def subscription_addresses(request, pk: int):
    subscription = subscription_get_for_staff(user=request.user, pk=pk)
    return render(request, "network/subscription_addresses.html", _addresses_context(request, subscription))


@require_POST
@staff_permission_required("customers.view_subscription", "customers.change_subscription", "network.view_addresspool",
                           "network.manage_addresses")
def subscription_address_assign_view(request, pk: int):
    subscription = subscription_get_for_staff(user=request.user, pk=pk)
    form = AddressAssignForm(request.POST, user=request.user, subscription=subscription)
    if form.is_valid():
        try:
            subscription = subscription_address_assign(
                actor=request.user, subscription=subscription, pool=form.cleaned_data["pool"], address=form.cleaned_data["address"] or None,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Address assigned; the router is updated through its outbox."))
            return redirect(reverse("staff:subscription-addresses", args=[subscription.pk]))
    return render(request, "network/subscription_addresses.html", _addresses_context(request, subscription, form), status=400)


@require_POST
@staff_permission_required("customers.view_subscription", "customers.change_subscription", "network.view_addresspool",
                           "network.manage_addresses")
def subscription_prefix_release_view(request, pk: int):
    subscription = subscription_get_for_staff(user=request.user, pk=pk)
    subscription_prefix_release(actor=request.user, subscription=subscription)
    messages.success(request, _("IPv6 prefix taken back."))
    return redirect(reverse("staff:subscription-addresses", args=[subscription.pk]))


urlpatterns = [
    path("network/address-pools/", address_pool_list, name="address-pool-list"),
    path("network/address-pools/new/", address_pool_create, name="address-pool-create"),
    path("network/address-pools/<int:pk>/", address_pool_detail, name="address-pool-detail"),
    path("subscriptions/<int:pk>/addresses/", subscription_addresses, name="subscription-addresses"),
    path("subscriptions/<int:pk>/addresses/assign/", subscription_address_assign_view, name="subscription-address-assign"),
    path("subscriptions/<int:pk>/addresses/release-prefix/", subscription_prefix_release_view, name="subscription-prefix-release"),
]
