"""Contract screens: staff console (list, detail with send / resend / void / waive / stop renewal,
new contract for a customer, templates), the customer page's Contracts tab, the portal's
"My contracts" with signing, and the public verification page."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _t
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from contracts import selectors, services, signing
from contracts.chain import evidence_verify
from contracts.models import Contract, ContractRule, Signature, SigningChannel
from contracts.onsite import onsite_contract
from contracts.templating import VARIABLES
from customers.selectors import customer_get_for_staff
from fieldservice.selectors import workorder_open_for_technician
from ispbill.accounts.customer_security import RateLimited
from ispbill.core.forms import add_service_errors
from web.surfaces import staff_permission_required

from .forms import ContractCreateForm, ContractRuleForm, ContractTemplateForm, ReasonForm, SignForm, VerifyForm

VERIFY_MAX_BYTES = 20 * 1024 * 1024


def _file(field, filename: str, *, inline: bool = True):
    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, content_type="application/pdf", as_attachment=not inline, filename=filename)
    response["Cache-Control"] = "private, no-store"
    return response


def _client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


# A signing session's key lives only in the browser session that asked for its code.
SIGNING_SESSIONS = "contract_signing_sessions"


def _remember_signing(request, contract, session) -> None:
    keys = dict(request.session.get(SIGNING_SESSIONS, {}))
    keys[str(contract.pk)] = session.key
    request.session[SIGNING_SESSIONS] = keys


def _signing_key(request, contract) -> str:
    return request.session.get(SIGNING_SESSIONS, {}).get(str(contract.pk), "")


def _forget_signing(request, contract) -> None:
    keys = dict(request.session.get(SIGNING_SESSIONS, {}))
    if keys.pop(str(contract.pk), None) is not None:
        request.session[SIGNING_SESSIONS] = keys


def _signed(request, contract, form) -> bool:
    """Sign with the form's data in this browser's signing session; errors go onto the form."""
    if not form.is_valid():
        return False
    data = form.cleaned_data
    try:
        signing.contract_sign(
            contract=contract, session_key=_signing_key(request, contract), code=data["code"],
            signer_name=data["signer_name"], signature_data_url=data["signature"], consent=data["consent"],
            consent_text=data["consent_text"], ip=_client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", ""),
            latitude=data["latitude"], longitude=data["longitude"], device_time=data["device_time"],
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    _forget_signing(request, contract)
    return True


def _code_asked(request, contract, **session) -> bool:
    """Start a signing session and send its code; a refusal becomes a message."""
    try:
        session_row = signing.contract_signing_start(contract=contract, ip=_client_ip(request), **session)
    except RateLimited:
        messages.error(request, _t("Too many codes asked for. Wait a while and try again."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        _remember_signing(request, contract, session_row)
        return True
    return False


# Staff: list and detail ------------------------------------------------------------------------------


@staff_permission_required("contracts.view_contract")
@require_GET
def contract_list(request):
    show = request.GET.get("show", "all")
    show = show if show in selectors.FILTERS else "all"
    status = request.GET.get("status", "")
    contracts = selectors.contracts_for_staff(user=request.user, show=show, status=status)
    page = Paginator(contracts, settings.STAFF_LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page, "show": show, "status": status, "statuses": Contract.Status.choices,
        "counts": selectors.contract_counts(user=request.user), "filters": [
            ("all", _t("All")), ("unsigned", _t("Unsigned")), ("expiring", _t("Expiring in 30 days")),
            ("active", _t("In force")), ("ended", _t("Ended")),
        ],
    }
    return render(request, "contracts/contract_list.html", context)


@staff_permission_required("contracts.view_contract")
@require_GET
def contract_detail(request, pk: int):
    contract = selectors.contract_get_for_staff(user=request.user, pk=pk)
    chain_ok, chain_problem = evidence_verify(contract)
    context = {
        "contract": contract, "events": contract.events.select_related("actor").order_by("seq"),
        "chain_ok": chain_ok, "chain_problem": chain_problem,
        "signature": Signature.objects.select_related("witness").filter(contract=contract).first() if contract.signed_at else None,
        "fee_today": services.fee_quote(contract), "reason_form": ReasonForm(),
        "replaced_by": contract.replaced_by.order_by("id"),
        "verify_url": reverse("contract-verify", args=[contract.verify_code]),
    }
    return render(request, "contracts/contract_detail.html", context)


@staff_permission_required("contracts.view_contract")
@require_GET
def contract_document(request, pk: int):
    contract = selectors.contract_get_for_staff(user=request.user, pk=pk)
    return _file(contract.document, f"{contract.number}.pdf")


@staff_permission_required("contracts.view_contract")
@require_GET
def contract_signed_document(request, pk: int):
    contract = selectors.contract_get_for_staff(user=request.user, pk=pk)
    signature = getattr(contract, "signature", None) if contract.signed_at else None
    if signature is None:
        raise Http404
    return _file(signature.signed_pdf, f"{contract.number}-signed.pdf", inline=False)


@staff_permission_required("customers.view_customer", "contracts.add_contract")
@require_http_methods(["GET", "POST"])
def contract_create(request, customer_pk: int):
    customer = customer_get_for_staff(user=request.user, pk=customer_pk)
    templates = selectors.templates_current()
    form = ContractCreateForm(request.POST or None, customer=customer, templates=templates)
    if request.method == "POST" and form.is_valid():
        try:
            contract = services.contract_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _t("Contract %(number)s drafted.") % {"number": contract.number})
            return redirect("staff:contract-detail", pk=contract.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "contracts/contract_form.html", {"form": form, "customer": customer, "no_templates": not templates}, status=status)


def _action(request, pk: int, run, done: str):
    contract = selectors.contract_get_for_staff(user=request.user, pk=pk)
    try:
        run(contract)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("staff:contract-detail", pk=contract.pk)


def _reason(request) -> str:
    form = ReasonForm(request.POST)
    return form.cleaned_data["reason"] if form.is_valid() else ""


@staff_permission_required("contracts.view_contract", "contracts.send_contract")
@require_POST
def contract_send(request, pk: int):
    return _action(request, pk, lambda c: services.contract_send(actor=request.user, contract=c), _t("Sent to the customer for signature."))


@staff_permission_required("contracts.view_contract", "contracts.send_contract")
@require_POST
def contract_void(request, pk: int):
    reason = _reason(request)
    return _action(request, pk, lambda c: services.contract_void(actor=request.user, contract=c, reason=reason), _t("Contract voided."))


# Waiving a fee is a billing decision, as in the cancel dialog (docs/billing.md): the contract's waive
# permission and billing's to charge customers.
@staff_permission_required("contracts.view_contract", "contracts.waive_fee_contract", "billing.add_onetimecharge")
@require_POST
def contract_fee_waive(request, pk: int):
    reason = _reason(request)
    return _action(request, pk, lambda c: services.contract_fee_waive(actor=request.user, contract=c, reason=reason),
                   _t("Early-termination fee waived."))


@staff_permission_required("contracts.view_contract", "contracts.change_contract")
@require_POST
def contract_renewal_stop(request, pk: int):
    reason = _reason(request)
    return _action(request, pk, lambda c: services.contract_auto_renew_stop(actor=request.user, contract=c, reason=reason),
                   _t("Auto-renewal stopped."))


# Staff: templates ----------------------------------------------------------------------------------


@staff_permission_required("contracts.view_contracttemplate")
@require_GET
def template_list(request):
    return render(request, "contracts/template_list.html", {"templates": selectors.templates_current()})


@staff_permission_required("contracts.view_contracttemplate", "contracts.add_contracttemplate")
@require_http_methods(["GET", "POST"])
def template_edit(request):
    key, language = request.GET.get("key", ""), request.GET.get("language", "en")
    current = services.template_current(key=key, language=language) if key else None
    initial = {"key": key, "language": language, "title": current.title, "body": current.body} if current else {"language": language}
    form = ContractTemplateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            template = services.contract_template_save(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _t("Saved as version %(version)s.") % {"version": template.version})
            return redirect("staff:contracttemplate-list")
    status = 400 if request.method == "POST" else 200
    versions = selectors.template_versions(key=key) if key else []
    return render(request, "contracts/template_form.html", {
        "form": form, "current": current, "variables": VARIABLES.items(), "versions": versions,
    }, status=status)


@staff_permission_required("contracts.view_contractrule")
@require_http_methods(["GET", "POST"])
def rule_list(request):
    """Which template a new subscription or a package change gets its contract from (and on what terms)."""
    keys = sorted({template.key for template in selectors.templates_current()})
    form = ContractRuleForm(request.POST or None, keys=keys)
    if request.method == "POST":
        if not request.user.has_perm("contracts.add_contractrule"):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.contract_rule_save(actor=request.user, rule=form.save(commit=False))
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _t("Rule added."))
                return redirect("staff:contracttemplate-rules")
    status = 400 if request.method == "POST" else 200
    return render(request, "contracts/rule_list.html", {"rules": selectors.rules(), "form": form, "no_templates": not keys}, status=status)


@staff_permission_required("contracts.view_contractrule", "contracts.delete_contractrule")
@require_POST
def rule_delete(request, pk: int):
    rule = ContractRule.objects.filter(pk=pk).first()
    if rule is None:
        raise Http404
    services.contract_rule_delete(actor=request.user, rule=rule)
    messages.success(request, _t("Rule removed."))
    return redirect("staff:contracttemplate-rules")


# The customer page's tab ------------------------------------------------------------------------------


def contracts_tab_context(request, customer) -> dict:
    return {"contracts": selectors.contracts_for_customer(customer_id=customer.pk)[:50]}


# Portal ----------------------------------------------------------------------------------------------


@require_GET
def portal_contract_list(request):
    return render(request, "contracts/portal/contract_list.html", {"contracts": selectors.contracts_for_portal(customer=request.customer)})


def _portal_detail(request, contract, form, *, status=200, code_sent=False):
    return render(request, "contracts/portal/contract_detail.html", {
        "contract": contract, "form": form, "code_sent": code_sent,
        "consent_text": services.consent_text_for(contract) if contract.status == Contract.Status.SENT else "",
        "signature": getattr(contract, "signature", None) if contract.signed_at else None,
    }, status=status)


def _sign_form(contract, data=None):
    return SignForm(data, initial={"consent_text": services.consent_text_for(contract), "signer_name": contract.customer.name})


@require_GET
def portal_contract_detail(request, pk: int):
    contract = selectors.contract_get_for_customer(customer=request.customer, pk=pk)
    return _portal_detail(request, contract, _sign_form(contract), code_sent=request.GET.get("code") == "sent" or bool(_signing_key(request, contract)))


@require_GET
def portal_contract_document(request, pk: int):
    contract = selectors.contract_get_for_customer(customer=request.customer, pk=pk)
    return _file(contract.document, f"{contract.number}.pdf")


@require_GET
def portal_contract_signed_document(request, pk: int):
    contract = selectors.contract_get_for_customer(customer=request.customer, pk=pk)
    signature = getattr(contract, "signature", None) if contract.signed_at else None
    if signature is None:
        raise Http404
    return _file(signature.signed_pdf, f"{contract.number}-signed.pdf", inline=False)


def portal_contract_code(request, pk: int):
    contract = selectors.contract_get_for_customer(customer=request.customer, pk=pk)  # 404 before 405: owner first
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if _code_asked(request, contract, channel=SigningChannel.PORTAL):
        messages.success(request, _t("We sent a code to your registered phone."))
        return redirect(f"{reverse('portal:contract-detail', args=[contract.pk])}?code=sent#sign")
    return redirect("portal:contract-detail", pk=contract.pk)


def portal_contract_sign(request, pk: int):
    contract = selectors.contract_get_for_customer(customer=request.customer, pk=pk)  # 404 before 405: owner first
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = _sign_form(contract, request.POST)
    if _signed(request, contract, form):
        messages.success(request, _t("Thank you: the contract is signed. Download your signed copy below."))
        return redirect("portal:contract-detail", pk=contract.pk)
    contract.refresh_from_db()
    return _portal_detail(request, contract, form, status=400, code_sent=True)


# Technician's phone, on site (the link comes from the visit page: contracts/onsite.py) ---------------


def _onsite_page(request, token, contract, visit_id, form, *, status=200):
    waiting = contract.status == Contract.Status.SENT
    return render(request, "contracts/technician/contract_sign.html", {
        "contract": contract, "token": token, "visit_id": visit_id, "form": form,
        "code_sent": waiting and bool(_signing_key(request, contract)),
        "consent_text": services.consent_text_for(contract) if waiting else "",
        "signature": getattr(contract, "signature", None) if contract.signed_at else None,
        "phone_end": (contract.customer.phone or "")[-4:],
    }, status=status)


def _customer_language(view):
    """The on-site pages are read by the customer: in the customer's language when they have one.

    The signed link names the contract, the technician and the visit; it works only while that visit
    is open, still assigned to the signed-in technician and for the contract's connection (a reassigned,
    cancelled, failed or completed visit ends it, whatever its 12 hours say). A post runs with the visit
    locked, so a reassignment or a cancellation waits for the signature or the signature for it."""
    @wraps(view)
    def wrapper(request, token: str):
        contract, visit_id = onsite_contract(token=token, technician=request.user)
        with transaction.atomic():
            visit = workorder_open_for_technician(technician=request.user, pk=visit_id, lock=request.method == "POST")
            if visit is None or visit.subscription_id != contract.subscription_id:
                raise Http404
            with translation.override(contract.customer.language or translation.get_language()):
                return view(request, token, contract, visit_id)
    return wrapper


def _waiting_or_404(contract) -> None:
    """The link takes one signature: once the contract is signed (or no longer waiting), its code and
    signing posts are gone; the page only shows what was signed."""
    if contract.status != Contract.Status.SENT:
        raise Http404


@require_GET
@_customer_language
def onsite_contract_page(request, token: str, contract, visit_id):
    return _onsite_page(request, token, contract, visit_id, _sign_form(contract))


@require_GET
@_customer_language
def onsite_contract_document(request, token: str, contract, visit_id):
    return _file(contract.document, f"{contract.number}.pdf")


@_customer_language  # 404 before 405: the link is checked first
def onsite_contract_code(request, token: str, contract, visit_id):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    _waiting_or_404(contract)
    if _code_asked(request, contract, channel=SigningChannel.ON_SITE, witness=request.user, visit_ref=str(visit_id)):
        messages.success(request, _t("We sent a code to the customer's registered phone."))
    return redirect(f"{reverse('technician:contract-onsite', args=[token])}#sign")


@_customer_language  # 404 before 405: the link is checked first
def onsite_contract_sign(request, token: str, contract, visit_id):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    _waiting_or_404(contract)
    form = _sign_form(contract, request.POST)
    if _signed(request, contract, form):
        messages.success(request, _t("The contract is signed. Hand the phone back to the technician."))
        return redirect("technician:contract-onsite", token=token)
    contract.refresh_from_db()
    return _onsite_page(request, token, contract, visit_id, form, status=400)


# Public verification -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def verify(request, code: str):
    form = VerifyForm(request.POST, request.FILES) if request.method == "POST" else VerifyForm()
    result = None
    contract = Contract.objects.filter(verify_code=code).select_related("customer").first()
    if contract is None:
        raise Http404
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["document"]
        if upload.size > VERIFY_MAX_BYTES:
            form.add_error("document", _t("The file is too large."))
        else:
            _contract, matches = signing.verify_pdf(code=code, content=upload.read())
            result = "match" if matches else "mismatch"
    signature = getattr(contract, "signature", None) if contract.signed_at else None
    intact = evidence_verify(contract)[0] if signature else True
    return render(request, "contracts/verify.html", {
        "form": form, "contract": contract, "signature": signature, "result": result, "checked_at": timezone.now(),
        "intact": intact,
    }, status=400 if form.errors else 200)


staff_urlpatterns = [
    path("contracts/", contract_list, name="contract-list"),
    path("contracts/<int:pk>/", contract_detail, name="contract-detail"),
    path("contracts/<int:pk>/document.pdf", contract_document, name="contract-document"),
    path("contracts/<int:pk>/signed.pdf", contract_signed_document, name="contract-signed-document"),
    path("contracts/<int:pk>/send/", contract_send, name="contract-send"),
    path("contracts/<int:pk>/void/", contract_void, name="contract-void"),
    path("contracts/<int:pk>/waive-fee/", contract_fee_waive, name="contract-fee-waive"),
    path("contracts/<int:pk>/stop-renewal/", contract_renewal_stop, name="contract-renewal-stop"),
    path("customers/<int:customer_pk>/contracts/new/", contract_create, name="contract-create"),
    path("contracts/templates/", template_list, name="contracttemplate-list"),
    path("contracts/templates/edit/", template_edit, name="contracttemplate-edit"),
    path("contracts/templates/rules/", rule_list, name="contracttemplate-rules"),
    path("contracts/templates/rules/<int:pk>/delete/", rule_delete, name="contracttemplate-rule-delete"),
]
portal_urlpatterns = [
    path("contracts/", portal_contract_list, name="contract-list"),
    path("contracts/<int:pk>/", portal_contract_detail, name="contract-detail"),
    path("contracts/<int:pk>/document.pdf", portal_contract_document, name="contract-document"),
    path("contracts/<int:pk>/signed.pdf", portal_contract_signed_document, name="contract-signed-document"),
    path("contracts/<int:pk>/code/", portal_contract_code, name="contract-code"),
    path("contracts/<int:pk>/sign/", portal_contract_sign, name="contract-sign"),
]
technician_urlpatterns = [
    path("contracts/sign/<str:token>/", onsite_contract_page, name="contract-onsite"),
    path("contracts/sign/<str:token>/document.pdf", onsite_contract_document, name="contract-onsite-document"),
    path("contracts/sign/<str:token>/code/", onsite_contract_code, name="contract-onsite-code"),
    path("contracts/sign/<str:token>/sign/", onsite_contract_sign, name="contract-onsite-sign"),
]
public_urlpatterns = [path("<str:code>/", verify, name="contract-verify")]
