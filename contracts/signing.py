"""Signing a contract: a session with a one-time code sent to the customer's registered phone (in
the portal, or on site with the technician as witness), the drawn signature with its evidence
(consent, IP, device, place and time), the signed PDF's seal, and checking a PDF against it."""

from __future__ import annotations

import base64
import binascii
import secrets
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ispbill.accounts.customer_security import code_rate_check, one_time_code_check, one_time_code_send
from ispbill.accounts.models import OneTimeCode
from ispbill.core import images

from .chain import evidence_verify, terms_sha256
from .documents import contract_pdf, sha256
from .models import Contract, Signature, SigningChannel, SigningSession
from .services import Status, consent_text_for, contract_lock, end_replaced, event_record, status_move


def contract_signing_start(
    *, contract: Contract, ip: str | None, channel: str = SigningChannel.PORTAL, witness=None, visit_ref: str = "",
) -> SigningSession:
    """Start a signing session for this one contract and send its one-time code to the customer's
    registered phone (rate-limited). The code signs only this contract, only in this session, and
    only until it expires; an earlier session of the contract ends here, and a code asked for
    later (for any contract) replaces this one."""
    if contract.status != Status.SENT:
        raise ValidationError(_("This contract is not waiting for a signature."))
    customer = contract.customer
    if not customer.phone:
        raise ValidationError(_("No phone is registered on your account: ask us to add one."))
    code_rate_check(destination=customer.phone, ip=ip)
    with transaction.atomic():
        contract = contract_lock(contract)
        if contract.status != Status.SENT:
            raise ValidationError(_("This contract is not waiting for a signature."))
        now = timezone.now()
        SigningSession.objects.filter(contract=contract, ended_at__isnull=True).update(ended_at=now)
        otp = one_time_code_send(customer=customer, purpose=OneTimeCode.Purpose.CONTRACT_SIGN, destination=customer.phone)
        session = SigningSession.objects.create(
            contract=contract, channel=channel, witness=witness if getattr(witness, "pk", None) else None,
            visit_ref=str(visit_ref or "")[:40], one_time_code=otp, created_at=now, expires_at=otp.expires_at,
        )
        event_record(contract, "code_sent", witness if getattr(witness, "pk", None) else None, phone=customer.phone, channel=channel,
                **({"visit": str(visit_ref)} if visit_ref else {}))
    return session


def _open_session(contract: Contract, key: str) -> SigningSession:
    session = SigningSession.objects.filter(
        contract=contract, key=key or "-", ended_at__isnull=True, expires_at__gt=timezone.now(),
    ).first() if key else None
    if session is None or session.one_time_code_id is None:
        raise ValidationError({"code": _("This signing code has expired or was for another contract. Ask for a new code.")},
                              code="no_session")
    return session


