"""Walks every URL of every surface as the wrong kind of user, as an anonymous visitor, and as a
user of another branch or owner. New URLs are found automatically; a URL that takes an object id
must say which object that is (OBJECT_FOR_URL) or this test fails and asks for it."""

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from api.tokens import customer_token_create
from billing.charges import one_time_charge_add
from billing.package_changes import package_change_request
from billing.services import LineSpec, invoice_create
from churn.models import RetentionCallTask, RetentionOffer
from contracts.onsite import onsite_token
from customers.referrals import referral_signup
from customers.services import lead_create
from fibre.models import Olt, Onu, PonPort
from fieldservice.models import EquipmentItem, EquipmentModel, WorkOrder
from fieldservice.services import workorder_add_photo
from ispbill.accounts.models import CustomerSession, User
from ispbill.core.models import AuditLog
from ispbill.notify.models import Message
from network import ipam
from payments.models import BkashAgreement, GatewayPayment
from payments.services import payment_ledger_record
from radius.models import Session
from resellers.models import Payout
from tests.factories import (
    AreaFactory,
    BranchFactory,
    PackageFactory,
    ResellerFactory,
    UserFactory,
    admin_user,
    make_customer,
    make_subscription,
)
from tickets.services import ticket_create

SURFACES = ("staff", "portal", "reseller", "technician")


def _png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (2, 2)).save(buffer, format="PNG")
    return buffer.getvalue()


# URL name prefix → the victim-world object its `pk` names, or None for objects no branch or owner
# owns (the catalogue, users and roles): those are still walked for the wrong kind of user.
OBJECT_FOR_URL = {
    "staff": {
        "customer": "customer",
        "subscription": "subscription",
        "lead": "lead",
        "area": "area",
        "branch": "branch",
        "router": "router",
        "address-pool": "address_pool",  # a pool belongs to its router's branch
        "package": None,
        "billingrun": None,  # billing runs are ISP-wide
        # Reconciliation with a gateway is of the merchant account, ISP-wide (payments.view_reconciliationitem).
        "reconciliation": None,
        "payment": "payment",  # a payment belongs to its customer's branch
        "invoice": "invoice",  # an invoice belongs to its customer's branch
        "user": None,
        "role": None,
        "messagetemplate": None,
        "message": "message",  # a message belongs to its customer's branch
        "ticket": "ticket",  # a ticket belongs to its customer's branch
        "slapolicy": None,  # SLA policies and holidays are ISP-wide
        "packagechange": "packagechange",  # a package change belongs to its customer's branch
        "onlinepayment": "online_payment",  # an online payment belongs to its customer's branch
        "outage": None,  # outages are ISP-wide notices
        "speed-destination": None,  # the BDIX and cache lists are ISP-wide (network.*_speeddestination)
        "referral": "referral",  # a referral belongs to its referrer's branch
        "workorder": "workorder",  # a work order belongs to its customer's branch
        "equipment": "equipment_item",  # an item belongs to its branch's store
        "analytics": None,  # <metric> names a figure, not an object; figures are branch-scoped inside
        "api-metrics": None,
        "import": None,  # import batches and the export are ISP-wide (imports.run_import)
        "job": None,  # the job log is ISP-wide (core.view_jobrun)
        "contracttemplate": None,  # templates and their rules are ISP-wide
        "apitoken": None,  # API tokens and webhooks are ISP-wide settings (administrators)
        "webhook": None,
        "contract": "contract",  # a contract belongs to its customer's branch
        "charge": "charge",  # a one-time charge belongs to its customer's branch
        "credit-note": "invoice",  # a credit note is issued on an invoice of the customer's branch
        "debit-note": "invoice",  # so is a debit note (Mushak-6.8)
        "reseller-payout": "payout",  # a payout request belongs to its reseller's branch
        "reseller": "reseller",  # a reseller belongs to a branch
        # Retention (churn): pages and actions on a customer, then on a call task or an offer of theirs.
        "churn-retention-customer": "customer",
        "churn-retention-call-create": "customer",
        "churn-retention-offer-create": "customer",
        "churn-retention-fieldcheck": "customer",
        "churn-retention-call": "retention_call",
        "churn-retention-offer": "retention_offer",
        # RADIUS screens: Test a login on a router; a customer's Sessions tab; Disconnect of a session of theirs.
        "radius-login-test": "router",
        "radius-customer-sessions": "customer",
        "radius-session-disconnect": "radius_session",
        "voucher-": None,  # prepaid-card plans, zones and batches are ISP-wide (vouchers.* permissions)
        "olt-": "olt",  # an OLT belongs to its branch (fibre.selectors.olt_get_for_staff)
        "onu-": "onu",  # an ONU to its OLT's branch
        "books-": None,  # the books (bills, bank accounts) are the whole ISP's (books.view_journalentry)
        # VAT deducted at source: the certificates are the books', ISP-wide (staff limited to branches get 403).
        "books-vds": None,
    },
    "portal": {"contract": "contract", "ticket": "ticket", "package-change": "packagechange", "onlinepayment": "online_payment", "payment-receipt": "payment", "payment-method": "bkash_agreement", "invoice": "invoice", "credit-note": "invoice", "receipt": "payment", "usage": "subscription", "session-revoke": "customer_session", "visit": "workorder", "app-revoke": "app_token"},
    "reseller": {
        "customer": "reseller_customer", "subscription": "reseller_subscription", "receipt": "reseller_payment",
        "subreseller": "subreseller",  # another reseller's sub-reseller
        "card-batch": "card_batch",  # another card distributor's batch of prepaid cards
    },
    "technician": {"order": "workorder", "contract": "onsite_token"},
}
# Other keyword arguments name their object directly.
OBJECT_FOR_KWARG = {"customer_pk": "customer", "subscription_pk": "subscription", "lead_pk": "lead", "photo_pk": "workorder_photo",
                    "port_pk": "pon_port"}
