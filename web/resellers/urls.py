from django.urls import path

from . import staff_views, views

reseller = [
    path("", views.home, name="home"),
    path("customers/", views.customer_list, name="customer-list"),
    path("customers/new/", views.customer_create, name="customer-create"),
    path("customers/<int:pk>/", views.customer_detail, name="customer-detail"),
    path("customers/<int:pk>/collect/", views.customer_collect, name="customer-collect"),
    path("customers/<int:pk>/ticket/", views.ticket_create, name="customer-ticket"),
    path("subscriptions/<int:pk>/renew/", views.subscription_renew_view, name="subscription-renew"),
    path("receipts/<int:pk>.pdf", views.receipt_pdf, name="receipt-pdf"),
    path("wallet/", views.wallet, name="wallet"),
    path("commissions/", views.commission_list, name="commission-list"),
    path("commissions/<int:year>-<int:month>.pdf", views.commission_statement_pdf, name="commission-pdf"),
    path("commissions/<int:year>-<int:month>.csv", views.commission_statement_csv, name="commission-csv"),
    path("payouts/", views.payout_list, name="payout-list"),
    path("tickets/", views.ticket_list, name="ticket-list"),
    path("subresellers/", views.subreseller_list, name="subreseller-list"),
    path("subresellers/<int:pk>/", views.subreseller_detail, name="subreseller-detail"),
    path("subresellers/<int:pk>/transfer/", views.subreseller_transfer, name="subreseller-transfer"),
    path("subresellers/<int:pk>/prices/", views.subreseller_price, name="subreseller-price"),
]

staff = [
    path("resellers/", staff_views.reseller_list, name="reseller-list"),
    path("resellers/new/", staff_views.reseller_create, name="reseller-create"),
    path("resellers/report/", staff_views.reseller_report, name="reseller-report"),
    path("resellers/payouts/", staff_views.payout_queue, name="reseller-payouts"),
    path("resellers/payouts/<int:pk>/decide/", staff_views.payout_decide, name="reseller-payout-decide"),
    path("resellers/<int:pk>/", staff_views.reseller_detail, name="reseller-detail"),
    path("resellers/<int:pk>/edit/", staff_views.reseller_edit, name="reseller-edit"),
    path("resellers/<int:pk>/active/", staff_views.reseller_active, name="reseller-active"),
    path("resellers/<int:pk>/topup/", staff_views.reseller_topup, name="reseller-topup"),
    path("resellers/<int:pk>/adjust/", staff_views.reseller_adjust, name="reseller-adjust"),
    path("resellers/<int:pk>/packages/", staff_views.reseller_package, name="reseller-package"),
    path("resellers/<int:pk>/rules/", staff_views.reseller_rule, name="reseller-rule"),
    path("resellers/<int:pk>/logins/", staff_views.reseller_login, name="reseller-login"),
    path("resellers/<int:pk>/statements/", staff_views.reseller_statement_close, name="reseller-statement-close"),
]
