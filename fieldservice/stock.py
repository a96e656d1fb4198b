"""The equipment store: receiving serials into a branch (typed, scanned or from a spreadsheet, all or
nothing), issuing them to a technician, taking them back, marking them faulty and writing them off.
Every move is an EquipmentMovement (who, when, why) and an audit entry; an item's allowed moves are
EquipmentItem.STOCK_MOVES. Staff reach items only through the branch-scoped selectors."""

import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext as _

from ispbill.core.audit import audit_record, audit_record_many

from .equipment import _move
from .models import EquipmentItem, EquipmentModel, EquipmentMovement

SERIAL_RE = re.compile(r"^[A-Z0-9][A-Z0-9\-_:./]{0,63}$")
MAX_RECEIVE = 5_000  # serials in one receipt (a form or one spreadsheet)
MAX_ERRORS_SHOWN = 50
SERIAL_HEADERS = ("serial", "serial number", "serial no", "sn", "s/n", "mac")
MODEL_HEADERS = ("model", "equipment model", "item", "device")


def serial_clean(raw: str) -> str:
    """A serial as stored: trimmed, upper case; letters, digits and - _ : . / only."""
    serial = (raw or "").strip().upper()
    if not serial:
        raise ValidationError(_("The serial is empty."))
    if not SERIAL_RE.match(serial):
        raise ValidationError(
            _("“%(serial)s” is not a serial: use up to 64 letters, digits and - _ : . / only.") % {"serial": serial[:80]}
        )
    return serial


def technician_may_hold(*, technician, item: EquipmentItem) -> bool:
    """A technician works for all branches or for some: they hold only their branches' stock."""
    if technician is None or technician.kind != "technician" or not technician.is_active:
        return False
    if technician.all_branches or item.branch_id is None:
        return True
    return technician.branches.filter(pk=item.branch_id).exists()


def _existing(serials: Iterable[str]) -> dict[str, EquipmentItem]:
    """Items whose serial matches one of `serials` whatever its case (stored serials may predate upper case)."""
    wanted = sorted({serial.upper() for serial in serials})
    found = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        for item in EquipmentItem.objects.annotate(upper_serial=Upper("serial")).filter(upper_serial__in=chunk):
            found[item.upper_serial] = item
    return found


def _create(*, actor, branch, pairs: list[tuple[EquipmentModel, str]], note: str) -> list[EquipmentItem]:
    now = timezone.now()
    try:
        with transaction.atomic():
            items = EquipmentItem.objects.bulk_create(
                [EquipmentItem(model=model, serial=serial, status=EquipmentItem.Status.IN_STOCK, branch=branch) for model, serial in pairs]
            )
    except IntegrityError:  # another receipt took one of these serials since they were checked
        raise ValidationError(_("One of these serials was recorded by someone else a moment ago: check the list and try again."))
    actor_or_none = actor if getattr(actor, "pk", None) else None
    EquipmentMovement.objects.bulk_create([
        EquipmentMovement(item=item, at=now, actor=actor_or_none, from_status="", to_status=EquipmentItem.Status.IN_STOCK,
                          note=(_("Received") + (f": {note}" if note else ""))[:200])
        for item in items
    ])
    audit_record_many(
        actor=actor, action="equipment.receive", reason=note,
        entries=[(item, None, {"serial": item.serial, "model": item.model_id, "branch": branch.pk}) for item in items],
    )
    return items


