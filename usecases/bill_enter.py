"""A supplier's bill entered (docs/accounts.md, "Expenses and purchases"): books' bill (approved at
once under the approval limit, else waiting for a second person); the ledger's journal entry when
it is approved; equipment bought received into the branch's store (fieldservice), its serials kept
on the bill; all in one transaction, so a serial the store refuses leaves no bill behind."""

from __future__ import annotations

from django.db import transaction

from billing.ledger.books import bill_journal
from books import services as books_services
from books.models import Bill, ExpenseCategory
from fieldservice.stock import equipment_receive


@transaction.atomic
def bill_enter(*, actor, supplier, category: str, branch, bill_date, description: str, net, vat=0, supplier_reference: str = "",
               attachment=None, equipment_model=None, serials: list[str] | None = None) -> Bill:
    serials = [s for s in (serials or []) if s.strip()]
    items = []
    if category == ExpenseCategory.EQUIPMENT and serials and equipment_model is not None:
        # The store's own checks (format, duplicates, serials already recorded) refuse the whole bill.
        items = equipment_receive(actor=actor, model=equipment_model, branch=branch, serials=serials,
                                  note=f"{supplier.name} {supplier_reference}".strip()[:150])
    bill = books_services.bill_create(
        actor=actor, supplier=supplier, category=category, branch=branch, bill_date=bill_date, description=description,
        net=net, vat=vat, supplier_reference=supplier_reference, attachment=attachment,
        equipment_model=equipment_model.name if items else "", equipment_serials=[item.serial for item in items],
    )
    if bill.status == Bill.Status.APPROVED:
        bill_journal(bill=bill)
    return bill
