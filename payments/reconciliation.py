"""Reconciliation with the gateways (docs/payments.md, "Reconciliation"): each gateway's transactions
of a day set against ours, the differences listed for staff, and the settlement report (gross, fee,
refunds, net) that the bank deposit must match.

Where the gateway's transactions come from:

* its query API, one transaction at a time (`Gateway.lookup`: SSLCommerz's transaction query by our
  tran_id, bKash's payment/status by paymentID), asked about every payment we settled that day and
  every attempt of that day or the day before that we did not settle (one the gateway has and we do
  not: a callback and every re-query lost);
* its merchant portal's daily settlement report, which staff upload (`statement_import`): neither
  gateway's API lists a day, and only the report holds the fee the gateway kept, what the bank deposit
  carries, and transactions no attempt of ours names (a bKash Pay Bill payment whose notification
  never came).

Each transaction becomes one `ReconciliationItem` per gateway and day: matched, missing on our side,
missing at the gateway, or amounts differ. The money of a settlement moves in usecases/reconciliation.py
through the services the callbacks use; nothing here moves money.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from ispbill.core.audit import audit_record
from ispbill.core.jobs import job_progress
from ispbill.core.money import ZERO

from . import paybill, sslcommerz
from .gateways import GATEWAYS, GatewayTxn, local_time
from .models import (
    GatewayPayment,
    GatewayRefund,
    GatewayStatement,
    GatewayStatementLine,
    Payment,
    ReconciliationItem,
    ReconciliationRun,
)

STATEMENT_MAX_BYTES = 5 * 1024 * 1024
STATEMENT_MAX_ROWS = 100_000
MAX_AMOUNT = Decimal("10000000.00")
TXN_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,100}$")
SETTLED = (GatewayPayment.Status.PAID, GatewayPayment.Status.HELD, GatewayPayment.Status.REJECTED)
Kind = ReconciliationItem.Kind


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


# The settlement report file ----------------------------------------------------------------------


def _money(text: str) -> Decimal | None:
    text = str(text or "").strip().replace(",", "")
    if not re.fullmatch(r"-?[0-9]{1,10}(\.[0-9]{1,2})?", text):
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if abs(value) <= MAX_AMOUNT else None


def statement_parse(*, gateway: str, day: date, data: bytes) -> list[GatewayTxn]:
    """The report's counted rows as transactions. Refuses the whole file (ValidationError naming the
    first problems by line) for anything it cannot read: not UTF-8 CSV, a column missing, a row of
    another day, an unknown type, an amount that is not money, a transaction id twice."""
    fmt = GATEWAYS[gateway].statement
    if len(data) > STATEMENT_MAX_BYTES:
        raise ValidationError(_("The file is larger than 5 MB."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(_("The file is not UTF-8 text (a CSV export of the report).")) from None
    if "\x00" in text:
        raise ValidationError(_("The file is not a CSV export of the report."))
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = reader.fieldnames or []
    except csv.Error:
        raise ValidationError(_("The file is not a CSV export of the report.")) from None
    missing = [name for name in fmt.required if name not in header]
    if missing:
        raise ValidationError(_("This is not the gateway's report: the columns %(columns)s are missing.")
                              % {"columns": ", ".join(missing)})
    problems: list[str] = []
    rows: list[GatewayTxn] = []
    seen: set[str] = set()
    try:
        for number, row in enumerate(reader, start=2):
            if number > STATEMENT_MAX_ROWS + 1:
                raise ValidationError(_("The file has more than %(n)s rows.") % {"n": STATEMENT_MAX_ROWS})
            if None in row or any(value is None for value in row.values()):
                problems.append(_("line %(n)s: the number of columns is wrong") % {"n": number})
                continue
            if str(row[fmt.status]).strip() not in fmt.ok_statuses:
                continue  # a failed or pending transaction moved no money
            txn_id, raw_kind = row[fmt.txn_id].strip(), row[fmt.kind].strip() if fmt.kind else ""
            kind = fmt.kinds.get(raw_kind)
            amount = _money(row[fmt.amount])
            at = local_time(row[fmt.at], fmt.time_format)
            if not TXN_ID.match(txn_id):
                problems.append(_("line %(n)s: the transaction id is missing or malformed") % {"n": number})
            elif txn_id in seen:
                problems.append(_("line %(n)s: transaction %(id)s is listed twice") % {"n": number, "id": txn_id})
            if kind is None:
                problems.append(_("line %(n)s: unknown transaction type %(type)r") % {"n": number, "type": raw_kind[:40]})
            if amount is None or amount <= ZERO:
                problems.append(_("line %(n)s: the amount is not a positive amount of money") % {"n": number})
            if at is None:
                problems.append(_("line %(n)s: the date and time cannot be read") % {"n": number})
            elif timezone.localdate(at) != day:
                problems.append(_("line %(n)s: dated %(at)s, not %(day)s") % {"n": number, "at": timezone.localdate(at), "day": day})
            fee = ZERO
            if kind != GatewayStatementLine.Kind.REFUND and amount is not None and amount > ZERO:
                if fmt.fee:
                    fee = _money(row[fmt.fee])
                else:
                    net = _money(row[fmt.net])
                    fee = amount - net if net is not None else None
                if fee is None or fee < ZERO or fee >= amount:
                    problems.append(_("line %(n)s: the fee is not an amount of money below the amount") % {"n": number})
            seen.add(txn_id)
            if len(problems) >= 10:
                break
            if not problems:
                rows.append(GatewayTxn(txn_id=txn_id, kind=kind, amount=amount, fee=fee, at=at,
                                       reference=row[fmt.reference].strip()[:100]))
    except csv.Error as error:
        problems.append(_("the CSV cannot be read: %(error)s") % {"error": error})
    if problems:
        raise ValidationError(problems[:10])
    return rows


@transaction.atomic
def statement_import(*, actor, gateway: str, day: date, filename: str, data: bytes) -> GatewayStatement:
    """Keep an uploaded report (all its counted rows, or nothing). The day's reconciliation then reads it."""
    if gateway not in GATEWAYS:
        raise ValidationError(_("Unknown gateway."))
    rows = statement_parse(gateway=gateway, day=day, data=data)
    statement = GatewayStatement.objects.create(gateway=gateway, day=day, filename=(filename or "")[:255],
                                                sha256=hashlib.sha256(data).hexdigest(), uploaded_by=actor)
    GatewayStatementLine.objects.bulk_create(
        [GatewayStatementLine(statement=statement, txn_id=r.txn_id, kind=r.kind, at=r.at, amount=r.amount, fee=r.fee,
                              reference=r.reference) for r in rows], batch_size=2000)
    audit_record(actor=actor, action="gateway_statement.upload", obj=statement,
                 after={"gateway": gateway, "day": str(day), "rows": len(rows), "sha256": statement.sha256})
    return statement


