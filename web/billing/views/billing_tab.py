"""The customer page's Billing tab: balance, every invoice (linked, with its PDF), the statement with
its running balance and a statement PDF for a date range, payments (with receipt PDFs, and Reverse for
those allowed) and the staff credit dialog."""

from billing.selectors import (
    account_balance,
    amount_open,
    available_credit,
    credit_notes_for_customer,
    invoices_for_customer,
    ledger_statement,
    one_time_charges_for_customer,
)
from ispbill.core.money import ZERO
from payments.online_selectors import autopay_rows
from payments.selectors import past_payments_for_customer, payments_for_customer
from web.billing.forms import StatementForm

STATEMENT_LIMIT = 200
PAYMENTS_LIMIT = 50
INVOICES_LIMIT = 50
CHARGES_LIMIT = 50


def billing_tab_context(request, customer) -> dict:
    balance = account_balance(customer_id=customer.pk)
    statement = list(ledger_statement(customer_id=customer.pk))
    return {
        "balance": balance,
        "owes": balance > ZERO,
        "credit": -balance if balance < ZERO else ZERO,
        "amount_open": amount_open(customer_id=customer.pk),
        "available_credit": available_credit(customer_id=customer.pk),
        "invoices": invoices_for_customer(customer_id=customer.pk)[:INVOICES_LIMIT],
        "statement_form": StatementForm(initial=StatementForm.default_initial()),
        # The newest entries matter most; the running balance is computed over the whole statement.
        "statement": statement[-STATEMENT_LIMIT:],
        "statement_truncated": len(statement) > STATEMENT_LIMIT,
        "payments": payments_for_customer(customer)[:PAYMENTS_LIMIT],
        "past_payments": past_payments_for_customer(customer_id=customer.pk)[:PAYMENTS_LIMIT],
        "one_time_charges": one_time_charges_for_customer(customer_id=customer.pk)[:CHARGES_LIMIT],
        "credit_notes": credit_notes_for_customer(customer_id=customer.pk)[:CHARGES_LIMIT],
        "autopay": next(iter(autopay_rows(user=request.user, only_enabled=False, customer_ids=[customer.pk])), None),
    }
