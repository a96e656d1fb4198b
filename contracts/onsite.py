"""Signing on the technician's phone, on site: the step the technician's visit page shows (the page,
in web/fieldservice/, asks contracts for it: field service and contracts never import each other)
and the signed link it carries.

The page calls `visit_steps` only after checking that the technician owns the visit; the link
then carries that fact, signed with SECRET_KEY, for this contract, this technician and this visit,
for ONSITE_LINK_HOURS at most. The contracts views (web/contracts/views.py) check the signature, that
the signed-in technician is the one named, and that the visit is still open, still theirs and for the
contract's connection: a reassigned, cancelled or finished visit ends the link. It takes one signature:
once the contract is signed, its code and signing posts are gone.
"""

from dataclasses import dataclass

from django.core import signing
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Contract


@dataclass(frozen=True)
class VisitStep:
    """A step of a field visit that contracts adds to the technician's page."""

    key: str  # a stable id for the page region
    title: str
    detail: str = ""
    url: str = ""  # where the technician does the step; empty when there is nothing to do
    done: bool = False

SALT = "contracts.on-site-signing"
ONSITE_LINK_HOURS = 12


def onsite_token(*, contract: Contract, technician, visit_id: int) -> str:
    return signing.dumps({"c": contract.pk, "t": technician.pk, "v": visit_id}, salt=SALT)


def onsite_contract(*, token: str, technician) -> tuple[Contract, int]:
    """(the contract, the visit id) the link names, or 404 for a forged, expired or someone else's link."""
    try:
        data = signing.loads(token, salt=SALT, max_age=ONSITE_LINK_HOURS * 3600)
    except signing.BadSignature:
        raise Http404 from None
    if data.get("t") != technician.pk:
        raise Http404
    contract = Contract.objects.select_related("customer", "template", "subscription__package").filter(pk=data.get("c")).first()
    if contract is None:
        raise Http404
    return contract, int(data.get("v") or 0)


def visit_steps(*, technician, subscription, visit_id: int, visit_kind: str, **_ignored) -> list[VisitStep]:
    """The contract step of a field visit: sign the contract waiting for the customer's signature
    on this connection; on an installation, the contract already signed is shown as done."""
    if subscription is None:
        return []
    contracts = Contract.objects.filter(subscription=subscription).order_by("-created_at", "-id")
    waiting = contracts.filter(status=Contract.Status.SENT).first()
    if waiting is not None:
        token = onsite_token(contract=waiting, technician=technician, visit_id=visit_id)
        return [VisitStep(
            key="contract-sign", title=_("Customer signs the contract"),
            detail=_("Contract %(number)s is waiting for the customer's signature.") % {"number": waiting.number},
            url=reverse("technician:contract-onsite", args=[token]),
        )]
    signed = contracts.filter(status__in=Contract.IN_FORCE).select_related("signature").first()
    if signed is not None and visit_kind == "installation" and hasattr(signed, "signature"):
        return [VisitStep(
            key="contract-sign", title=_("Customer signs the contract"), done=True,
            detail=_("Contract %(number)s is signed by %(name)s.") % {"number": signed.number, "name": signed.signature.signer_name},
        )]
    return []
