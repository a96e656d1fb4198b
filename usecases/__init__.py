"""The use cases: operations that span apps, one module each, named for what the user does.

A domain app knows nothing above it; when one action has effects in several apps (a new connection
is billed an installation fee, gets an installation order and a contract), the use case calls each
app's services in order, inside one transaction, and the effects that leave the database (router
changes, messages) are queued by those services on commit. Views (web/), tasks and the demo call the
use cases; domain apps never import this package (the layer contract in pyproject.toml).

    subscription_create       a new connection: the subscription, its installation fee, order and contract
    subscription_update       a connection edited, its package changed through billing
    subscription_activate     activated: the status and the router
    subscription_suspend      suspended, or paused (billing credits the paused days)
    subscription_reactivate   reactivated (billing resumes a paused one from today)
    subscription_cancel       cancelled: billing's credit, the contract's fee, the collection order, the offer
    reseller_customer_create  a reseller connects a new customer
    staff_user_update         a staff login edited: collectors who may no longer collect taken off
    role_permissions_set      a role's permissions set: the same for each of its members
    package_create / _update  a package saved: its profile on every router, redials on new speeds
    package_change_make / _approve / package_changes_apply_due
                              a package change: billing's switch, then the contract and the churn offer
    workorder_complete / workorder_rate / technician_sync
                              a visit completed (the tickets survey asked), rated, or synced from the phone
    payment_record / payment_reverse
                              a payment recorded or reversed by staff, with the reseller's commission
    online_payment            a gateway payment notified, credited, re-queried, approved or refunded
    reseller_renewal          a prepaid reseller renews a customer: the debit, then invoice, payment, activation
    import_commit / import_undo
                              a checked import committed in the background, or withdrawn

The docs/architecture.md table says what each calls, in order.
"""
