"""The Tickets tab of the staff customer page (web/customers/views/customers.py CUSTOMER_TABS)."""

from tickets import selectors


def tickets_tab_context(request, customer) -> dict:
    return {"tickets": selectors.tickets_for_customer_tab(customer=customer)}
