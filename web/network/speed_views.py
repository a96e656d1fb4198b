"""Staff: the BDIX and cache destination lists (network/speeds.py) and the speed windows' edges as
each router took them (network/speed_boundary.py)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ispbill.core.forms import add_service_errors
from network import selectors, services
from network.models import SpeedDestination
from web.surfaces import staff_permission_required

from .forms import SpeedDestinationForm


@staff_permission_required("network.view_speeddestination")
@require_http_methods(["GET", "POST"])
def speed_destinations(request):
    form = SpeedDestinationForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("network.add_speeddestination"):
            raise PermissionDenied
        if form.is_valid():
            try:
                created = services.speed_destinations_add(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("%(n)s prefix(es) added; every router gets the list shortly.") % {"n": len(created)})
                return redirect("staff:speed-destinations")
    status = 400 if request.method == "POST" else 200
    lists = selectors.speed_destinations_by_kind()
    return render(request, "network/speed_destinations.html", {
        "form": form, "runs": selectors.speed_runs_recent(), "rate": settings.SPEED_CHANGES_PER_ROUTER_PER_SECOND,
        "lists": [(kind, label, lists[kind]) for kind, label in SpeedDestination.Kind.choices],
    }, status=status)


@staff_permission_required("network.delete_speeddestination")
@require_POST
def speed_destination_remove(request, pk: int):
    destination = get_object_or_404(SpeedDestination, pk=pk)
    services.speed_destination_remove(actor=request.user, destination=destination)
    messages.success(request, _("%(prefix)s removed from the list.") % {"prefix": destination.prefix})
    return redirect("staff:speed-destinations")


urlpatterns = [
    path("network/speed-classes/", speed_destinations, name="speed-destinations"),
    path("network/speed-classes/<int:pk>/remove/", speed_destination_remove, name="speed-destination-remove"),
]