def signature_png(data_url: str) -> bytes:
    """The drawn signature's PNG from its data URL: its size and dimensions are checked before any
    pixel is decoded (ispbill/core/images.py), then that something was drawn."""
    prefix = "data:image/png;base64,"
    drawn = _("Draw your signature in the box.")
    if not (data_url or "").startswith(prefix):
        raise ValidationError({"signature": drawn})
    if len(data_url) > len(prefix) + 4 * (images.SIGNATURE.max_bytes // 3 + 1):  # counted before decoding
        raise ValidationError({"signature": _("The signature image is too large.")})
    try:
        raw = base64.b64decode(data_url[len(prefix):], validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError({"signature": drawn}) from None
    try:
        image = images.image_checked(raw, limits=images.SIGNATURE, decode=True)
    except ValidationError as error:
        raise ValidationError({"signature": error.messages if error.code == "too_large" else drawn}) from None
    if image.convert("LA").getextrema()[1][1] == 0:  # fully transparent: nothing drawn
        raise ValidationError({"signature": drawn})
    return raw


def coordinates_checked(latitude, longitude) -> tuple[Decimal | None, Decimal | None]:
    """The place the signer's device gave: both or neither, finite numbers within the globe, to six
    decimals (about 10 cm). Anything else is refused: the page only ever sends such numbers."""
    refused = ValidationError(_("The location sent with the signature is not valid: untick "
                                "“Add my location” and sign again."), code="bad_location")

    def number(value, limit: int) -> Decimal | None:
        if value in (None, ""):
            return None
        try:
            parsed = Decimal(str(value).strip())
        except (InvalidOperation, ValueError):
            raise refused from None
        if not parsed.is_finite() or abs(parsed) > limit:
            raise refused
        return parsed.quantize(Decimal("0.000001"))

    lat, lon = number(latitude, 90), number(longitude, 180)
    if (lat is None) != (lon is None):
        raise refused
    return lat, lon


def contract_sign(
    *,
    contract: Contract,
    session_key: str,
    code: str,
    signer_name: str,
    signature_data_url: str,
    consent: bool,
    consent_text: str,
    ip: str | None = None,
    user_agent: str = "",
    latitude=None,
    longitude=None,
    device_time: str = "",
) -> Signature:
    """The customer signs: every input is checked first (a refusal there leaves the code unused),
    then the signing session (this contract's, still open) and the one code sent in it (a wrong
    code counts a try and is refused: nothing else changes), then, under the contract's lock and in
    the transaction that uses the code, the evidence is stored, the signed PDF rendered and its hash
    kept, and the contract is signed — active at once when its start date has come. Anything that
    fails after the code matched rolls the code's use back with the rest: it can sign again."""
    if contract.status != Status.SENT:
        raise ValidationError(_("This contract cannot be signed: it is %(status)s.") % {"status": contract.get_status_display()})
    signer_name = (signer_name or "").strip()
    if not signer_name:
        raise ValidationError({"signer_name": _("Type your full name.")})
    if not consent or consent_text != consent_text_for(contract):
        raise ValidationError({"consent": _("Tick the box to agree to the text shown.")})
    png = signature_png(signature_data_url)
    latitude, longitude = coordinates_checked(latitude, longitude)
    session = _open_session(contract, session_key)
    refused = None
    with transaction.atomic():
        contract = contract_lock(contract)  # before the code's row, in the order contract_signing_start locks them
        try:
            one_time_code_check(customer=contract.customer, purpose=OneTimeCode.Purpose.CONTRACT_SIGN, code=code,
                                code_id=session.one_time_code_id)
        except ValidationError as error:
            refused = error  # raised after the commit, which keeps the wrong try counted
        else:
            return sign(contract=contract, png=png, signer_name=signer_name, consent_text=consent_text, ip=ip,
                        user_agent=user_agent, latitude=latitude, longitude=longitude, device_time=device_time,
                        session=session)
    raise refused


@transaction.atomic
def sign(*, contract, png, signer_name, consent_text, ip, user_agent, latitude, longitude, device_time, session=None) -> Signature:
    contract = contract_lock(contract)
    if contract.status != Status.SENT:  # signed or voided meanwhile
        raise ValidationError(_("This contract cannot be signed: it is %(status)s.") % {"status": contract.get_status_display()})
    latitude, longitude = coordinates_checked(latitude, longitude)
    now = timezone.now()
    if session is not None:
        SigningSession.objects.filter(pk=session.pk).update(ended_at=now)
    signature = Signature(
        contract=contract, channel=session.channel if session else SigningChannel.PORTAL,
        witness_id=session.witness_id if session else None, signer_name=signer_name[:150], phone_verified=contract.customer.phone,
        ip_address=ip or None, user_agent=(user_agent or "")[:400], latitude=latitude,
        longitude=longitude, device_time=(device_time or "")[:64], server_time=now,
        image_sha256=sha256(png), document_sha256=contract.document_sha256, consent_text=consent_text,
        consent_sha256=sha256(consent_text.encode()),
    )
    signature.image.save(f"{secrets.token_urlsafe(24)}.png", ContentFile(png), save=False)
    pdf = contract_pdf(contract, signature=signature, signature_file=signature.image.path)
    signature.signed_pdf.save(f"{contract.number}-signed-{secrets.token_hex(8)}.pdf", ContentFile(pdf), save=False)
    signature.signed_pdf_sha256 = sha256(pdf)
    signature.save()
    status_move(contract, Status.SIGNED)
    contract.signed_at = now
    if contract.start_date <= timezone.localdate():
        status_move(contract, Status.ACTIVE)
    contract.save(update_fields=["status", "signed_at"])
    event_record(contract, "sign", None, signer=signer_name, phone=signature.phone_verified, ip=ip or "", channel=signature.channel,
            witness=signature.witness_id, visit=session.visit_ref if session else "",
            document_sha256=signature.document_sha256, terms_sha256=terms_sha256(contract), consent_sha256=signature.consent_sha256,
            image_sha256=signature.image_sha256, signed_pdf_sha256=signature.signed_pdf_sha256)
    if contract.status == Status.ACTIVE:
        event_record(contract, "activate", None)
    for replaced in Contract.objects.filter(pk=contract.replaces_id, status__in=Contract.IN_FORCE):
        end_replaced(replaced, by=contract)
    return signature


def verify_pdf(*, code: str, content: bytes) -> tuple[Contract | None, bool]:
    """(the contract, whether `content` is byte for byte its signed PDF, and the evidence we hold of
    it is intact: an altered store verifies nothing)."""
    contract = Contract.objects.select_related("signature", "customer").filter(verify_code=code).first()
    if contract is None or not hasattr(contract, "signature"):
        return contract, False
    if not evidence_verify(contract)[0]:
        return contract, False
    return contract, secrets.compare_digest(sha256(content), contract.signature.signed_pdf_sha256)
