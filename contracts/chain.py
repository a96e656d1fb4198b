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
