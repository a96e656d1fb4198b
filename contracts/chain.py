"""The hash chain of a contract's events: each event's hash covers the previous hash and its own
canonical content. `chain_verify` recomputes it and names the first event that does not fit."""

import hashlib
import json

from django.utils import timezone

from .models import Contract, ContractEvent

GENESIS = "0" * 64


def _digest(*, prev_hash: str, contract_id: int, seq: int, action: str, actor_id, data: dict, created_at) -> str:
    canonical = json.dumps(
        {"contract": contract_id, "seq": seq, "action": action, "actor": actor_id, "data": data,
         "at": created_at.isoformat()},
        sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str,
    )
    return hashlib.sha256(f"{prev_hash}{canonical}".encode()).hexdigest()


def event_append(*, contract: Contract, action: str, actor=None, data: dict | None = None) -> ContractEvent:
    """Append one event. The caller holds the contract's row lock, so sequence numbers never race."""
    last = ContractEvent.objects.filter(contract=contract).order_by("-seq").first()
    seq, prev = (last.seq + 1, last.hash) if last else (1, GENESIS)
    data = json.loads(json.dumps(data or {}, default=str))
    actor_id = actor.pk if getattr(actor, "pk", None) else None
    now = timezone.now()
    return ContractEvent.objects.create(
        contract=contract, seq=seq, action=action, actor_id=actor_id, data=data, created_at=now, prev_hash=prev,
        hash=_digest(prev_hash=prev, contract_id=contract.pk, seq=seq, action=action, actor_id=actor_id, data=data, created_at=now),
    )


def chain_verify(contract: Contract) -> tuple[bool, str]:
    """(True, "") when every event follows from the one before; else (False, what broke)."""
    prev, expected_seq = GENESIS, 1
    for event in ContractEvent.objects.filter(contract=contract).order_by("seq"):
        if event.seq != expected_seq:
            return False, f"event {expected_seq} is missing"
        if event.prev_hash != prev:
            return False, f"event {event.seq} does not follow event {event.seq - 1}"
        digest = _digest(prev_hash=prev, contract_id=contract.pk, seq=event.seq, action=event.action,
                         actor_id=event.actor_id, data=event.data, created_at=event.created_at)
        if digest != event.hash:
            return False, f"event {event.seq} ({event.action}) was changed"
        prev, expected_seq = event.hash, expected_seq + 1
    return True, ""


# The terms as signed, and the stored files ------------------------------------------------------------

# What the customer agreed to and that nothing may change once they signed: the text, and the fields
# the fees and dates are computed from (auto-renewal may still be stopped; status and end fields move).
TERMS_FIELDS = ("number", "customer_id", "template_id", "body_text", "term_months", "start_date", "end_date",
                "monthly_price", "fee_kind", "fee_value", "equipment", "notice_days")


def terms_sha256(contract: Contract) -> str:
    """SHA-256 of the contract's terms in a canonical form; the signing event chains it."""
    canonical = json.dumps({name: getattr(contract, name) for name in TERMS_FIELDS},
                           sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _file_sha256(field_file) -> str | None:
    if not field_file:
        return None
    try:
        with field_file.open("rb") as handle:
            digest = hashlib.sha256()
            for chunk in iter(lambda: handle.read(1024 * 1024), b""):
                digest.update(chunk)
            return digest.hexdigest()
    except (FileNotFoundError, OSError):
        return None


def evidence_verify(contract: Contract) -> tuple[bool, str]:
    """(True, "") when the event chain is intact and what it chained still holds: the terms as they
    were signed, the document shown (stored when sent) and the signed PDF we keep, each recomputed
    from what is stored now. Else (False, what was altered)."""
    ok, problem = chain_verify(contract)
    if not ok:
        return ok, problem
    contract = Contract.objects.select_related("signature").get(pk=contract.pk)  # as stored now, not as held in memory
    events = {event.action: event.data for event in ContractEvent.objects.filter(contract=contract, action__in=("send", "sign"))
              .order_by("seq")}
    signed = events.get("sign")
    if signed is None:
        return True, ""
    if "terms_sha256" in signed and signed["terms_sha256"] != terms_sha256(contract):
        return False, "the terms were altered after signing"
    sent_document = signed.get("document_sha256") or events.get("send", {}).get("document_sha256")
    if sent_document and _file_sha256(contract.document) != sent_document:
        return False, "the stored document shown to the signer was altered"
    signature = getattr(contract, "signature", None)
    if signature is None:
        return False, "the signature's evidence is missing"
    if signed.get("signed_pdf_sha256") != signature.signed_pdf_sha256 or _file_sha256(signature.signed_pdf) != signature.signed_pdf_sha256:
        return False, "the stored signed PDF was altered"
    return True, ""
