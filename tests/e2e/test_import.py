"""Staff move customers in from the demo's sample sheet: upload, map the columns, read the errors,
import, watch the progress bar move, find an imported customer by their old id.

The commit is queued to Celery; here the test plays the worker (the task's own service, a chunk at
a time) so the page's HTMX polling is seen moving between chunks."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from customers.models import Customer, Package
from demo.sample_sheets import AREAS, OUTPUT
from imports.models import ImportBatch
from tests.factories import AreaFactory, BranchFactory, PackageFactory, RouterFactory, admin_user
from usecases import import_commit
from usecases.tasks import import_batch_commit

from .conftest import ARTIFACTS
from .test_staff_customers import sign_in_staff

PACKAGES = [
    ("Home Basic 5 Mbps", "BB-5M"), ("Home 10 Mbps", "BB-10M"), ("Home 20 Mbps", "FTTH-20M"), ("Home 30 Mbps", "FTTH-30M"),
    ("Family 50 Mbps", "FTTH-50M"), ("Air 8 Mbps", "AIR-8M"), ("Gamer 100 Mbps", "FTTH-100M-GAME"),
]


@pytest.fixture
def demo_catalogue():
    branch = BranchFactory(name="Dhaka", code="DHK")
    for name in AREAS:
        AreaFactory(branch=branch, name=name)
    RouterFactory(name="DHK-CORE-01", branch=branch)
    for name, profile in PACKAGES:
        PackageFactory(name=name, router_profile=profile)
    return branch


@pytest.fixture
def queued(monkeypatch):
    """Batches the page queued for the worker (the broker is not consumed in this test)."""
    ids: list[int] = []
    monkeypatch.setattr(import_batch_commit, "delay", lambda batch_id: ids.append(batch_id))
    return ids


@pytest.mark.slow(seconds=13)  # 13 s on a middling machine, over the 20 s budget on a slow one
@pytest.mark.django_db(transaction=True)
def test_staff_import_the_sample_sheet_and_find_an_imported_customer(page, demo_catalogue, queued):
    sign_in_staff(page, admin_user())
    page.get_by_role("link", name="Import & export").click()
    page.get_by_label("Spreadsheet (.csv or .xlsx)").set_input_files(str(OUTPUT))
    page.get_by_role("button", name="Upload and map columns").click()

    # The mapping step: the sheet's headers were recognised; the staff member checks two and goes on.
    expect(page.get_by_role("heading", name=re.compile("map the columns"))).to_be_visible()
    expect(page.get_by_label("Phone *")).to_have_value("Mobile")
    expect(page.get_by_label("Old customer id")).to_have_value("Client ID")
    page.get_by_label("Save this mapping as").fill("Old billing sheet")
    page.get_by_role("button", name="Check the rows").click()

    # The dry run and the per-row errors.
    expect(page.locator("#dry-run")).to_contain_text("will be created")
    errors = page.locator("#import-errors")
    expect(errors).to_contain_text("Unknown area")
    expect(errors).to_contain_text("Duplicate row: the old id")
    expect(errors).to_contain_text("is not a valid mobile number")
    batch = ImportBatch.objects.get()
    assert batch.to_create > 900 and batch.error_rows > 20
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the error report (CSV)").click()
    assert download.value.suggested_filename == f"import-{batch.pk}-errors.csv"

    page.get_by_role("button", name=re.compile(r"Import \d+ rows")).click()
    expect(page.locator("#import-progress")).to_contain_text("Queued")
    assert queued == [batch.pk]

    # The worker commits the first chunk: the polling bar moves without a reload.
    import_commit.batch_process(batch_id=batch.pk, chunk_rows=250, max_chunks=1)
    expect(page.locator("#import-progress")).to_contain_text(f"250 of {batch.to_create} rows")
    import_commit.batch_process(batch_id=batch.pk, chunk_rows=250)
    expect(page.locator("#import-progress")).to_contain_text("Imported", timeout=20_000)
    expect(page.locator("#import-bar")).to_have_attribute("value", str(batch.to_create))

    # Find one imported customer by the id the old system gave them.
    imported = Customer.objects.get(external_ref="OLD-10002")
    page.get_by_role("link", name="Customers", exact=True).click()
    page.wait_for_url(re.compile(r"/staff/customers/$"), wait_until="load")
    page.get_by_label("Search").fill("OLD-10002")
    results = page.locator("#customer-results")
    expect(results).to_contain_text(imported.name)
    results.get_by_role("link", name=imported.account_number).click()
    expect(page.get_by_role("heading", name=re.compile(re.escape(imported.name)))).to_be_visible()
    assert imported.subscriptions.get().package in Package.objects.all()

    # Undone (the wrong file after all): the customers it created leave every list, search and count,
    # and the import says which account numbers it used.
    numbers = sorted(Customer.objects.values_list("account_number", flat=True), key=lambda n: n[-5:])
    batch.refresh_from_db()
    page.goto(reverse("staff:import-detail", args=[batch.pk]))
    page.locator("#undo-form").get_by_label("Reason").fill("Wrong sheet")
    # One request undoes 900-odd customers (their connections cancelled, addresses released, the
    # numbers freed): several seconds on a busy 2-core CI machine, past the 10 s default for a click's
    # navigation.
    page.locator("#undo-form").get_by_role("button", name="Undo this import").click(timeout=60_000)
    expect(page.locator("#messages")).to_contain_text(f"{batch.created_count} customers removed")
    expect(page.locator("#undo-numbers")).to_contain_text(f"{numbers[0]}–{numbers[-1]}")
    expect(page.locator("#imported-customers")).to_contain_text("removed")
    page.screenshot(path=str(ARTIFACTS / "import-undone-1366.png"), full_page=False)
    assert not Customer.objects.exists()
    page.get_by_role("link", name="Customers", exact=True).click()
    page.wait_for_url(re.compile(r"/staff/customers/$"), wait_until="load")
    page.get_by_label("Search").fill("OLD-10002")
    expect(page.locator("#customer-results")).not_to_contain_text(imported.name)