def statement_for(*, gateway: str, day: date) -> GatewayStatement | None:
    return GatewayStatement.objects.filter(gateway=gateway, day=day).order_by("-uploaded_at", "-id").first()


def _statement_lines(statement: GatewayStatement | None) -> list[GatewayStatementLine]:
    return list(statement.lines.all()) if statement else []


def _statement_txn_ids_near(*, gateway: str, day: date) -> set[str]:
    """Payment ids on the latest reports of the day and the days either side: a payment completed at
    23:59:59 at the gateway may be credited at 00:00:01 here."""
    ids: set[str] = set()
    for near in (day - timedelta(days=1), day, day + timedelta(days=1)):
        statement = statement_for(gateway=gateway, day=near)
        if statement:
            ids.update(statement.lines.exclude(kind=GatewayStatementLine.Kind.REFUND).values_list("txn_id", flat=True))
    return ids


# The day's reconciliation ------------------------------------------------------------------------


@dataclass
class _Found:
    kind: str
    txn_id: str = ""
    gateway_payment: GatewayPayment | None = None
    payment: Payment | None = None
    our_amount: Decimal | None = None
    gateway_amount: Decimal | None = None
    gateway_fee: Decimal | None = None
    gateway_at: datetime | None = None
    statement_kind: str = ""
    reference: str = ""
    detail: str = ""


def _compare(ours: Decimal, theirs: Decimal) -> str:
    return Kind.MATCHED if ours == theirs else Kind.AMOUNT_MISMATCH