@transaction.atomic
def equipment_receive(*, actor, model: EquipmentModel, branch, serials: list[str], note: str = "") -> list[EquipmentItem]:
    """Receive serials of one model into a branch's store. Every serial is checked first; one bad
    serial refuses them all, with every problem named."""
    if branch is None:
        raise ValidationError({"branch": _("Choose the branch whose store receives the equipment.")})
    if not model.serial_tracked:
        raise ValidationError({"model": _("%(model)s is not tracked by serial.") % {"model": model}})
    raw = [line for line in serials if line.strip()]
    if not raw:
        raise ValidationError({"serials": _("Type or scan at least one serial.")})
    if len(raw) > MAX_RECEIVE:
        raise ValidationError({"serials": _("At most %(max)s serials at a time.") % {"max": f"{MAX_RECEIVE:,}"}})
    errors, cleaned, seen = [], [], set()
    for line in raw:
        try:
            serial = serial_clean(line)
        except ValidationError as error:
            errors.extend(error.messages)
            continue
        if serial in seen:
            errors.append(_("%(serial)s is listed twice.") % {"serial": serial})
            continue
        seen.add(serial)
        cleaned.append(serial)
    for serial, item in _existing(cleaned).items():
        errors.append(_("%(serial)s is already recorded (%(status)s).") % {"serial": serial, "status": item.get_status_display().lower()})
    if errors:
        raise ValidationError({"serials": errors[:MAX_ERRORS_SHOWN]})
    return _create(actor=actor, branch=branch, pairs=[(model, serial) for serial in cleaned], note=note)


def _column(headers: list[str], names: tuple[str, ...]) -> int | None:
    lowered = [header.strip().lower() for header in headers]
    for name in names:
        if name in lowered:
            return lowered.index(name)
    return None


@transaction.atomic
def equipment_receive_sheet(*, actor, branch, headers: list[str], rows: list[tuple[int, list[str]]], note: str = "") -> list[EquipmentItem]:
    """Receive the rows of a spreadsheet (a Serial and a Model column; the model by its name) into a
    branch's store. Every row is checked; any bad row refuses the whole sheet, each error with its row."""
    if branch is None:
        raise ValidationError({"branch": _("Choose the branch whose store receives the equipment.")})
    serial_at, model_at = _column(headers, SERIAL_HEADERS), _column(headers, MODEL_HEADERS)
    if serial_at is None or model_at is None:
        raise ValidationError({"file": _("The first row must name a Serial column and a Model column (found: %(headers)s).")
                               % {"headers": ", ".join(headers) or "—"}})
    if len(rows) > MAX_RECEIVE:
        raise ValidationError({"file": _("At most %(max)s serials in one spreadsheet: split it.") % {"max": f"{MAX_RECEIVE:,}"}})
    models = {model.name.lower(): model for model in EquipmentModel.objects.all()}
    errors, pairs, lines, first_line = [], [], {}, {}
    for line, cells in rows:
        serial_text = cells[serial_at] if serial_at < len(cells) else ""
        model_text = cells[model_at] if model_at < len(cells) else ""
        model = models.get(model_text.strip().lower())
        problems = []
        if model is None:
            problems.append(_("no equipment model named “%(name)s”") % {"name": model_text.strip()[:80]} if model_text.strip()
                            else _("the model is empty"))
        elif not model.serial_tracked:
            problems.append(_("%(model)s is not tracked by serial") % {"model": model})
        try:
            serial = serial_clean(serial_text)
        except ValidationError as error:
            problems.extend(error.messages)
            serial = None
        if serial and serial in first_line:
            problems.append(_("%(serial)s is also on row %(row)s") % {"serial": serial, "row": first_line[serial]})
        if problems:
            errors.append((line, "; ".join(problems)))
            continue
        first_line[serial] = line
        lines[serial] = line
        pairs.append((model, serial))
    for serial, item in _existing(lines).items():
        errors.append((lines[serial], _("%(serial)s is already recorded (%(status)s)") % {
            "serial": serial, "status": item.get_status_display().lower()}))
    if errors:
        errors.sort()
        messages = [_("Row %(row)s: %(problem)s.") % {"row": line, "problem": problem} for line, problem in errors[:MAX_ERRORS_SHOWN]]
        if len(errors) > MAX_ERRORS_SHOWN:
            messages.append(_("… and %(count)s more rows with errors.") % {"count": len(errors) - MAX_ERRORS_SHOWN})
        raise ValidationError({"file": messages})
    if not pairs:
        raise ValidationError({"file": _("The spreadsheet has no serials.")})
    return _create(actor=actor, branch=branch, pairs=pairs, note=note)


