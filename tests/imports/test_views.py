"""The import screens and the export: permissions, upload → map → check → commit → undo, the zip."""

import csv
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from customers.models import Customer
from imports.models import ImportBatch, ImportProfile
from ispbill.core.models import JobRun
from tests.factories import AreaFactory, PackageFactory, RouterFactory, UserFactory, make_subscription

pytestmark = pytest.mark.django_db

CSV = (
    b"ID,Name,Mobile,Address,Area,Package,PPPoE User,Due\n"
    b"A-1,Rahim Uddin,01712345678,House 1,Banani,Home 20,rahim,250\n"
    b"A-2,Karim,017,House 2,Banani,Home 20,karim,0\n"
)


@pytest.fixture
def views_catalogue():
    area = AreaFactory(name="Banani")
    router = RouterFactory(branch=area.branch)
    router.areas.add(area)
    PackageFactory(name="Home 20")


def test_staff_without_the_permission_get_403_and_nothing_is_imported(client, views_catalogue):
    client.force_login(UserFactory(roles=["Cashier"]))
    assert client.get(reverse("staff:import-list")).status_code == 403
    response = client.post(reverse("staff:import-list"), {"file": SimpleUploadedFile("c.csv", CSV), "cutover_date": "2026-01-01"})
    assert response.status_code == 403
    assert client.get(reverse("staff:import-export")).status_code == 403
    assert not ImportBatch.objects.exists()
    nav = client.get(reverse("staff:home")).content.decode()
    assert reverse("staff:import-list") not in nav


def test_upload_map_check_commit_and_undo_through_the_screens(staff_client, views_catalogue, eager_celery, django_capture_on_commit_callbacks):
    page = staff_client.get(reverse("staff:import-list"))
    assert page.status_code == 200 and b"Export everything" in page.content
    response = staff_client.post(reverse("staff:import-list"), {"file": SimpleUploadedFile("old.csv", CSV), "cutover_date": "2026-01-01"})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("staff:import-map", args=[batch.pk])
    mapping_page = staff_client.get(response["Location"])
    assert mapping_page.status_code == 200 and b"Rahim Uddin" in mapping_page.content
    form = {f"map_{k}": v for k, v in batch.mapping.items()}
    form.update(cutover_date="2026-01-01", profile_name="Old sheet")
    response = staff_client.post(reverse("staff:import-map", args=[batch.pk]), form)
    assert response.status_code == 302
    detail = staff_client.get(reverse("staff:import-detail", args=[batch.pk])).content.decode()
    assert "1 customers will be created" in detail and "not a valid mobile number" in detail
    errors = staff_client.get(reverse("staff:import-errors", args=[batch.pk]))
    assert list(csv.reader(io.StringIO(errors.content.decode())))[1][:2] == ["3", "Phone “017” is not a valid mobile number."]
    assert ImportProfile.objects.filter(name="Old sheet").exists()
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("staff:import-commit", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE
    # A bulk job in the job log: the row imported, the row the check refused.
    run = JobRun.objects.get(task_name="usecases.tasks.import_batch_commit")
    assert (run.trigger, run.status, run.processed, run.failed, run.args) == ("bulk", "succeeded", 1, 1, [batch.pk])
    progress = staff_client.get(reverse("staff:import-detail", args=[batch.pk]), headers={"HX-Request": "true"}).content.decode()
    assert progress.lstrip().startswith('<section id="import-progress"') and "1 of 1 rows (100%)" in progress
    customer = Customer.objects.get(external_ref="A-1")
    search = staff_client.get(reverse("staff:customer-list"), {"q": "A-1"}).content.decode()
    assert customer.account_number in search
    staff_client.post(reverse("staff:import-undo", args=[batch.pk]), {"reason": "test"})
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.UNDONE


def test_a_mapping_missing_required_fields_is_refused_on_the_form(staff_client, views_catalogue):
    staff_client.post(reverse("staff:import-list"), {"file": SimpleUploadedFile("old.csv", CSV), "cutover_date": "2026-01-01"})
    batch = ImportBatch.objects.get()
    response = staff_client.post(reverse("staff:import-map", args=[batch.pk]), {"map_name": "Name", "cutover_date": "2026-01-01"})
    assert response.status_code == 400 and "Choose the column for: Phone" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.MAPPING and not batch.rows.exclude(values={}).exists()


def test_a_wrong_file_is_refused_on_the_form(staff_client):
    response = staff_client.post(reverse("staff:import-list"), {"file": SimpleUploadedFile("c.docx", b"PK\x03\x04"), "cutover_date": "2026-01-01"})
    assert response.status_code == 400 and "Upload a .csv or .xlsx file" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_export_is_one_zip_of_csv_files(staff_client, admin):
    subscription = make_subscription()
    response = staff_client.get(reverse("staff:import-export"))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == [
        "customers.csv", "invoices.csv", "past_payments.csv", "payments.csv", "subscriptions.csv", "tickets.csv",
    ]
    customers = list(csv.DictReader(io.StringIO(archive.read("customers.csv").decode("utf-8-sig"))))
    assert customers[0]["account_number"] == subscription.customer.account_number
    subscriptions = list(csv.DictReader(io.StringIO(archive.read("subscriptions.csv").decode("utf-8-sig"))))
    assert subscriptions[0]["username"] == subscription.username
    # The export is a bulk job of the job log too, counting every row of every file.
    rows = sum(len(archive.read(name).decode("utf-8-sig").splitlines()) - 1 for name in archive.namelist())
    run = JobRun.objects.get(task_name="imports.export")
    assert (run.trigger, run.status, run.processed, run.requested_by) == ("bulk", "succeeded", rows, admin) and rows >= 2
