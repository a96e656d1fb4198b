"""The four surfaces — URL prefix, base template, navigation and access guard — defined once.

Every view under a surface's prefix requires a signed-in user of that surface's
kind unless it is marked `@public`. Non-staff users get their owner object
(`request.customer`, `request.reseller`) attached here, and every query on those
surfaces goes through a selector scoped to it.
"""

from dataclasses import dataclass, field
from functools import lru_cache, wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from django_htmx.http import HttpResponseClientRedirect

from ispbill.accounts.selectors import user_branch_ids


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    perm: str | None = None
    # URL names (without namespace) that light this item up, matched by prefix.
    match: tuple[str, ...] = ()
    section: str = ""
    # Reseller portal: shown only to resellers of this kind (resellers.Reseller.Kind), e.g. card distributors.
    reseller_kind: str = ""
    # Pages of the whole ISP (the books): hidden from staff limited to some branches, whom the page refuses.
    whole_isp: bool = False


@dataclass(frozen=True)
class Surface:
    name: str
    prefix: str
    kinds: frozenset[str]
    base_template: str
    title: str
    nav: tuple[NavItem, ...] = field(default_factory=tuple)

    @property
    def login_url(self) -> str:
        return reverse(f"{self.name}:login")

    @property
    def home_url(self) -> str:
        return reverse(f"{self.name}:home")


