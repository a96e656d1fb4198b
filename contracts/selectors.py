"""Contract reads for the staff console, the customer tab and the portal (owner-scoped)."""

from datetime import timedelta

from django.http import Http404
from django.utils import timezone

from customers.selectors import customers_visible_to

from .models import Contract, ContractRule, ContractTemplate

FILTERS = ("all", "unsigned", "expiring", "active", "ended")


def contracts_for_staff(*, user, show: str = "all", status: str = ""):
    contracts = Contract.objects.filter(customer__in=customers_visible_to(user)).select_related("customer", "template")
    today = timezone.localdate()
    if show == "unsigned":
        contracts = contracts.filter(status__in=Contract.UNSIGNED)
    elif show == "expiring":
        contracts = contracts.filter(status=Contract.Status.ACTIVE, end_date__gte=today, end_date__lte=today + timedelta(days=30))
    elif show == "active":
        contracts = contracts.filter(status__in=Contract.IN_FORCE)
    elif show == "ended":
        contracts = contracts.filter(status__in=(Contract.Status.EXPIRED, Contract.Status.RENEWED, Contract.Status.TERMINATED, Contract.Status.VOID))
    if status in Contract.Status.values:
        contracts = contracts.filter(status=status)
    return contracts.order_by("-created_at", "-id")


def contract_counts(*, user) -> dict[str, int]:
    today = timezone.localdate()
    base = Contract.objects.filter(customer__in=customers_visible_to(user))
    return {
        "unsigned": base.filter(status__in=Contract.UNSIGNED).count(),
        "expiring": base.filter(status=Contract.Status.ACTIVE, end_date__gte=today, end_date__lte=today + timedelta(days=30)).count(),
        "active": base.filter(status__in=Contract.IN_FORCE).count(),
    }


def contract_get_for_staff(*, user, pk: int) -> Contract:
    contract = (
        Contract.objects.filter(customer__in=customers_visible_to(user), pk=pk)
        .select_related("customer", "template", "subscription__package", "fee_charge__invoice", "renewed_from", "replaces")
        .first()
    )
    if contract is None:
        raise Http404
    return contract


def contracts_for_customer(*, customer_id: int):
    return Contract.objects.filter(customer_id=customer_id).select_related("template", "subscription").order_by("-created_at", "-id")


def contracts_for_portal(*, customer):
    """What the customer sees: everything sent to them, never drafts or voided drafts."""
    return (
        Contract.objects.filter(customer=customer).exclude(status=Contract.Status.DRAFT).exclude(sent_at__isnull=True)
        .select_related("template").order_by("-created_at", "-id")
    )


def contract_get_for_customer(*, customer, pk: int) -> Contract:
    contract = contracts_for_portal(customer=customer).filter(pk=pk).select_related("customer").first()
    if contract is None:
        raise Http404
    return contract


def templates_current():
    """The newest version of each template in each language."""
    latest = {}
    for template in ContractTemplate.objects.order_by("key", "language", "-version"):
        latest.setdefault((template.key, template.language), template)
    return list(latest.values())


def template_versions(*, key: str):
    return ContractTemplate.objects.filter(key=key).order_by("language", "-version")



def rules():
    return ContractRule.objects.select_related("package").order_by("template_key", "-id")
