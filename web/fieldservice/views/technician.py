"""The technician app (/technician/): an installable PWA. Pages are server-rendered and cached by the
service worker; every action goes through the operation endpoint by its client UUID, so the phone can
queue actions offline and replay them; photos upload separately, keyed the same way."""

import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from contracts.onsite import visit_steps as contract_visit_steps
from fibre import selectors as fibre_selectors
from fieldservice import selectors, services, sync
from fieldservice.models import WorkOrder
from usecases import technician_sync
from web.surfaces import public

MAX_OPS_PER_REQUEST = 100
# Bump when the app shell's files change: the service worker then replaces its cache.
SHELL_VERSION = "fs-8"  # fs-8: technician.js checks an installation's Rx against the profile's range offline


def shell_assets() -> list[str]:
    return [
        static("vendor/pico/pico-2.1.1.min.css"),
        static("css/app.css"),
        static("css/technician.css"),
        static("js/app.js"),
        static("js/technician.js"),
        static("vendor/idb-keyval/idb-keyval-6.3.0.umd.js"),
        static("vendor/signature_pad/signature_pad-5.1.4.umd.min.js"),
        static("fieldservice/icon-192.png"),
        static("fieldservice/icon-512.png"),
    ]


def home(request):
    agenda = selectors.technician_agenda(technician=request.user)
    return render(request, "fieldservice/technician_home.html", {**agenda, "day": timezone.localdate()})


def fibre_visit_signal(order) -> dict | None:
    if order.subscription_id is None:
        return None
    onu = fibre_selectors.onus_for_customer(order.customer)
    onu = next((o for o in onu if o.subscription_id == order.subscription_id), None)
    rules = services.completion_rules(order)
    if onu is None and not rules.get("rx_range"):
        return None
    started = order.arrived_at or order.created_at
    return {"onu": onu, "before": fibre_selectors.signal_at(subscription_id=order.subscription_id, at=started) if onu else None,
            "now": onu.rx_dbm if onu else None, "range": rules.get("rx_range")}


def order_detail(request, pk: int):
    order = selectors.workorder_get_for_technician(technician=request.user, pk=pk)
    return render(request, "fieldservice/technician_order.html", {
        "order": order,
        "checklist": list(order.checklist.all()),
        "photos": list(order.photos.all()),
        "events": list(order.events.select_related("actor").order_by("-at", "-id")[:20]),
        "needs_signature": order.kind in WorkOrder.SIGNED_KINDS,
        # The rules the phone checks before it lets the technician complete offline (the server's own).
        "completion_rules": services.completion_rules(order),
        "serial_recorded": order.equipment_movements.exists(),
        # The ONU's Rx from its OLT when the visit started and now, with the range that lets an
        # installation complete (docs/fibre.md).
        "fibre_signal": fibre_visit_signal(order),
        "photo_max_bytes": settings.FIELDSERVICE_PHOTO_MAX_BYTES,
        # Steps other apps add to the visit (contracts: the customer signs the contract on this phone).
        "visit_steps": contract_visit_steps(technician=request.user, subscription=order.subscription, visit_id=order.pk, visit_kind=order.kind)
        if order.is_open else [],
    })


def order_ticket(request, pk: int):
    """The support ticket the visit was planned from, read-only: what the customer reported and the
    thread so far (internal notes marked), so the technician knows the fault before knocking."""
    order = selectors.workorder_get_for_technician(technician=request.user, pk=pk)  # another's order: 404
    ticket = selectors.workorder_ticket_for_technician(order=order)
    return render(request, "fieldservice/technician_ticket.html", {
        "order": order, "ticket": ticket, "thread": list(ticket.comments.select_related("author").order_by("created_at", "id")),
    })