def _locked(item: EquipmentItem, move: str) -> EquipmentItem:
    item = EquipmentItem.objects.select_for_update(of=("self",)).select_related("model", "branch").get(pk=item.pk)
    if not item.can(move):
        raise ValidationError(
            _("%(serial)s is %(status)s: it cannot be %(move)s.") % {
                "serial": item.serial, "status": item.get_status_display().lower(),
                "move": {"issue": _("issued"), "return": _("returned to the store"), "faulty": _("marked faulty"),
                         "write_off": _("written off")}[move],
            },
            code="invalid_transition",
        )
    return item


def _audit(*, actor, item: EquipmentItem, move: str, before: dict, reason: str) -> None:
    audit_record(
        actor=actor, action=f"equipment.{move}", obj=item, reason=reason, before=before,
        after={"status": item.status, "technician": item.technician_id},
    )


def _reason(reason: str, *, required: bool) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise ValidationError({"reason": _("Say why.")})
    return reason[:200]


@transaction.atomic
def equipment_issue(*, actor, item: EquipmentItem, technician, note: str = "") -> EquipmentItem:
    """Hand an item from the store (or from one technician) to a technician of the item's branch."""
    item = _locked(item, "issue")
    if not technician_may_hold(technician=technician, item=item):
        raise ValidationError({"technician": _("Choose an active technician who works for %(branch)s.") % {
            "branch": item.branch.name if item.branch else _("this branch")}})
    if item.technician_id == technician.pk:
        raise ValidationError({"technician": _("%(serial)s is already with this technician.") % {"serial": item.serial}})
    before = {"status": item.status, "technician": item.technician_id}
    note = _reason(note, required=False)
    item = _move(item, actor=actor, to=EquipmentItem.Status.WITH_TECHNICIAN, technician=technician, note=note or _("Issued"))
    _audit(actor=actor, item=item, move="issue", before=before, reason=note)
    return item


@transaction.atomic
def equipment_return(*, actor, item: EquipmentItem, note: str = "") -> EquipmentItem:
    """A technician brings an item back to the store: unused stock is in stock again, a used one is
    "returned (good)", a faulty one stays faulty, now in the store."""
    item = _locked(item, "return")
    before = {"status": item.status, "technician": item.technician_id}
    if item.status == EquipmentItem.Status.RETURNED_FAULTY:
        to = EquipmentItem.Status.RETURNED_FAULTY
    elif item.movements.filter(to_status=EquipmentItem.Status.INSTALLED).exists():
        to = EquipmentItem.Status.RETURNED_GOOD
    else:
        to = EquipmentItem.Status.IN_STOCK
    note = _reason(note, required=False)
    item = _move(item, actor=actor, to=to, note=note or _("Returned to the store"))
    _audit(actor=actor, item=item, move="return", before=before, reason=note)
    return item


@transaction.atomic
def equipment_mark_faulty(*, actor, item: EquipmentItem, reason: str) -> EquipmentItem:
    """Faulty: never issued or installed again until written off. Whoever holds it keeps it until it is returned."""
    reason = _reason(reason, required=True)
    item = _locked(item, "faulty")
    before = {"status": item.status, "technician": item.technician_id}
    item = _move(item, actor=actor, to=EquipmentItem.Status.RETURNED_FAULTY, technician=item.technician, note=reason)
    _audit(actor=actor, item=item, move="faulty", before=before, reason=reason)
    return item


@transaction.atomic
def equipment_write_off(*, actor, item: EquipmentItem, reason: str) -> EquipmentItem:
    """Lost, stolen or beyond repair: out of stock for good, its history kept."""
    reason = _reason(reason, required=True)
    item = _locked(item, "write_off")
    before = {"status": item.status, "technician": item.technician_id}
    item = _move(item, actor=actor, to=EquipmentItem.Status.WRITTEN_OFF, note=reason)
    _audit(actor=actor, item=item, move="write_off", before=before, reason=reason)
    return item