def reconcile_day(*, gateway: str, day: date, actor=None) -> ReconciliationRun:
    """Set the gateway's transactions of `day` against ours and record one item per transaction.
    Resolved items are never changed; an unresolved one is brought up to date."""
    gw = GATEWAYS[gateway]
    start, end = day_bounds(day)
    statement = statement_for(gateway=gateway, day=day)
    run = ReconciliationRun.objects.create(gateway=gateway, day=day, statement=statement, started_by=actor)
    found: dict[str, _Found] = {}
    unchecked = 0

    ours = list(GatewayPayment.objects.filter(gateway=gateway, status__in=SETTLED, paid_at__gte=start, paid_at__lt=end)
                .select_related("payment").order_by("id"))
    attempts = list(
        GatewayPayment.objects.filter(gateway=gateway, status__in=GatewayPayment.OPEN_STATUSES,
                                      created_at__gte=start - timedelta(days=1), created_at__lt=end)
        .exclude(sessionkey="").order_by("id")
    )
    looked: dict[int, GatewayTxn | None] = {}
    for gp in ours + attempts:
        try:
            looked[gp.pk] = gw.lookup(gp=gp)
        except sslcommerz.GatewayError:
            unchecked += 1
    at_gateway: dict[str, GatewayTxn] = {}
    gp_of_txn: dict[str, GatewayPayment] = {}
    for gp in attempts:
        txn = looked.get(gp.pk)
        if txn is not None and (txn.at is None or start <= txn.at < end):
            at_gateway[txn.txn_id] = txn
            gp_of_txn[txn.txn_id] = gp
    for line in _statement_lines(statement):
        if line.kind != GatewayStatementLine.Kind.REFUND:
            at_gateway[line.txn_id] = GatewayTxn(txn_id=line.txn_id, kind=line.kind, amount=line.amount, fee=line.fee,
                                                 at=line.at, reference=line.reference)
    on_statements = _statement_txn_ids_near(gateway=gateway, day=day)

    # Ours: every payment we settled that day, found at the gateway or not.
    for gp in ours:
        txn_id = gp.bank_tran_id
        if gp.pk not in looked and txn_id not in on_statements:
            continue  # the gateway did not answer: not judged (the run says how many)
        txn = at_gateway.get(txn_id) or looked.get(gp.pk)
        if txn is None and txn_id in on_statements:
            line = GatewayStatementLine.objects.filter(statement__gateway=gateway, txn_id=txn_id).order_by("-id").first()
            txn = GatewayTxn(txn_id=txn_id, kind=line.kind, amount=line.amount, fee=line.fee, at=line.at, reference=line.reference)
        key = txn_id or f"ours:{gp.tran_id}"
        item = _Found(kind=Kind.MISSING_GATEWAY, txn_id=txn_id, gateway_payment=gp, payment=gp.payment, our_amount=gp.amount,
                      reference=gp.tran_id)
        if txn is not None:
            item.kind = _compare(gp.amount, txn.amount)
            item.gateway_amount, item.gateway_fee, item.gateway_at = txn.amount, txn.fee, txn.at
            item.statement_kind = txn.kind
        else:
            item.detail = _("The gateway has no completed transaction for this payment.")
        found[key] = item

    # bKash Pay Bill payments we recorded: only its report lists them.
    if gateway == GatewayPayment.Gateway.BKASH and statement is not None:
        for payment in Payment.objects.filter(method=Payment.Method.BKASH_PAYBILL, status=Payment.Status.COMPLETED,
                                              received_at__gte=start, received_at__lt=end):
            txn = at_gateway.get(payment.reference)
            item = _Found(kind=Kind.MISSING_GATEWAY, txn_id=payment.reference, payment=payment, our_amount=payment.amount,
                          reference=payment.customer.account_number if payment.customer_id else "",
                          statement_kind=GatewayStatementLine.Kind.PAYBILL)
            if txn is not None:
                item.kind = _compare(payment.amount, txn.amount)
                item.gateway_amount, item.gateway_fee, item.gateway_at = txn.amount, txn.fee, txn.at
            elif payment.reference in on_statements:
                item.kind, item.detail = Kind.MATCHED, _("On the report of the day before or after.")
            else:
                item.detail = _("Not on the gateway's report.")
            found[payment.reference] = item

    # Theirs: every transaction the gateway has that is not one of the above.
    for txn_id, txn in at_gateway.items():
        if txn_id in found:
            continue
        item = _Found(kind=Kind.MISSING_OURS, txn_id=txn_id, gateway_amount=txn.amount, gateway_fee=txn.fee,
                      gateway_at=txn.at, statement_kind=txn.kind, reference=txn.reference)
        if txn.kind == GatewayStatementLine.Kind.PAYBILL:
            payment = paybill.paybill_payment_for_trx(txn_id)
            if payment is not None:
                item.payment, item.our_amount = payment, payment.amount
                item.kind = _compare(payment.amount, txn.amount)
                item.detail = _("Recorded on %(day)s.") % {"day": timezone.localdate(payment.received_at)}
        else:
            settled = GatewayPayment.objects.filter(gateway=gateway, bank_tran_id=txn_id, status__in=SETTLED).first()
            if settled is not None:
                item.gateway_payment, item.payment, item.our_amount = settled, settled.payment, settled.amount
                item.kind = _compare(settled.amount, txn.amount)
                item.detail = _("Settled here on %(day)s.") % {"day": timezone.localdate(settled.paid_at)}
            else:
                item.gateway_payment = gp_of_txn.get(txn_id) or GatewayPayment.objects.filter(
                    gateway=gateway, tran_id=txn.reference[:30]).first() if txn.reference else gp_of_txn.get(txn_id)
                if item.gateway_payment is not None:
                    item.our_amount = item.gateway_payment.amount
                    item.detail = _("Our attempt %(tran)s is %(status)s.") % {
                        "tran": item.gateway_payment.tran_id, "status": item.gateway_payment.get_status_display()}
                else:
                    item.detail = _("No attempt of ours names this transaction.")
        found[txn_id] = item

    counts = _store(gateway=gateway, day=day, found=found, prune=unchecked == 0)
    counts.update(unchecked=unchecked, statement_lines=len(_statement_lines(statement)) if statement else None)
    run.counts, run.finished_at = counts, timezone.now()
    run.save(update_fields=["counts", "finished_at"])
    job_progress(processed=len(found), failed=unchecked)
    return run


