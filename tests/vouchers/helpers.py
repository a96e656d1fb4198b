"""Set-up for prepaid-card tests, through the services."""

from decimal import Decimal

from django.db import transaction

from resellers.models import Reseller
from tests.resellers.helpers import make_reseller
from vouchers import services
from vouchers.models import VoucherPlan

_counter = iter(range(10_000_000))


def make_plan(*, price="30.00", duration=1, unit=VoucherPlan.Unit.DAYS, data_mb=2048, devices=1,
              valid_from=VoucherPlan.ValidFrom.FIRST_USE, unused_days=180, name=None) -> VoucherPlan:
    return services.plan_create(
        actor=None, name=name or f"Plan {next(_counter)}", name_bn="এক দিন", duration=duration, duration_unit=unit, data_mb=data_mb,
        download_kbps=5120, upload_kbps=2048, devices=devices, price=Decimal(price), valid_from=valid_from,
        unused_days=unused_days, is_active=True,
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
