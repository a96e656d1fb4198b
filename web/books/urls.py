from django.urls import path

from . import views

staff = [
    path("books/", views.overview, name="books-overview"),
    path("books/trial-balance/", views.trial_balance, name="books-trial-balance"),
    path("books/balance-sheet/", views.balance_sheet, name="books-balance-sheet"),
    path("books/vat/", views.vat_worksheet, name="books-vat"),
    path("books/journal/", views.journal_export, name="books-journal"),
    path("books/journal.csv", views.journal_csv, name="books-journal-csv"),
]