@transaction.atomic
def _store(*, gateway: str, day: date, found: dict[str, _Found], prune: bool) -> dict:
    existing = {item.key: item for item in ReconciliationItem.objects.select_for_update().filter(gateway=gateway, day=day)}
    counts = {kind: 0 for kind in Kind.values}
    for key, f in found.items():
        counts[f.kind] += 1
        item = existing.get(key)
        if item is not None and item.resolution:
            continue
        values = {"kind": f.kind, "txn_id": f.txn_id[:100], "gateway_payment": f.gateway_payment, "payment": f.payment,
                  "our_amount": f.our_amount, "gateway_amount": f.gateway_amount, "gateway_fee": f.gateway_fee,
                  "gateway_at": f.gateway_at, "statement_kind": f.statement_kind, "reference": f.reference[:100],
                  "detail": f.detail[:255]}
        if item is None:
            ReconciliationItem.objects.create(gateway=gateway, day=day, key=key[:110], **values)
        else:
            for name, value in values.items():
                setattr(item, name, value)
            item.save()
    if prune:
        stale = [item.pk for key, item in existing.items() if key not in found and not item.resolution]
        ReconciliationItem.objects.filter(pk__in=stale).delete()
    return counts


def reconcile_yesterday(*, now=None) -> dict:
    """The nightly job: every gateway that is set up, for the day that has just ended."""
    day = timezone.localdate(now or timezone.now()) - timedelta(days=1)
    result = {}
    for code, gw in GATEWAYS.items():
        config = gw.settings()
        if not config.ready and not GatewayPayment.objects.filter(gateway=code).exists():
            continue
        result[code] = reconcile_day(gateway=code, day=day).counts
    return result


# What staff see ----------------------------------------------------------------------------------


def items_for(*, gateway: str, day: date, kind: str | None = None):
    items = ReconciliationItem.objects.filter(gateway=gateway, day=day).select_related(
        "gateway_payment__customer", "payment__customer", "resolved_by")
    if kind:
        items = items.filter(kind=kind)
    return items.order_by("kind", "gateway_at", "id")


def item_counts(*, gateway: str, day: date) -> dict:
    rows = ReconciliationItem.objects.filter(gateway=gateway, day=day).values("kind").annotate(
        n=Count("id"), open=Count("id", filter=Q(resolution="")))
    counts = {kind: {"n": 0, "open": 0} for kind in Kind.values}
    for row in rows:
        counts[row["kind"]] = {"n": row["n"], "open": row["open"] if row["kind"] != Kind.MATCHED else 0}
    return counts


def last_run(*, gateway: str, day: date) -> ReconciliationRun | None:
    return ReconciliationRun.objects.filter(gateway=gateway, day=day).order_by("-started_at", "-id").first()


# The settlement report ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    count: int
    gross: Decimal
    fee: Decimal
    refunds: Decimal

    @property
    def net(self) -> Decimal:
        return self.gross - self.fee - self.refunds