# Keyword arguments that are plain values, not objects (a statement's month).
LITERAL_KWARGS = {"year": 2026, "month": 1, "kind": "past_payments"}


@dataclass
class Route:
    surface: str
    name: str
    params: tuple[str, ...]
    public: bool


def _walk(patterns, params=()):
    for entry in patterns:
        converters = tuple(getattr(entry.pattern, "converters", {}).keys())
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, params + converters)
        elif isinstance(entry, URLPattern) and entry.name:
            yield entry, params + converters


def surface_routes(surface: str) -> list[Route]:
    namespace_resolver = get_resolver().namespace_dict[surface][1]
    return [
        Route(surface, pattern.name, params, getattr(pattern.callback, "ispbill_public", False))
        for pattern, params in _walk(namespace_resolver.url_patterns)
    ]


def all_routes() -> list[Route]:
    return [route for surface in SURFACES for route in surface_routes(surface)]


def _object_key(route: Route, param: str) -> str | None:
    if param in OBJECT_FOR_KWARG:
        return OBJECT_FOR_KWARG[param]
    for prefix, key in OBJECT_FOR_URL[route.surface].items():
        if route.name.startswith(prefix):
            return key
    raise AssertionError(
        f"{route.surface}:{route.name} takes <{param}>: add its object to OBJECT_FOR_URL in {__name__}"
    )


def url_for(route: Route, surface_isolation_world: dict) -> tuple[str, bool]:
    """The route's URL pointing at the victim world's objects, and whether it names an owned object."""
    kwargs, owned = {}, False
    for param in route.params:
        if param in LITERAL_KWARGS:
            kwargs[param] = LITERAL_KWARGS[param]
            continue
        key = _object_key(route, param)
        target = surface_isolation_world[key] if key else surface_isolation_world["package"]
        owned = owned or key is not None
        kwargs[param] = target.pk
    return reverse(f"{route.surface}:{route.name}", kwargs=kwargs), owned


def _project_app_labels() -> set[str]:
    """Every app of ours (not Django's or a library's): new apps are fingerprinted without a change here."""
    return {
        config.label for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(settings.BASE_DIR) and "site-packages" not in Path(config.path).parts
    }


