"""The staff roles an ISP starts with. Admins edit their permissions in Settings → Users & roles."""

# (role, {app_label: actions}) — actions from Django's view/add/change/delete per model of that app,
# plus named custom permissions as "app_label.codename".
ADMIN = "Admin"
MANAGER = "Manager"
CASHIER = "Cashier"
SUPPORT = "Support"
TECHNICIAN_SUPERVISOR = "Technician supervisor"
TECHNICIAN = "Technician"
ACCOUNTANT = "Accountant"

# Modules shown in the permission matrix: app label → heading.
MODULES = {
    "customers": "Customers & catalogue",
    "billing": "Billing",
    "books": "Books & VAT",
    "payments": "Payments",
    "network": "Network",
    "radius": "RADIUS",
    "fibre": "Fibre plant",
    "tickets": "Tickets",
    "fieldservice": "Field service",
    "resellers": "Resellers",
    "contracts": "Contracts",
    "churn": "Churn",
    "notify": "Notifications",
    "accounts": "Users & roles",
    "core": "Audit log",
    "dashboard": "Business analytics",
    "imports": "Import & export",
    "vouchers": "Prepaid cards",
    "api": "API tokens",
}

DEFAULT_ROLE_PERMISSIONS: dict[str, list[str]] = {
    ADMIN: ["*"],
    MANAGER: [
        "customers.*", "billing.*", "payments.*", "network.*", "fibre.*", "tickets.*", "fieldservice.*",
        "resellers.*", "contracts.*", "churn.*", "vouchers.*", "core.view_auditlog", "accounts.view_user", "notify.*",
        # Sessions, refused logins, "Test a login" and "Disconnect" (docs/radius.md, "Screens").
        "radius.*",
        "core.view_jobrun",  # the job log; "run again" (core.rerun_jobrun) is the administrators'
        "dashboard.view_analytics", "books.*",
        # The regulator's session logs: who had an IP address when, and their export (audited).
        "radius.view_sessionlog", "radius.export_sessionlog",
        # Gateway credentials are the administrators' (the merchant account's password).
        "-payments.change_gatewaysettings", "-payments.add_gatewaysettings", "-payments.delete_gatewaysettings",
        # Training a churn model on demand is the administrators' (it reads the whole history).
        "-churn.train_churnmodel",
    ],
    # Collectors take money and chase dues; billing settings, runs, voids, reversals, refunds and
    # package decisions are the managers'.
    CASHIER: [
        "customers.view_customer", "customers.view_subscription", "customers.view_package",
        "customers.view_area", "customers.view_branch", "customers.view_calllog", "customers.add_calllog",
        "billing.view_invoice", "billing.view_account", "billing.view_ledgerentry", "billing.view_billingrun",
        "payments.view_payment", "payments.add_payment", "payments.view_gatewaypayment",
        # They count the cash collectors bring in from the field.
        "payments.view_cashhandover", "payments.add_cashhandover",
    ],
    SUPPORT: [
        "customers.view_customer", "customers.change_customer", "customers.view_subscription",
        "customers.view_package", "customers.view_area", "customers.view_branch",
        "customers.view_lead", "customers.add_lead", "customers.change_lead",
        # Support handles tickets; SLA policies and survey analytics are the managers' (tickets.*).
        "tickets.view_ticket", "tickets.add_ticket", "tickets.change_ticket", "tickets.assign_ticket",
        "tickets.view_ticketcomment", "tickets.add_ticketcomment", "tickets.view_slapolicy",
        "core.view_auditlog", "notify.view_message", "notify.retry_message",
        # They take the calls when the network is down: they see outages (declaring one is the NOC's).
        "network.view_outage", "network.view_outageupdate",
        # "Why can't I connect?": who is online, a connection's sessions and its last refused login.
        "radius.view_session", "radius.view_authattempt",
        # A customer's fibre box: its status, signal and the OLTs' pages (docs/fibre.md).
        "fibre.view_olt", "fibre.view_onu",
        # "Plan a visit" from a ticket; scheduling and assigning stay with the technician supervisors.
        "fieldservice.view_workorder", "fieldservice.add_workorder",
        # Retention calls to at-risk customers and technical checks; offers (money) are the managers'.
        "churn.view_churnrisk", "churn.view_retentioncalltask", "churn.add_retentioncalltask",
        "churn.change_retentioncalltask", "churn.view_retentionoffer", "churn.view_retentionfieldcheck",
        "churn.add_retentionfieldcheck",
    ],
    TECHNICIAN_SUPERVISOR: [
        "customers.view_customer", "customers.view_subscription", "customers.change_subscription",
        "customers.lifecycle_subscription", "customers.view_package", "customers.view_area",
        "customers.view_branch", "network.*", "radius.*", "fibre.*", "fieldservice.*", "tickets.view_ticket",
        # Sessions, Disconnect and "Test a login" are field work; the regulator's session logs (who had
        # an address when) are the managers'.
        "-radius.view_sessionlog", "-radius.export_sessionlog",
    ],
    TECHNICIAN: [],
    # The books (docs/accounts.md): money read everywhere, the journal's reports; no network controls,
    # no customer edits, no payments taken.
    ACCOUNTANT: [
        "books.*", "billing.view_invoice", "billing.view_account", "billing.view_ledgerentry", "billing.view_billingrun",
        "billing.view_creditnote", "payments.view_payment", "payments.view_gatewaypayment", "payments.view_cashhandover",
        "payments.view_reconciliationitem", "customers.view_customer", "customers.view_branch", "customers.view_area",
        "dashboard.view_analytics",
        # VAT deducted at source (docs/vat.md): the VAT side of a corporate payment and its certificates; the
        # money received beside it needs payments.add_payment, which the accountant does not have.
        "payments.view_vdsdeduction", "payments.add_vdsdeduction", "payments.change_vdsdeduction",
        # An equipment bill's serials link to their history in the store (read only: books/0094).
        "fieldservice.view_equipmentitem",
    ],
}
