"""The Accounts section (web/books/): the accountant's role sees it and not the network; every page
is in the navigation; bad filters answer 400; the CSV is the journal's lines."""

import csv
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from billing.models import BillingSettings
from billing.selectors import current_billing_settings
from billing.services import LineSpec, invoice_create
from books.models import JournalEntry, JournalLine
from dashboard.selectors import staff_home
from tests.factories import UserFactory, make_customer

D = Decimal
PAGES = ("books-overview", "books-trial-balance", "books-balance-sheet", "books-vat", "books-journal")


@pytest.fixture
def accountant(db):
    user = UserFactory()
    user.groups.add(Group.objects.get(name="Accountant"))
    return user


@pytest.fixture
def invoiced(db):
    current_billing_settings()
    BillingSettings.objects.filter(pk=1).update(vat_rate=D("5.00"), prices_include_vat=False)
    return invoice_create(actor=None, customer=make_customer(), lines=[LineSpec(kind="one_time", description="Router", amount=D("1000.00"))])


def test_every_accounts_page_is_in_the_accountants_navigation(client, accountant):
    client.force_login(accountant)
    home = client.get(reverse("staff:home")).content.decode()
    for name in PAGES:
        assert f'href="{reverse(f"staff:{name}")}"' in home, name


def test_every_accounts_page_renders_for_the_accountant(client, accountant, invoiced):
    client.force_login(accountant)
    for name in PAGES:
        assert client.get(reverse(f"staff:{name}")).status_code == 200, name
    page = client.get(reverse("staff:books-trial-balance")).content.decode()
    assert 'id="books-tb-debit"' in page and "1,050.00" in page
    vat = client.get(reverse("staff:books-vat")).content.decode()
    assert 'id="books-vat-output"' in vat and "50.00" in vat


def test_the_accountant_sees_money_but_not_network_controls(client, accountant):
    client.force_login(accountant)
    assert accountant.has_perm("billing.view_invoice") and accountant.has_perm("payments.view_payment")
    assert not any(accountant.has_perm(p) for p in ("network.view_router", "network.change_router", "radius.view_session"))
    assert client.get(reverse("staff:router-list")).status_code == 403
    assert client.get(reverse("staff:payment-list")).status_code == 200


def test_staff_without_the_books_permission_get_403(client, db):
    user = UserFactory()
    user.groups.add(Group.objects.get(name="Support"))
    client.force_login(user)
    for name in PAGES:
        assert client.get(reverse(f"staff:{name}")).status_code == 403, name
    assert client.get(reverse("staff:books-journal-csv"), {"first": "01/11/2026", "last": "30/11/2026"}).status_code == 403


@pytest.mark.parametrize("name,query", [
    ("books-overview", {"year": "abc"}), ("books-overview", {"year": "1800"}), ("books-overview", {"branch": "999999"}),
    ("books-trial-balance", {"as_of": "31/02/2026"}), ("books-balance-sheet", {"as_of": "tomorrow"}),
    ("books-vat", {"month": "13"}), ("books-vat", {"year": "x"}),
    ("books-journal-csv", {}), ("books-journal-csv", {"first": "30/11/2026", "last": "01/11/2026"}),
    ("books-journal-csv", {"first": "01/01/2020", "last": "01/01/2026"}), ("books-journal-csv", {"first": "\x00"}),
])
def test_malformed_filters_answer_400_and_change_nothing(staff_client, invoiced, name, query):
    before = (JournalEntry.objects.count(), JournalLine.objects.count())
    assert staff_client.get(reverse(f"staff:{name}"), query).status_code == 400
    assert (JournalEntry.objects.count(), JournalLine.objects.count()) == before


def test_the_journal_csv_is_one_row_per_line(staff_client, invoiced):
    today = timezone.localdate()
    response = staff_client.get(reverse("staff:books-journal-csv"), {"first": today.strftime("%d/%m/%Y"), "last": today.strftime("%d/%m/%Y")})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["date", "entry", "source"]
    assert sorted((r[5], r[7], r[8]) for r in rows[1:]) == [("1200", "1050.00", "0.00"), ("2100", "0.00", "50.00"), ("4200", "0.00", "1000.00")]


