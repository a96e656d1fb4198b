"""Staff console: OLTs, PON ports, ONUs and their signal, unmatched and moved ONUs, Settings → Fibre.
Nothing here speaks SNMP except "Test connection" (read only, the adapter's timeouts)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from customers.models import Subscription
from fibre import selectors, services
from fibre.models import FibreSettings, Onu
from fibre.poll import olt_check_health
from fibre.profiles import profiles
from fibre.thresholds import thresholds_for
from ispbill.core.forms import add_service_errors
from web.surfaces import staff_permission_required

from .forms import FibreSettingsForm, MatchForm, OltForm, PortAreaForm, ThresholdForm

OLT_FIELDS = ("name", "branch", "site", "address", "host", "snmp_port", "profile", "snmp_version", "community", "v3_user",
              "v3_auth_protocol", "v3_auth_key", "v3_priv_protocol", "v3_priv_key", "timeout_seconds", "retries", "is_active")


def _region(request) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


@vary_on_headers("HX-Request")
@staff_permission_required("fibre.view_olt")
def olt_list(request):
    context = {"olts": selectors.olt_list(user=request.user), "dark": selectors.dark_ports(user=request.user),
               "incidents": selectors.open_incidents(user=request.user)[:50]}
    template = "fibre/olt_list.html"
    return render(request, f"{template}#olt-list" if _region(request) else template, context)


@require_http_methods(["GET", "POST"])
@staff_permission_required("fibre.view_olt", "fibre.add_olt")
def olt_create(request):
    form = OltForm(request.POST or None, initial={"snmp_port": 161, "timeout_seconds": 2, "retries": 2, "is_active": True})
    if request.method == "POST" and form.is_valid():
        try:
            olt = services.olt_create(actor=request.user, **{name: form.cleaned_data[name] for name in OLT_FIELDS})
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("OLT %(name)s added; it is polled every five minutes.") % {"name": olt.name})
            return redirect("staff:olt-detail", olt.pk)
    return render(request, "fibre/olt_form.html", {"form": form, "olt": None}, status=400 if form.is_bound else 200)


@require_http_methods(["GET", "POST"])
@staff_permission_required("fibre.view_olt", "fibre.change_olt")
def olt_edit(request, pk: int):
    olt = selectors.olt_get_for_staff(user=request.user, pk=pk)
    initial = {name: getattr(olt, name) for name in OLT_FIELDS if name not in services.SECRETS}
    form = OltForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.olt_update(actor=request.user, olt=olt, **{name: form.cleaned_data[name] for name in OLT_FIELDS})
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("OLT saved."))
            return redirect("staff:olt-detail", olt.pk)
    return render(request, "fibre/olt_form.html", {"form": form, "olt": olt}, status=400 if form.is_bound else 200)


@vary_on_headers("HX-Request")
@staff_permission_required("fibre.view_olt")
def olt_detail(request, pk: int):
    olt = selectors.olt_get_for_staff(user=request.user, pk=pk)
    ports = list(selectors.olt_ports(olt))
    chosen = request.GET.get("port", "")
    port = next((p for p in ports if str(p.pk) == chosen), ports[0] if ports else None)
    context = {"olt": olt, "ports": ports, "port": port, "onus": selectors.port_onus(port) if port else [],
               "thresholds": thresholds_for(olt.profile), "profile": profiles().get(olt.profile), "area_form": PortAreaForm(
                   initial={"area": port.area_id} if port else None)}
    template = "fibre/olt_detail.html"
    return render(request, f"{template}#port-onus" if _region(request) else template, context)


@require_POST
@staff_permission_required("fibre.view_olt", "fibre.change_olt")
def olt_test(request, pk: int):
    olt = selectors.olt_get_for_staff(user=request.user, pk=pk)
    if olt_check_health(olt_id=olt.pk):
        messages.success(request, _("The OLT answered."))
    else:
        olt.refresh_from_db()
        messages.error(request, _("The OLT did not answer: %(error)s") % {"error": olt.last_error})
    return redirect("staff:olt-detail", olt.pk)


@require_POST
@staff_permission_required("fibre.view_olt", "fibre.change_olt")
def port_area(request, pk: int, port_pk: int):
    olt = selectors.olt_get_for_staff(user=request.user, pk=pk)
    port = olt.pon_ports.filter(pk=port_pk).first()
    if port is None:
        raise Http404
    form = PortAreaForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an area from the list."))
        return redirect(f"{reverse('staff:olt-detail', args=[olt.pk])}?port={port.pk}", status=303)
    services.pon_port_set_area(actor=request.user, port=port, area=form.cleaned_data["area"])
    messages.success(request, _("Saved."))
    return redirect(f"{reverse('staff:olt-detail', args=[olt.pk])}?port={port.pk}")


@require_http_methods(["GET", "POST"])
@staff_permission_required("fibre.view_olt")
def onu_detail(request, pk: int):
    onu = selectors.onu_get_for_staff(user=request.user, pk=pk)
    form = MatchForm(request.POST or None, initial={"subscription": onu.subscription_id})
    if request.method == "POST":
        if not request.user.has_perm("fibre.change_onu"):
            raise Http404
        if form.is_valid():
            wanted = form.cleaned_data["subscription"]
            subscription = Subscription.objects.filter(pk=wanted).first() if wanted else None
            if wanted and subscription is None:
                form.add_error("subscription", _("There is no subscription %(id)s.") % {"id": wanted})
            else:
                services.onu_match_by_hand(actor=request.user, onu=onu, subscription=subscription)
                messages.success(request, _("Match saved."))
                return redirect("staff:onu-detail", onu.pk)
        return render(request, "fibre/onu_detail.html", _onu_context(onu, form), status=400)
    return render(request, "fibre/onu_detail.html", _onu_context(onu, form))


def _onu_context(onu: Onu, form) -> dict:
    return {"onu": onu, "form": form, "thresholds": thresholds_for(onu.olt.profile), "chart": selectors.onu_chart(onu_id=onu.pk),
            "chart_id": f"onu-chart-{onu.pk}", "events": onu.events.all()[:20]}


@staff_permission_required("fibre.view_olt")
def onu_chart(request, pk: int):
    onu = selectors.onu_get_for_staff(user=request.user, pk=pk)
    try:
        days = min(max(int(request.GET.get("days", 90)), 1), 3650)
    except ValueError:
        return JsonResponse({"error": _("days is a number")}, status=400)
    return JsonResponse(selectors.onu_chart(onu_id=onu.pk, days=days))


@staff_permission_required("fibre.view_olt")
def onu_unmatched(request):
    return render(request, "fibre/onu_unmatched.html", {"unmatched": selectors.onus_unmatched(user=request.user)[:500],
                                                        "moved": selectors.onus_moved(user=request.user)[:200]})


@require_POST
@staff_permission_required("fibre.view_olt", "fibre.change_onu")
def onu_move_seen(request, pk: int):
    onu = selectors.onu_get_for_staff(user=request.user, pk=pk)
    services.onu_move_acknowledge(actor=request.user, onu=onu)
    messages.success(request, _("ONU %(onu)s is off the moved list.") % {"onu": onu})
    return redirect("staff:onu-unmatched")


@require_http_methods(["GET", "POST"])
@staff_permission_required("fibre.view_signalthreshold")
def fibre_settings(request):
    settings_row = FibreSettings.current()
    rows = []
    bound_profile = request.POST.get("profile") if request.method == "POST" else None
    status = 200
    if request.method == "POST" and not request.user.has_perm("fibre.change_signalthreshold"):
        raise Http404
    if request.method == "POST" and bound_profile == "__settings__":
        form = FibreSettingsForm(request.POST)
        if form.is_valid():
            services.fibre_settings_save(actor=request.user, declare_outages=form.cleaned_data["declare_outages"])
            messages.success(request, _("Saved."))
            return redirect("staff:fibre-settings")
    settings_form = FibreSettingsForm(initial={"declare_outages": settings_row.declare_outages})
    for name, profile in profiles().items():
        current = thresholds_for(name)
        if bound_profile == name:
            form = ThresholdForm(request.POST)
            if form.is_valid():
                try:
                    services.threshold_save(actor=request.user, profile=name, **form.cleaned_data)
                except ValidationError as error:
                    add_service_errors(form, error)
                else:
                    messages.success(request, _("Thresholds of %(profile)s saved.") % {"profile": profile.label})
                    return redirect("staff:fibre-settings")
            status = 400
        else:
            form = ThresholdForm(initial=current.__dict__, prefix=None)
        rows.append({"profile": profile, "form": form})
    if request.method == "POST" and bound_profile not in profiles() and bound_profile != "__settings__":
        status = 400
        messages.error(request, _("There is no such vendor profile."))
    return render(request, "fibre/settings.html", {"rows": rows, "settings_form": settings_form}, status=status)


def fibre_tab_context(request, customer) -> dict:
    """The customer page's Fibre tab: each ONU matched to one of the customer's subscriptions."""
    panels = []
    for onu in selectors.onus_for_customer(customer):
        panels.append({"onu": onu, "thresholds": thresholds_for(onu.olt.profile), "chart": selectors.onu_chart(onu_id=onu.pk),
                       "chart_id": f"onu-chart-{onu.pk}"})
    return {"fibre_panels": panels}


urlpatterns = [
    path("fibre/olts/", olt_list, name="olt-list"),
    path("fibre/olts/new/", olt_create, name="olt-create"),
    path("fibre/olts/<int:pk>/", olt_detail, name="olt-detail"),
    path("fibre/olts/<int:pk>/edit/", olt_edit, name="olt-edit"),
    path("fibre/olts/<int:pk>/test/", olt_test, name="olt-test"),
    path("fibre/olts/<int:pk>/ports/<int:port_pk>/area/", port_area, name="olt-port-area"),
    path("fibre/onus/<int:pk>/", onu_detail, name="onu-detail"),
    path("fibre/onus/<int:pk>/chart/", onu_chart, name="onu-chart"),
    path("fibre/onus/unmatched/", onu_unmatched, name="onu-unmatched"),
    path("fibre/onus/<int:pk>/move-seen/", onu_move_seen, name="onu-move-seen"),
    path("fibre/settings/", fibre_settings, name="fibre-settings"),
]