STAFF = Surface(
    name="staff",
    prefix="/staff/",
    kinds=frozenset({"staff"}),
    base_template="staff/base.html",
    title=_("Staff console"),
    nav=(
        NavItem(_("Dashboard"), "staff:home", match=("home",)),
        NavItem(_("Business analytics"), "staff:analytics-dashboard", "dashboard.view_analytics", ("analytics",)),
        NavItem(_("Customers"), "staff:customer-list", "customers.view_customer", ("customer", "subscription")),
        NavItem(_("Leads"), "staff:lead-list", "customers.view_lead", ("lead",)),
        NavItem(_("Referrals"), "staff:referral-list", "customers.view_referral", ("referral-list", "referral-reverse")),
        NavItem(_("Resellers"), "staff:reseller-list", "resellers.view_reseller", ("reseller",)),
        NavItem(_("Tickets"), "staff:ticket-list", "tickets.view_ticket", ("ticket",), section=_("Support")),
        NavItem(_("SLA dashboard"), "staff:sla-dashboard", "tickets.view_sla_reports", ("sla-",), section=_("Support")),
        NavItem(_("Surveys"), "staff:survey-analytics", "tickets.view_survey", ("survey",), section=_("Support")),
        NavItem(
            _("At-risk customers"), "staff:churn-retention-list", "churn.view_churnrisk",
            ("churn-retention-list", "churn-retention-customer", "churn-retention-call", "churn-retention-offer",
             "churn-retention-fieldcheck"), section=_("Retention"),
        ),
        NavItem(_("Kept and lost"), "staff:churn-retention-report", "churn.view_churnrisk", ("churn-retention-report",), section=_("Retention")),
        NavItem(_("Churn model quality"), "staff:churn-model-quality", "churn.view_churnmodel", ("churn-model",), section=_("Retention")),
        NavItem(_("Work orders"), "staff:workorder-list", "fieldservice.view_workorder", ("workorder-list", "workorder-create", "workorder-detail", "workorder-customer"), section=_("Field service")),
        NavItem(_("Dispatch board"), "staff:workorder-dispatch", "fieldservice.view_workorder", ("workorder-dispatch",), section=_("Field service")),
        NavItem(_("Equipment stock"), "staff:equipment-list", "fieldservice.view_equipmentitem", ("equipment",), section=_("Field service")),
        NavItem(_("Field reports"), "staff:workorder-reports", "fieldservice.view_workorder", ("workorder-reports",), section=_("Field service")),
        NavItem(_("Packages"), "staff:package-list", "customers.view_package", ("package",), section=_("Catalogue")),
        NavItem(_("Areas"), "staff:area-list", "customers.view_area", ("area",), section=_("Catalogue")),
        NavItem(_("Branches"), "staff:branch-list", "customers.view_branch", ("branch",), section=_("Catalogue")),
        NavItem(_("Invoices"), "staff:invoice-list", "billing.view_invoice", ("invoice-",), section=_("Billing")),
        NavItem(_("Billing runs"), "staff:billingrun-list", "billing.view_billingrun", ("billingrun",), section=_("Billing")),
        NavItem(_("Payments"), "staff:payment-list", "payments.view_payment", ("payment-",), section=_("Billing")),
        NavItem(_("Due list"), "staff:due-list", "billing.view_invoice", ("due-", "calllog"), section=_("Billing")),
        NavItem(_("Cash hand-over"), "staff:cashhandover-list", "payments.view_cashhandover", ("cashhandover",), section=_("Billing")),
        NavItem(
            _("Package requests"), "staff:packagechange-list", "billing.view_packagechange", ("packagechange",),
            section=_("Billing"),
        ),
        NavItem(
            _("Online payments"), "staff:onlinepayment-list", "payments.view_gatewaypayment",
            ("onlinepayment-list", "onlinepayment-detail", "onlinepayment-refund"), section=_("Billing"),
        ),
        NavItem(_("Auto-pay"), "staff:autopay-list", "payments.view_gatewaypayment", ("autopay-list",), section=_("Billing")),
        NavItem(_("Payment review"), "staff:onlinepayment-review", "payments.view_gatewaypayment", ("onlinepayment-review",), section=_("Billing")),
        NavItem(
            _("Settlement"), "staff:onlinepayment-settlement", "payments.view_gatewaypayment", ("onlinepayment-settlement",),
            section=_("Billing"),
        ),
        NavItem(
            _("Reconciliation"), "staff:reconciliation", "payments.view_reconciliationitem", ("reconciliation",),
            section=_("Billing"),
        ),
        NavItem(
            _("Gateway settlement report"), "staff:settlement-report", "payments.view_reconciliationitem", ("settlement-report",),
            section=_("Billing"),
        ),
        NavItem(_("Contracts"), "staff:contract-list", "contracts.view_contract", ("contract-",), section=_("Billing")),
        NavItem(_("Profit and loss"), "staff:books-overview", "books.view_journalentry", ("books-overview",), section=_("Accounts"), whole_isp=True),
        NavItem(_("Trial balance"), "staff:books-trial-balance", "books.view_journalentry", ("books-trial-balance",), section=_("Accounts"), whole_isp=True),
        NavItem(_("Balance sheet"), "staff:books-balance-sheet", "books.view_journalentry", ("books-balance-sheet",), section=_("Accounts"), whole_isp=True),
        NavItem(_("VAT return worksheet"), "staff:books-vat", "books.view_journalentry", ("books-vat",), section=_("Accounts"), whole_isp=True),
        NavItem(_("Journal export"), "staff:books-journal", "books.view_journalentry", ("books-journal",), section=_("Accounts"), whole_isp=True),
        NavItem(_("Bills and expenses"), "staff:books-bill-list", "books.view_journalentry", ("books-bill",), section=_("Accounts"), whole_isp=True),
        NavItem(_("Suppliers"), "staff:books-supplier-list", "books.view_journalentry", ("books-supplier",), section=_("Accounts"), whole_isp=True),
        NavItem(_("Purchase register (6.1)"), "staff:books-purchase-register", "books.view_journalentry", ("books-purchase",), section=_("Accounts"), whole_isp=True),
        NavItem(_("Cash book"), "staff:books-cash-book", "books.view_journalentry", ("books-cash",), section=_("Accounts"), whole_isp=True),
        NavItem(_("Bank accounts"), "staff:books-bank-list", "books.view_journalentry", ("books-bank",), section=_("Accounts"), whole_isp=True),
        NavItem(_("Sales register (Mushak-6.2)"), "staff:books-sales-register", "books.view_journalentry", ("books-sales-register",),
                section=_("Accounts"), whole_isp=True),
        NavItem(_("VDS certificates"), "staff:books-vds-register", "payments.view_vdsdeduction", ("books-vds",),
                section=_("Accounts"), whole_isp=True),
        NavItem(_("Regulator's subscriber figures"), "staff:books-regulator", "books.view_journalentry", ("books-regulator",),
                section=_("Accounts"), whole_isp=True),
        NavItem(_("Routers"), "staff:router-list", "network.view_router", ("router",), section=_("Network")),
        NavItem(_("OLTs & ONUs"), "staff:olt-list", "fibre.view_olt", ("olt-", "onu-"), section=_("Network")),
        NavItem(_("Online now"), "staff:radius-online", "radius.view_session", ("radius-online",), section=_("Network")),
        NavItem(_("Heavy users"), "staff:usage-heavy-users", "network.view_usagedaily", ("usage-heavy",), section=_("Network")),
        NavItem(_("Fair usage"), "staff:usage-fup-settings", "network.view_fupstate", ("usage-fup", "package-fup"), section=_("Network")),
        NavItem(_("BDIX & cache speeds"), "staff:speed-destinations", "network.view_speeddestination", ("speed-destination",), section=_("Network")),
        NavItem(_("Outages"), "staff:outage-list", "network.view_outage", ("outage",), section=_("Network")),
        NavItem(_("Network uptime"), "staff:network-uptime", "network.view_outage", ("network-uptime",), section=_("Network")),
        NavItem(_("Session logs"), "staff:session-log", "radius.view_sessionlog", ("session-log",), section=_("Network")),
        NavItem(_("Address pools"), "staff:address-pool-list", "network.view_addresspool", ("address-pool",), section=_("Network")),
        NavItem(_("Card batches"), "staff:voucher-batch-list", "vouchers.view_voucherbatch", ("voucher-batch",), section=_("Prepaid cards")),
        NavItem(_("Card plans"), "staff:voucher-plan-list", "vouchers.view_voucherplan", ("voucher-plan",), section=_("Prepaid cards")),
        NavItem(_("Wi-Fi zones"), "staff:voucher-zone-list", "vouchers.view_wifizone", ("voucher-zone",), section=_("Prepaid cards")),
        NavItem(_("Block a card"), "staff:voucher-card-block", "vouchers.change_vouchercard", ("voucher-card",), section=_("Prepaid cards")),
        NavItem(_("Card report"), "staff:voucher-report", "vouchers.view_voucherbatch", ("voucher-report",), section=_("Prepaid cards")),
        NavItem(_("Sold online"), "staff:voucher-online-list", "vouchers.view_voucherbatch", ("voucher-online",), section=_("Prepaid cards")),
        NavItem(_("Import & export"), "staff:import-list", "imports.run_import", ("import-",), section=_("Settings")),
        NavItem(_("Jobs"), "staff:job-list", "core.view_jobrun", ("job-",), section=_("Settings")),
        NavItem(_("Users & roles"), "staff:user-list", "accounts.view_user", ("user", "role"), section=_("Settings")),
        NavItem(
            _("Billing"), "staff:billingsettings-edit", "billing.change_billingsettings", ("billingsettings",),
            section=_("Settings"),
        ),
        NavItem(_("Fibre"), "staff:fibre-settings", "fibre.view_signalthreshold", ("fibre-settings",), section=_("Settings")),
        NavItem(
            _("Referrals"), "staff:referral-settings", "customers.change_referralsettings", ("referral-settings",),
            section=_("Settings"),
        ),
        NavItem(
            _("Message templates"), "staff:messagetemplate-list", "notify.view_messagetemplate", ("messagetemplate",),
            section=_("Settings"),
        ),
        NavItem(_("Message log"), "staff:message-list", "notify.view_message", ("message-",), section=_("Settings")),
        NavItem(_("SLA policies"), "staff:slapolicy-list", "tickets.view_slapolicy", ("slapolicy",), section=_("Settings")),
        NavItem(
            _("Contract templates"), "staff:contracttemplate-list", "contracts.view_contracttemplate", ("contracttemplate",),
            section=_("Settings"),
        ),
        NavItem(_("Gemini"), "staff:churn-gemini-settings", "churn.change_geminisettings", ("churn-gemini-settings",), section=_("Settings")),
        NavItem(_("API tokens"), "staff:apitoken-list", "api.view_apitoken", ("apitoken",), section=_("Settings")),
        NavItem(_("Webhooks"), "staff:webhook-list", "core.view_webhookendpoint", ("webhook",), section=_("Settings")),
        NavItem(
            _("Payment gateways"), "staff:gateway-settings", "payments.change_gatewaysettings", ("gateway-settings",),
            section=_("Settings"),
        ),
    ),
)
PORTAL = Surface(
    name="portal",
    prefix="/portal/",
    kinds=frozenset({"customer"}),
    base_template="portal/base.html",
    title=_("My account"),
    nav=(
        NavItem(_("Overview"), "portal:home", match=("home",)),
        NavItem(_("Invoices"), "portal:invoice-list", match=("invoice-",)),
        NavItem(_("Statement"), "portal:statement", match=("statement",)),
        NavItem(_("Usage"), "portal:usage", match=("usage",)),
        NavItem(_("Connections"), "portal:connection-history", match=("connection-history",)),
        NavItem(_("Change package"), "portal:package-changes", match=("package-change",)),
        NavItem(_("Payments"), "portal:payment-history", match=("pay", "payment-", "onlinepayment")),
        NavItem(_("My contracts"), "portal:contract-list", match=("contract-",)),
        NavItem(_("My tickets"), "portal:ticket-list", match=("ticket",)),
        NavItem(_("Visits"), "portal:visits", match=("visit",)),
        NavItem(_("Speed test"), "portal:speedtest", match=("speedtest",)),
        NavItem(_("Referrals"), "portal:referrals", match=("referrals",)),
        NavItem(_("My profile"), "portal:profile", match=("profile", "notifications", "session")),
    ),
)
RESELLER = Surface(
    name="reseller",
    prefix="/reseller/",
    kinds=frozenset({"reseller"}),
    base_template="reseller/base.html",
    title=_("Reseller portal"),
    nav=(
        NavItem(_("Dashboard"), "reseller:home", match=("home",)),
        NavItem(_("My customers"), "reseller:customer-list", match=("customer", "subscription", "receipt")),
        NavItem(_("Wallet"), "reseller:wallet", match=("wallet",)),
        NavItem(_("Prepaid cards"), "reseller:card-batch-list", match=("card-",), reseller_kind="cards"),
        NavItem(_("Commissions"), "reseller:commission-list", match=("commission",)),
        NavItem(_("Payouts"), "reseller:payout-list", match=("payout",)),
        NavItem(_("Tickets"), "reseller:ticket-list", match=("ticket",)),
    ),
)
TECHNICIAN = Surface(
    name="technician",
    prefix="/technician/",
    kinds=frozenset({"technician"}),
    base_template="technician/base.html",
    title=_("Technician"),
    nav=(NavItem(_("My work"), "technician:home", match=("home", "order")),),
)
SURFACES = (STAFF, PORTAL, RESELLER, TECHNICIAN)
SURFACES_BY_NAME = {surface.name: surface for surface in SURFACES}