def _export(staff_client, layout):
    today = timezone.localdate().strftime("%d/%m/%Y")
    response = staff_client.get(reverse("staff:books-journal-csv"), {"first": today, "last": today, "layout": layout})
    assert response.status_code == 200
    return response, list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_journal_exports_in_the_layouts_quickbooks_and_xero_import(staff_client, invoiced):
    """The invoice of ৳1,000.00 net and 5 % VAT is one entry of three lines: Dr 1200 ৳1,050.00, Cr 4200
    ৳1,000.00, Cr 2100 ৳50.00 — the same entry in each package's layout (docs/accounts.md, "Journal export")."""
    today = timezone.localdate().strftime("%d/%m/%Y")
    entry = JournalEntry.objects.get()
    customer = invoiced.customer.name
    response, rows = _export(staff_client, "quickbooks")
    assert response["Content-Disposition"].endswith('-quickbooks.csv"')
    assert rows[0] == ["Journal No", "Journal Date", "Account Name", "Debits", "Credits", "Description", "Name", "Location"]
    branch = invoiced.customer.area.branch.name
    assert sorted(rows[1:], key=lambda r: r[2]) == [
        [str(entry.pk), today, "Customer receivables", "1050.00", "", f"invoice {invoiced.number}", customer, branch],
        [str(entry.pk), today, "One-time charges", "", "1000.00", f"invoice {invoiced.number}", "", branch],
        [str(entry.pk), today, "Output VAT payable", "", "50.00", f"invoice {invoiced.number}", "", branch],
    ]
    # Xero: one narration and date for the journal's lines, the account by its code, debit positive,
    # credit negative, summing to nil; the branch as the tracking category.
    _response, rows = _export(staff_client, "xero")
    assert rows[0] == ["*Narration", "*Date", "Description", "*AccountCode", "*TaxRate", "*Amount", "TrackingName1", "TrackingOption1"]
    narration = f"ispbill {entry.pk}: invoice {invoiced.number}"
    assert sorted(rows[1:], key=lambda r: r[3]) == [
        [narration, today, customer, "1200", "Tax Exempt", "1050.00", "Branch", branch],
        [narration, today, "Output VAT payable", "2100", "Tax Exempt", "-50.00", "Branch", branch],
        [narration, today, "One-time charges", "4200", "Tax Exempt", "-1000.00", "Branch", branch],
    ]
    assert sum(Decimal(r[5]) for r in rows[1:]) == 0
    # No layout named: every column, as before; a layout we do not know is refused.
    _response, rows = _export(staff_client, "")
    assert rows[0][:3] == ["date", "entry", "source"] and len(rows) == 4
    assert staff_client.get(reverse("staff:books-journal-csv"), {"first": today, "last": today, "layout": "tally"}).status_code == 400


def test_the_home_shows_this_months_profit_beside_revenue_to_those_who_see_every_branch(accountant, invoiced, private_cache):
    section = next(s for s in staff_home(user=accountant)["sections"] if s["id"] == "home-books")
    figures = {str(tile.label): tile.value for tile in section["tiles"]}
    assert figures == {"Revenue": D("1000.00"), "Expenses": D("0"), "Profit": D("1000.00")}


def test_staff_limited_to_some_branches_do_not_see_the_whole_isps_books(client, invoiced):
    from tests.factories import BranchFactory

    manager = UserFactory(roles=["Accountant"], branch_scope=[BranchFactory()])
    client.force_login(manager)
    for name in PAGES:
        assert client.get(reverse(f"staff:{name}")).status_code == 403, name
    assert all(s["id"] != "home-books" for s in staff_home(user=manager)["sections"])
    # Nor are the books offered in the navigation, which an unlimited accountant has.
    home = client.get(reverse("staff:home")).content.decode()
    assert reverse("staff:books-overview") not in home
    client.force_login(UserFactory(roles=["Accountant"]))
    assert reverse("staff:books-overview") in client.get(reverse("staff:home")).content.decode()
