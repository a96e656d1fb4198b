"""The reseller's brand for their customers' documents and messages (registered with ispbill/core/branding
by ResellersConfig.ready: billing and notify read it there, never from this app)."""

from pathlib import Path

from django.db.models import Q

from ispbill.core.branding import Brand

from .models import Reseller


def _logo(reseller: Reseller) -> Path | None:
    if not reseller.logo:
        return None
    try:
        path = Path(reseller.logo.path)
    except (ValueError, NotImplementedError):
        return None
    return path if path.is_file() else None


def brands_for_customers(customer_ids: list[int]) -> dict[int, Brand]:
    resellers = (
        Reseller.objects.filter(customers__pk__in=customer_ids, is_active=True)
        .filter(Q(brand_on_documents=True) | ~Q(sms_sender_id=""))
        .values_list("customers__pk", "pk").distinct()
    )
    by_customer = dict(resellers)
    if not by_customer:
        return {}
    brands = {}
    for reseller in Reseller.objects.filter(pk__in=set(by_customer.values())):
        logo = _logo(reseller) if reseller.brand_on_documents else None
        brands[reseller.pk] = Brand(
            name=reseller.name, on_documents=reseller.brand_on_documents, logo_path=logo,
            sms_sender_id=reseller.sms_sender_id,
        )
    return {customer_id: brands[reseller_id] for customer_id, reseller_id in by_customer.items()}
