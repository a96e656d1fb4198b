"""The customer page's Billing tab: balance, open invoices, the statement with its running balance,
payments (with Reverse for those allowed) and the staff credit dialog."""

from billing.selectors import account_balance, amount_open, available_credit, ledger_statement, open_invoices
from ispbill.core.money import ZERO
from payments.selectors import payments_for_customer

STATEMENT_LIMIT = 200
PAYMENTS_LIMIT = 50


def billing_tab_context(request, customer) -> dict:
    balance = account_balance(customer_id=customer.pk)
    statement = list(ledger_statement(customer_id=customer.pk))
    return {
        "balance": balance,
        "owes": balance > ZERO,
        "credit": -balance if balance < ZERO else ZERO,
        "amount_open": amount_open(customer_id=customer.pk),
        "available_credit": available_credit(customer_id=customer.pk),
        "open_invoices": open_invoices(customer_id=customer.pk),
        # The newest entries matter most; the running balance is computed over the whole statement.
        "statement": statement[-STATEMENT_LIMIT:],
        "statement_truncated": len(statement) > STATEMENT_LIMIT,
        "payments": payments_for_customer(customer)[:PAYMENTS_LIMIT],
    }