def fingerprint() -> dict:
    """Every row of every project model and every role's permissions, to prove a refused request changed nothing."""
    data = {
        "audit": AuditLog.objects.count(),
        "role permissions": sorted(Group.permissions.through.objects.values_list("group_id", "permission_id")),
        "user permissions": sorted(User.user_permissions.through.objects.values_list("user_id", "permission_id")),
        "user roles": sorted(User.groups.through.objects.values_list("user_id", "group_id")),
    }
    # A portal page view records the viewer's own session; what must not change are the sessions set up below.
    data["customer sessions"] = sorted(
        map(repr, CustomerSession.objects.filter(session_key__startswith="isolation-").values_list())
    )
    for model in apps.get_models():
        if model is CustomerSession:
            continue
        if model._meta.app_label in _project_app_labels():
            # Signing in touches last_login; everything else must stay as it was.
            fields = [f.attname for f in model._meta.concrete_fields if f.attname != "last_login"]
            data[model._meta.label] = sorted(map(repr, model.objects.values_list(*fields)))
    return data


def _sent_contract(subscription):
    from contracts import services as contract_services

    template = contract_services.contract_template_save(
        actor=None, key="isolation", language="en", title="Agreement", body="Agreement with {{ customer_name }}."
    )
    contract = contract_services.contract_create(actor=None, subscription=subscription, template=template)
    return contract_services.contract_send(actor=None, contract=contract)


def _issued_card_batch(distributor):
    from django.db import transaction

    from resellers import services as reseller_services
    from vouchers import services as voucher_services

    reseller_services.wallet_topup(actor=None, reseller=distributor, amount=Decimal("1000"), method="cash", reference="ISOL")
    plan = voucher_services.plan_create(actor=None, name="Isolation hour", duration=1, duration_unit="hours", download_kbps=1024,
                                        upload_kbps=512, devices=1, price=Decimal("10.00"))
    with transaction.atomic():
        batch = voucher_services.batch_generate(actor=None, plan=plan, count=3)
        return voucher_services.batch_issue(actor=None, batch=batch, distributor=distributor)


