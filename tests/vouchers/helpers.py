"""Set-up for prepaid-card tests, through the services."""

from decimal import Decimal

from django.db import transaction

from resellers.models import Reseller
from tests.resellers.helpers import make_reseller
from vouchers import services
from vouchers.models import VoucherPlan

_counter = iter(range(10_000_000))


def make_plan(*, price="30.00", duration=1, unit=VoucherPlan.Unit.DAYS, data_mb=2048, devices=1,
              valid_from=VoucherPlan.ValidFrom.FIRST_USE, unused_days=180, name=None, speed_package=None) -> VoucherPlan:
    return services.plan_create(
        actor=None, name=name or f"Plan {next(_counter)}", name_bn="এক দিন", duration=duration, duration_unit=unit, data_mb=data_mb,
        download_kbps=5120, upload_kbps=2048, devices=devices, price=Decimal(price), valid_from=valid_from,
        unused_days=unused_days, is_active=True, speed_package=speed_package,
    )


def make_distributor(*, commission="10.00", topup="100000", credit_limit="0"):
    """A card distributor (prepaid reseller of kind cards) with money in its wallet."""
    reseller, area, router, package, admin = make_reseller(topup=topup, credit_limit=credit_limit)
    from resellers import services as reseller_services

    with transaction.atomic():
        reseller_services.reseller_update(actor=admin, reseller=reseller, kind=Reseller.Kind.CARDS,
                                          card_commission_percent=Decimal(commission))
    reseller.refresh_from_db()
    return reseller, admin


def make_batch(*, plan=None, count=10, distributor=None, actor=None, zone=None):
    plan = plan or make_plan()
    with transaction.atomic():
        batch = services.batch_generate(actor=actor, plan=plan, count=count, zone=zone)
    if distributor is not None:
        with transaction.atomic():
            batch = services.batch_issue(actor=actor, batch=batch, distributor=distributor)
    return batch


def bought_online(*, zone, plan, phone: str):
    """A visitor's purchase as if bKash had confirmed it, fulfilled as the callback fulfils it (the card,
    the sale), now (a test's `clock` sets when)."""
    import secrets

    from django.utils import timezone

    from payments.models import GatewayPayment
    from usecases.wifi_signup import card_purchase_fulfil
    from vouchers.models import WifiPurchase

    gp = GatewayPayment.objects.create(
        gateway="bkash", purpose="card", tran_id=f"TR{secrets.token_hex(6)}", amount=plan.price, currency="BDT",
        status=GatewayPayment.Status.PAID, paid_at=timezone.now(), bank_tran_id=f"B{secrets.token_hex(5).upper()}",
    )
    WifiPurchase.objects.create(token=secrets.token_urlsafe(16), zone=zone, plan=plan, phone=phone, price=plan.price, gateway_payment=gp)
    return card_purchase_fulfil(gp=gp)


def refund_made(purchase, *, reason: str = "Could not connect"):
    """bKash gave the purchase back (its refund made and final), as the refund use case records it, now."""
    from django.utils import timezone

    from payments.models import GatewayRefund
    from usecases.wifi_signup import card_purchase_refunded

    gp = purchase.gateway_payment
    with transaction.atomic():
        refund = GatewayRefund.objects.create(gateway_payment=gp, amount=gp.amount, reason=reason, refe_id=f"RF{gp.pk:06d}",
                                              refund_ref_id=f"RFX{gp.pk}", status=GatewayRefund.Status.REFUNDED, finished_at=timezone.now())
        card_purchase_refunded(actor=None, refund=refund)
    return refund
