"""The retention offers' credits given before billing recorded them per line (billing 0014): each
credit shared over the invoice lines it was worked out on, by their gross, as churn's
`offers._credit_basis` does for a new credit. Until now billing asked churn for these shares at
the time it credited days back; it reads its own `LineCredit` rows from now on."""

from decimal import Decimal

from django.db import migrations

PERIOD_KINDS = ("recurring", "prorated")


def credit_basis(apps, credit):
    InvoiceLine = apps.get_model("billing", "InvoiceLine")
    offer, invoice = credit.offer, credit.invoice
    upgrade_invoice_id = offer.upgrade_change.invoice_id if offer.upgrade_change_id else None
    if offer.kind == "free_upgrade" and upgrade_invoice_id and invoice.pk == upgrade_invoice_id:
        return list(InvoiceLine.objects.filter(invoice=invoice, subscription_id=offer.subscription_id, period_start__isnull=False))
    lines = InvoiceLine.objects.filter(
        invoice=invoice, subscription_id=offer.subscription_id, kind__in=PERIOD_KINDS,
        period_start__gte=offer.starts_on, period_start__lte=offer.ends_on,
    ).exclude(invoice__status="void")
    if offer.kind == "free_upgrade":
        lines = lines.filter(invoice__issue_date__gte=offer.starts_on)
        if upgrade_invoice_id:
            lines = lines.exclude(invoice_id=upgrade_invoice_id)
    return list(lines)


def backfill(apps, schema_editor):
    RetentionOfferCredit = apps.get_model("churn", "RetentionOfferCredit")
    LineCredit = apps.get_model("billing", "LineCredit")
    rows = []
    for credit in RetentionOfferCredit.objects.select_related("offer", "offer__upgrade_change", "invoice").order_by("id"):
        basis = [line for line in credit_basis(apps, credit) if line.gross]
        gross = sum((line.gross for line in basis), Decimal("0"))
        if not gross or not credit.amount:
            continue
        rows += [LineCredit(line=line, amount=credit.amount * line.gross / gross, reason="Retention offer") for line in basis]
    LineCredit.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("churn", "0005_usage_window"),
        ("billing", "0014_line_credit"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