@pytest.fixture
def surface_isolation_world(db):
    """Branch A holds the victim objects; the intruders live in branch B or are other owners."""
    branch_a, branch_b = BranchFactory(name="Alpha", code="A"), BranchFactory(name="Beta", code="B")
    area_a, area_b = AreaFactory(branch=branch_a), AreaFactory(branch=branch_b)
    subscription = make_subscription(customer=make_customer(area=area_a, portal_password="portal-pass-1"))
    # The intruding reseller is prepaid, so it has a sub-reseller page of its own: another's sub is a 404 by scope.
    # It is also a card distributor, so its card pages are there: another distributor's batch is a 404 by scope.
    reseller_a, reseller_b = ResellerFactory(branch=branch_a), ResellerFactory(branch=branch_b, model="prepaid", kind="cards")
    reseller_customer = make_customer(area=area_a, reseller=reseller_a)
    reseller_subscription = make_subscription(customer=reseller_customer)
    other_customer = make_customer(area=area_b, portal_password="portal-pass-2")
    olt = Olt.objects.create(name="Isolation OLT", branch=branch_a, host="127.0.0.1", profile="huawei_gpon", community="isolation-community")
    pon_port = PonPort.objects.create(olt=olt, key="4194304000", name="GPON 0/1/0")
    return {
        "olt": olt,
        "pon_port": pon_port,
        "onu": Onu.objects.create(olt=olt, pon_port=pon_port, key="4194304000.1", number=1, serial="ISOL00000001"),
        "branch": branch_a,
        "area": area_a,
        "customer": subscription.customer,
        "subscription": subscription,
        "package": subscription.package,
        "router": subscription.router,  # a router of branch A (make_subscription puts it in the customer's branch)
        # An address pool on that router (network.ipam_selectors.pools_visible_to: the routers staff see).
        "address_pool": ipam.address_pool_create(actor=None, name="Isolation pool", router=subscription.router, network="10.250.0.0/24"),
        "lead": lead_create(actor=None, name="Lead A", phone="01711000001", area=area_a),
        "ticket": ticket_create(
            actor=None, customer=subscription.customer, category="slow_speed", subject="Slow", description="Slow at night",
        ),
        "payment": payment_ledger_record(actor=None, customer=subscription.customer, amount=Decimal("500.00"), method="cash"),
        "invoice": invoice_create(
            actor=None, customer=subscription.customer,
            lines=[LineSpec(kind="one_time", description="Installation", amount=Decimal("300.00"))],
        ),
        "message": Message.objects.create(
            customer=subscription.customer, channel="sms", event="payment_received", to="+8801711000002",
            body="Payment received", idempotency_key="isolation-world-message",
        ),
        "packagechange": package_change_request(
            actor=None, subscription=subscription, to_package=PackageFactory(name="Isolation 99"), source="customer"
        ),
        "online_payment": GatewayPayment.objects.create(
            customer=subscription.customer, tran_id="ISOLATION0001", amount=Decimal("500.00"), currency="BDT", purpose="due",
        ),
        # A saved bKash wallet of the customer (primary, removable): another customer gets 404.
        "bkash_agreement": BkashAgreement.objects.create(
            customer=subscription.customer, status="active", is_primary=True, agreement_id="TokenizedMerchantISOL", wallet_masked="017•••••575",
        ),
        "referral": referral_signup(
            code=subscription.customer.referral_code, name="Friend A", phone="01711000009", area=area_a, address="Road 9"
        ),
        "workorder": (workorder := WorkOrder.objects.get(subscription=subscription)),
        "workorder_photo": workorder_add_photo(
            actor=None, order=workorder, client_uuid="00000000-0000-4000-8000-000000000017",
            upload=SimpleUploadedFile("p.png", _png()), caption="isolation",
        )[0],
        "reseller_customer": reseller_customer,
        "equipment_item": EquipmentItem.objects.create(
            model=EquipmentModel.objects.create(name="Isolation ONU", category="onu"), serial="ISOL0001", branch=branch_a,
        ),
        "contract": (contract := _sent_contract(subscription)),
        # The signed link of the contract's on-site signing, as the visit page gives it to the visit's technician.
        "onsite_token": SimpleNamespace(pk=onsite_token(contract=contract, technician=UserFactory(kind="technician"), visit_id=workorder.pk)),
        "charge": one_time_charge_add(actor=None, customer=subscription.customer, kind="custom", amount=Decimal("50")),
        "reseller_subscription": reseller_subscription,
        "reseller_payment": payment_ledger_record(
            actor=None, customer=reseller_customer, amount=Decimal("200.00"), method="cash", reseller=reseller_a,
        ),
        "reseller": reseller_a,
        # An open RADIUS session of the branch A customer (rows as FreeRADIUS's accounting writes them).
        "radius_session": Session.objects.create(
            acctsessionid="isolation-1", acctuniqueid="isolation-1", username=subscription.username or "isolation", nasipaddress="127.0.0.1",
            router=subscription.router, subscription=subscription, acctstarttime=timezone.now(),
        ),
        "subreseller": ResellerFactory(branch=branch_a, model="prepaid", parent=ResellerFactory(branch=branch_a, model="prepaid")),
        "retention_call": RetentionCallTask.objects.create(
            customer=subscription.customer, assignee=UserFactory(), due_date=timezone.localdate(),
        ),
        "retention_offer": RetentionOffer.objects.create(
            customer=subscription.customer, subscription=subscription, kind="discount", percent=Decimal("10"), months=1,
            original_package=subscription.package, starts_on=timezone.localdate(), ends_on=timezone.localdate(),
        ),
        "payout": Payout.objects.create(reseller=reseller_a, amount=Decimal("100.00")),
        "card_batch": _issued_card_batch(ResellerFactory(branch=branch_a, model="prepaid", kind="cards")),
        "customer_session": CustomerSession.objects.create(
            user=subscription.customer.user, session_key="isolation-victim-session", created_at=timezone.now(),
            last_seen=timezone.now(),
        ),
        "app_token": customer_token_create(customer=subscription.customer, name="Victim's phone")[0],
        "users": {
            "staff": admin_user(),
            "staff_other_branch": admin_user(branch_scope=[branch_b]),
            "portal": other_customer.user,
            "portal_owner": subscription.customer.user,
            "reseller": reseller_b.user,
            "technician": UserFactory(kind="technician"),
        },
    }