@dataclass(frozen=True)
class SettlementDay:
    day: date
    ours: Figures
    statement: Figures | None

    @property
    def difference(self) -> Decimal | None:
        return None if self.statement is None else self.statement.net - self.ours.net


def _ours(*, gateway: str, day: date) -> Figures:
    start, end = day_bounds(day)
    paid = GatewayPayment.objects.filter(gateway=gateway, status__in=SETTLED, paid_at__gte=start, paid_at__lt=end).aggregate(
        n=Count("id"), gross=Sum("amount"), fee=Sum("fee"))
    count, gross, fee = paid["n"], paid["gross"] or ZERO, paid["fee"] or ZERO
    if gateway == GatewayPayment.Gateway.BKASH:
        pb = Payment.objects.filter(method=Payment.Method.BKASH_PAYBILL, received_at__gte=start, received_at__lt=end).aggregate(
            n=Count("id"), gross=Sum("amount"))
        count, gross = count + pb["n"], gross + (pb["gross"] or ZERO)
    refunds = GatewayRefund.objects.filter(gateway_payment__gateway=gateway, requested_at__gte=start, requested_at__lt=end).exclude(
        status=GatewayRefund.Status.FAILED).aggregate(total=Sum("amount"))["total"] or ZERO
    return Figures(count=count, gross=gross, fee=fee, refunds=refunds)


def _theirs(statement: GatewayStatement | None) -> Figures | None:
    if statement is None:
        return None
    lines = statement.lines.all()
    paid = lines.exclude(kind=GatewayStatementLine.Kind.REFUND).aggregate(n=Count("id"), gross=Sum("amount"), fee=Sum("fee"))
    refunds = lines.filter(kind=GatewayStatementLine.Kind.REFUND).aggregate(total=Sum("amount"))["total"] or ZERO
    return Figures(count=paid["n"], gross=paid["gross"] or ZERO, fee=paid["fee"] or ZERO, refunds=refunds)


def settlement_report(*, gateway: str, first: date, last: date) -> dict:
    """Per day of [first, last]: our figures (count, gross, fee, refunds, net) and the gateway report's,
    with the difference between the two nets (the report's net is the bank deposit)."""
    days = []
    day = first
    while day <= last:
        days.append(SettlementDay(day=day, ours=_ours(gateway=gateway, day=day),
                                  statement=_theirs(statement_for(gateway=gateway, day=day))))
        day += timedelta(days=1)

    def total(figures: list[Figures]) -> Figures:
        return Figures(count=sum(f.count for f in figures), gross=sum((f.gross for f in figures), ZERO),
                       fee=sum((f.fee for f in figures), ZERO), refunds=sum((f.refunds for f in figures), ZERO))

    with_statement = [d.statement for d in days if d.statement is not None]
    return {"gateway": gateway, "first": first, "last": last, "days": days, "ours": total([d.ours for d in days]),
            "statement": total(with_statement) if with_statement else None, "missing_statements": len(days) - len(with_statement)}


# Resolving a difference (usecases/reconciliation.py decides how; the item's row is written here) ------


def reconciliation_item_resolve(*, actor, item: ReconciliationItem, resolution: str, note: str = "", payment=None,
                                gateway_payment=None) -> ReconciliationItem:
    """One conditional change of an open item, under its row lock, audited: an item resolved meanwhile
    is returned as it is."""
    with transaction.atomic():
        locked = ReconciliationItem.objects.select_for_update().get(pk=item.pk)
        if locked.resolution:
            return locked
        locked.resolution, locked.resolved_by, locked.resolved_at, locked.note = resolution, actor, timezone.now(), note[:255]
        if payment is not None:
            locked.payment = payment
        if gateway_payment is not None:
            locked.gateway_payment = gateway_payment
        locked.save()
        audit_record(actor=actor, action=f"reconciliation.{resolution}", obj=locked, reason=note,
                     before={"kind": locked.kind}, after={"resolution": resolution, "txn_id": locked.txn_id,
                                                           "payment": payment.receipt_number if payment else None})
    return locked


def reconcile_day_audited(*, actor, gateway: str, day) -> ReconciliationRun:
    """Staff's "run again": `reconcile_day`, audited."""
    run = reconcile_day(gateway=gateway, day=day, actor=actor)
    audit_record(actor=actor, action="reconciliation.run", obj=run, after={"gateway": gateway, "day": str(day), **run.counts})
    return run