def surface_for_path(path: str) -> Surface | None:
    for surface in SURFACES:
        if path.startswith(surface.prefix):
            return surface
    return None


def public(view):
    """Mark a view under a surface prefix as reachable without signing in (login pages, manifests)."""
    view.ispbill_public = True
    return view


def staff_permission_required(*perms: str):
    """403 unless the staff user holds every permission; checked in the view, never only in a template."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.has_perms(perms):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def _login_redirect(request, surface: Surface):
    if request.htmx:
        # A login form swapped into a table helps nobody: send the whole page to the login.
        current = request.htmx.current_url_abs_path or surface.home_url
        return HttpResponseClientRedirect(f"{surface.login_url}?{urlencode({'next': current})}")
    return redirect_to_login(request.get_full_path(), surface.login_url)


def _owner_for(user, surface: Surface):
    """The owner object a non-staff surface scopes everything to, or None if it is missing."""
    if surface is PORTAL:
        return getattr(user, "customer", None)
    if surface is RESELLER:
        # The owner's own login, or a further login of the business (resellers.ResellerLogin).
        login = getattr(user, "reseller_login", None)
        return getattr(user, "reseller", None) or (login.reseller if login is not None else None)
    return user


class SurfaceAccessMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.surface = surface_for_path(request.path_info)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        surface = request.surface
        if surface is None or getattr(view_func, "ispbill_public", False):
            return None
        user = request.user
        if not user.is_authenticated:
            return _login_redirect(request, surface)
        if user.kind not in surface.kinds:
            return render(request, "403.html", {"wrong_surface": True}, status=403)
        owner = _owner_for(user, surface)
        if owner is None:
            return render(request, "403.html", {"wrong_surface": True}, status=403)
        if surface is PORTAL:
            request.customer = owner
        elif surface is RESELLER:
            request.reseller = owner
        return None


@lru_cache(maxsize=256)
def _nav_url(url_name: str, urlconf: str, script_prefix: str) -> str | None:
    """A nav item's URL: reversed once per URL configuration, not on every page."""
    try:
        return reverse(url_name, urlconf=urlconf)
    except NoReverseMatch:
        return None


def _visible_nav(request, surface: Surface) -> list[dict]:
    match = request.resolver_match
    current = match.url_name if match else ""
    items = []
    for item in surface.nav:
        if item.perm and not request.user.has_perm(item.perm):
            continue
        if item.reseller_kind and getattr(getattr(request, "reseller", None), "kind", None) != item.reseller_kind:
            continue
        if item.whole_isp and user_branch_ids(request.user) is not None:
            continue
        url = _nav_url(item.url_name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
        if url is None:
            continue
        items.append(
            {
                "label": item.label,
                "url": url,
                "section": item.section,
                "active": bool(current) and any(current.startswith(m) for m in item.match),
            }
        )
    return items


def surface_context(request) -> dict:
    surface = getattr(request, "surface", None)
    if surface is None:
        return {}
    # Worked out when a template draws the menu: an htmx fragment, the 403 page or a document rendered with
    # the request draws none, and the menu costs the user's permission queries.
    nav = SimpleLazyObject(lambda: _visible_nav(request, surface) if request.user.is_authenticated else [])
    return {"surface": surface, "base_template": surface.base_template, "nav_items": nav}