def test_every_surface_has_routes_to_walk():
    names = {route.surface for route in all_routes()}
    assert names == set(SURFACES)


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_login_of_each_surface(client, surface_isolation_world):
    for route in all_routes():
        if route.public:
            continue
        url, _ = url_for(route, surface_isolation_world)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 302, f"{method.upper()} {url}"
            assert response.url.startswith(reverse(f"{route.surface}:login")), url


# One test per kind of signed-in user (the world's "users"), each walking every other surface's routes: one
# test walking all of them for all six took 21 s on an idle machine, over the 20 s budget.
WRONG_KIND_USERS = ["staff", "staff_other_branch", "portal", "portal_owner", "reseller", "technician"]


def test_the_wrong_kind_walk_covers_every_user_of_the_world(surface_isolation_world):
    assert sorted(WRONG_KIND_USERS) == sorted(surface_isolation_world["users"])


@pytest.mark.django_db
@pytest.mark.parametrize("kind", WRONG_KIND_USERS)
def test_wrong_kind_of_user_gets_403_everywhere_and_changes_nothing(client, surface_isolation_world, kind):
    user = surface_isolation_world["users"][kind]
    before = fingerprint()
    walked = 0
    client.force_login(user)  # once: a refused request leaves the session as it was (checked after the walk)
    for route in all_routes():
        if route.public or kind.split("_")[0] == route.surface:
            continue
        url, _ = url_for(route, surface_isolation_world)
        walked += 1
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 403, f"{kind} {method.upper()} {url} → {response.status_code}"
    assert fingerprint() == before
    assert walked > 0
    assert client.session.get("_auth_user_id") == str(user.pk)  # still signed in: every answer above was its own 403


@pytest.mark.django_db
def test_staff_of_another_branch_cannot_reach_or_change_branch_objects(client, surface_isolation_world):
    client.force_login(surface_isolation_world["users"]["staff_other_branch"])
    before = fingerprint()
    walked = 0
    for route in surface_routes("staff"):
        url, owned = url_for(route, surface_isolation_world)
        if route.public or not owned:
            continue
        walked += 1
        # 405: a POST-only action answers a GET without looking at the object.
        assert client.get(url).status_code in (404, 405), f"GET {url}"
        assert client.post(url).status_code in (404, 405), f"POST {url}"
    assert fingerprint() == before
    assert walked > 0


@pytest.mark.django_db
@pytest.mark.parametrize("surface,intruder", [("portal", "portal"), ("reseller", "reseller"), ("technician", "technician")])
def test_other_owners_cannot_reach_objects_on_non_staff_surfaces(client, surface_isolation_world, surface, intruder):
    client.force_login(surface_isolation_world["users"][intruder])
    before = fingerprint()
    for route in surface_routes(surface):
        url, owned = url_for(route, surface_isolation_world)
        if route.public or not owned:
            continue
        # 405: a POST-only action (renew, collect) answers a GET without looking at the object.
        assert client.get(url).status_code in (404, 405), f"GET {url}"
        assert client.post(url).status_code in (404, 405), f"POST {url}"
    assert fingerprint() == before


@pytest.mark.django_db
def test_portal_home_shows_only_the_signed_in_customers_subscriptions(client, surface_isolation_world):
    client.force_login(surface_isolation_world["users"]["portal"])
    page = client.get(reverse("portal:home")).content.decode()
    assert surface_isolation_world["subscription"].username not in page
    client.force_login(surface_isolation_world["users"]["portal_owner"])
    assert surface_isolation_world["subscription"].username in client.get(reverse("portal:home")).content.decode()


@pytest.mark.django_db
def test_reseller_home_lists_only_own_customers(client, surface_isolation_world):
    client.force_login(surface_isolation_world["users"]["reseller"])
    assert surface_isolation_world["reseller_customer"].account_number not in client.get(reverse("reseller:home")).content.decode()
