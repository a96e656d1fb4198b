from django.urls import path

from . import vat_views, views

staff = [
    path("books/", views.overview, name="books-overview"),
    path("books/trial-balance/", views.trial_balance, name="books-trial-balance"),
    path("books/balance-sheet/", views.balance_sheet, name="books-balance-sheet"),
    path("books/vat/", views.vat_worksheet, name="books-vat"),
    path("books/journal/", views.journal_export, name="books-journal"),
    path("books/journal.csv", views.journal_csv, name="books-journal-csv"),
    path("books/suppliers/", views.supplier_list, name="books-supplier-list"),
    path("books/bills/", views.bill_list, name="books-bill-list"),
    path("books/bills/new/", views.bill_create, name="books-bill-create"),
    path("books/bills/<int:pk>/", views.bill_detail, name="books-bill-detail"),
    path("books/bills/<int:pk>/approve/", views.bill_approve, name="books-bill-approve"),
    path("books/bills/<int:pk>/pay/", views.bill_pay, name="books-bill-pay"),
    path("books/bills/<int:pk>/attachment/", views.bill_attachment, name="books-bill-attachment"),
    path("books/purchases/", views.purchase_register, name="books-purchase-register"),
    path("books/cash/", views.cash_book, name="books-cash-book"),
    path("books/banks/", views.bank_list, name="books-bank-list"),
    path("books/banks/<int:pk>/", views.bank_detail, name="books-bank-detail"),
    path("books/banks/<int:pk>/deposit/", views.bank_deposit_view, name="books-bank-deposit"),
    path("books/banks/<int:pk>/transfer/", views.bank_transfer_view, name="books-bank-transfer"),
    path("books/banks/<int:pk>/settlement/", views.bank_settlement_view, name="books-bank-settlement"),
    path("books/banks/<int:pk>/reconcile/", views.bank_reconcile, name="books-bank-reconcile"),
    # VAT (docs/vat.md)
    path("books/sales-register/", vat_views.sales_register_view, name="books-sales-register"),
    path("books/vds/", vat_views.vds_register, name="books-vds-register"),
    path("books/vds/awaiting/", vat_views.vds_awaiting, name="books-vds-awaiting"),
    path("books/vds/<int:pk>/certificate/", vat_views.vds_certificate, name="books-vds-certificate"),
    path("books/regulator/", vat_views.regulator_subscribers, name="books-regulator"),
]