@public
@require_GET
def manifest(request):
    data = {
        "name": "ispbill — " + _("Technician"),
        "short_name": _("Technician"),
        "start_url": reverse("technician:home"),
        "scope": reverse("technician:home"),
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0172ad",
        "icons": [
            {"src": static("fieldservice/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("fieldservice/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any maskable"},
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@public
@require_GET
@never_cache
def service_worker(request):
    """Served from /technician/sw.js so its scope is the whole app."""
    body = render(request, "fieldservice/sw.js", {
        "version": SHELL_VERSION, "assets": json.dumps(shell_assets()), "home": reverse("technician:home"),
        "offline_prefixes": json.dumps([reverse("technician:home")]),
    }).content
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = reverse("technician:home")
    return response


def _json_body(request) -> dict:
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise ValidationError(_("The request is not valid JSON.")) from None
    return data if isinstance(data, dict) else {}


@require_POST
def operations(request):
    """Apply a batch of queued operations; each answers {uuid, ok, code, error, status}, the same on a replay."""
    try:
        ops = _json_body(request).get("ops")
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    if not isinstance(ops, list) or not ops or len(ops) > MAX_OPS_PER_REQUEST:
        return JsonResponse({"error": _("Send between 1 and %(max)d operations.") % {"max": MAX_OPS_PER_REQUEST}}, status=400)
    results = []
    # The batch in as few transactions as it allows: each operation is a savepoint of its group (a
    # refused one rolls back alone), and a group ends before each completion, so that a check-in's
    # router change (queued for after its commit) is on its way before the completion checks it.
    group = []
    for op in ops:
        if isinstance(op, dict) and op.get("kind") == "complete" and group:
            _apply_group(request, group, results)
            group = []
        group.append(op)
    if group:
        _apply_group(request, group, results)
    return JsonResponse({"results": results})


def _apply_group(request, ops, results) -> None:
    valid = [op for op in ops if isinstance(op, dict)]
    with transaction.atomic():
        answers = iter(technician_sync.operations_apply(technician=request.user, ops=[
            (op.get("uuid", ""), str(op.get("kind", "")), op.get("order"), op.get("payload"), op.get("at")) for op in valid
        ]))
    for op in ops:
        if not isinstance(op, dict):
            results.append({"uuid": "", "ok": False, "code": "invalid", "error": _("Not an operation.")})
            continue
        answer = next(answers)
        op_uuid = str(op.get("uuid", ""))[:64]
        if isinstance(answer, ValidationError):
            results.append({"uuid": op_uuid, "ok": False, "code": getattr(answer, "code", None) or "invalid", "error": " ".join(answer.messages)})
        else:
            results.append({"uuid": op_uuid, **answer.result})


def _epoch_ms(value: str | None):
    """A form field's epoch milliseconds as a number (an ISO time stays text); sync.client_time reads either."""
    value = (value or "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 14 else value


@require_POST
def photo_upload(request):
    order = selectors.workorder_get_for_technician(technician=request.user, pk=request.POST.get("order", ""))
    upload = request.FILES.get("photo")
    if upload is None:
        return JsonResponse({"ok": False, "error": _("Choose a photo.")}, status=400)
    try:
        photo, created = services.workorder_add_photo(
            actor=request.user, order=order, client_uuid=request.POST.get("uuid", ""), upload=upload,
            caption=request.POST.get("caption", ""),
            at=sync.done_at(client_at=sync.client_time(_epoch_ms(request.POST.get("at"))), received_at=timezone.now(), order=order),
        )
    except ValidationError as error:
        status = 413 if getattr(error, "code", None) == "too_large" else 400
        return JsonResponse({"ok": False, "error": " ".join(error.messages)}, status=status)
    return JsonResponse({"ok": True, "id": photo.pk, "created": created}, status=201 if created else 200)


urlpatterns = [
    path("", home, name="home"),
    path("orders/<int:pk>/", order_detail, name="order-detail"),
    path("orders/<int:pk>/ticket/", order_ticket, name="order-ticket"),
    path("manifest.webmanifest", manifest, name="manifest"),
    path("sw.js", service_worker, name="service-worker"),
    path("api/ops/", operations, name="operations"),
    path("api/photos/", photo_upload, name="photo-upload"),
]
