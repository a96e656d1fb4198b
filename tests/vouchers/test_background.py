"""Big batches made by a background job: the form queues them, the task makes the cards chunk by chunk
(the page polls its progress), a retry or a second delivery starts over without doubling anything, a
failure shows on the page and in the job log, and nothing prints, exports or issues a batch until ready."""

import pytest
from django.db import OperationalError
from django.urls import reverse

from ispbill.core.models import JobRun
from vouchers import codes, selectors, services
from vouchers.models import BatchCodes, VoucherBatch, VoucherCard
from vouchers.tasks import generate_batch
from web.vouchers import staff_views

from .helpers import make_distributor, make_plan
from .test_views import _snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_limits(monkeypatch):
    """Background generation from 6 cards on, 4 cards a chunk: the tests' batches go through every path."""
    monkeypatch.setattr(staff_views, "WEB_SYNC_MAX", 5)
    monkeypatch.setattr(services, "FILL_CHUNK", 4)


def _whole(batch: VoucherBatch) -> None:
    """Active, `count` cards with consecutive serials, each found by the code sealed for its serial."""
    batch.refresh_from_db()
    assert batch.status == VoucherBatch.Status.ACTIVE and batch.cards_made == batch.count
    serials = list(batch.cards.order_by("serial").values_list("serial", flat=True))
    assert serials == list(range(batch.first_serial, batch.last_serial + 1))
    for serial, code in selectors.batch_codes(batch=batch):
        assert selectors.card_by_code(code=code).serial == serial
    assert VoucherCard.objects.filter(batch=batch).count() == batch.count


def test_a_big_batch_from_the_form_is_made_by_the_job_and_recorded(staff_client, eager_celery, django_capture_on_commit_callbacks,
                                                                    small_limits):
    plan = make_plan()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("staff:voucher-batch-create"), {"plan": plan.pk, "count": "11", "note": "Fair"})
    batch = VoucherBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("staff:voucher-batch-detail", args=[batch.pk])
    _whole(batch)
    run = JobRun.objects.get(task_name="vouchers.tasks.generate_batch")
    assert run.status == JobRun.Status.SUCCEEDED and run.trigger == JobRun.Trigger.BULK and run.processed == 11
    assert run.requested_by == staff_client.get(reverse("staff:voucher-batch-list")).wsgi_request.user
    page = staff_client.get(reverse("staff:voucher-batch-detail", args=[batch.pk])).content.decode()
    assert 'id="voucher-print-form"' in page and "hx-trigger" not in page


def test_a_small_batch_is_made_in_the_request(staff_client, small_limits):
    plan = make_plan()
    response = staff_client.post(reverse("staff:voucher-batch-create"), {"plan": plan.pk, "count": "5"})
    assert response.status_code == 302
    _whole(VoucherBatch.objects.get())
    assert not JobRun.objects.exists()


def test_until_it_is_made_the_batch_polls_and_cannot_be_printed_exported_issued_or_suspended(staff_client, small_limits):
    distributor, _admin = make_distributor()
    plan = make_plan()
    staff_client.post(reverse("staff:voucher-batch-create"), {"plan": plan.pk, "count": "9"})  # queued; no worker in this test
    batch = VoucherBatch.objects.get()
    assert batch.status == VoucherBatch.Status.GENERATING and not batch.cards.exists()
    detail = reverse("staff:voucher-batch-detail", args=[batch.pk])
    page = staff_client.get(detail).content.decode()
    assert 'id="voucher-batch" hx-get="' + detail + '" hx-trigger="every 1s"' in page
    assert "Being generated: 0 of 9 cards (0%)" in page
    for form in ("voucher-print-form", "voucher-issue-form", "voucher-status-form", "voucher-csv-link"):
        assert f'id="{form}"' not in page
    assert "Being generated" in staff_client.get(reverse("staff:voucher-batch-list")).content.decode()
    before = _snapshot()
    assert staff_client.get(reverse("staff:voucher-batch-pdf", args=[batch.pk])).status_code == 409
    assert staff_client.get(reverse("staff:voucher-batch-csv", args=[batch.pk])).status_code == 409
    assert staff_client.post(reverse("staff:voucher-batch-issue", args=[batch.pk]), {"distributor": distributor.pk}).status_code == 400
    for action in ("suspend", "cancel", "resume"):
        assert staff_client.post(reverse("staff:voucher-batch-status", args=[batch.pk]), {"action": action, "reason": "x"}).status_code == 400
    assert _snapshot() == before

    # The poll answers with the region alone; once made, the region stops polling and brings the forms.
    partial = staff_client.get(detail, HTTP_HX_REQUEST="true").content.decode()
    assert partial.startswith('\n<div id="voucher-batch"') or partial.lstrip().startswith('<div id="voucher-batch"')
    assert "<html" not in partial and "every 1s" in partial
    services.batch_fill(batch_id=batch.pk, chunk=4)
    partial = staff_client.get(detail, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and "hx-trigger" not in partial and 'id="voucher-print-form"' in partial


def test_the_page_shows_the_progress_while_the_job_runs(staff_client, monkeypatch):
    plan = make_plan()
    batch = services.batch_queue(actor=None, plan=plan, count=10)
    pages = []
    real_update = services.job_progress

    def progress(**counts):
        real_update(**counts)
        pages.append(staff_client.get(reverse("staff:voucher-batch-detail", args=[batch.pk]), HTTP_HX_REQUEST="true").content.decode())

    monkeypatch.setattr(services, "job_progress", progress)
    services.batch_fill(batch_id=batch.pk, chunk=4)
    assert "4 of 10 cards (40%)" in pages[0] and "8 of 10 cards (80%)" in pages[1]
    assert 'value="8" max="10"' in pages[1]
    _whole(batch)


def test_a_retry_after_a_lost_connection_starts_over_and_makes_each_card_once(monkeypatch):
    plan = make_plan()
    batch = services.batch_queue(actor=None, plan=plan, count=10)
    real_insert = services.rows_insert
    calls = []

    def flaky(model, objects, **kwargs):
        calls.append(len(objects))
        if len(calls) == 2:  # the first attempt dies after its first chunk was committed
            raise OperationalError("server closed the connection unexpectedly")
        return real_insert(model, objects, **kwargs)

    monkeypatch.setattr(services, "rows_insert", flaky)
    monkeypatch.setattr(services, "FILL_CHUNK", 4)
    # `apply` runs the task as a worker would, its retry too (at once instead of after the countdown).
    assert generate_batch.apply(args=[batch.pk]).get() == 10
    _whole(batch)
    batch.refresh_from_db()
    assert batch.generation_attempt == 2
    runs = list(JobRun.objects.filter(task_name="vouchers.tasks.generate_batch").order_by("id").values_list("status", "attempt"))
    assert runs == [(JobRun.Status.RETRYING, 0), (JobRun.Status.SUCCEEDED, 1)]
    assert "OperationalError" in JobRun.objects.filter(status=JobRun.Status.RETRYING).get().error

    # Delivered once more (acks_late after a worker died): the batch is whole already, nothing changes.
    sealed = BatchCodes.objects.get(batch=batch).sealed
    hashes = set(VoucherCard.objects.filter(batch=batch).values_list("code_hmac", flat=True))
    generate_batch.apply(args=[batch.pk])
    batch.refresh_from_db()
    assert BatchCodes.objects.get(batch=batch).sealed == sealed and batch.generation_attempt == 2
    assert set(VoucherCard.objects.filter(batch=batch).values_list("code_hmac", flat=True)) == hashes
    assert hashes == {codes.code_hmac(code) for _serial, code in selectors.batch_codes(batch=batch)}


def test_an_older_attempt_stops_when_a_newer_one_took_over():
    plan = make_plan()
    batch = services.batch_queue(actor=None, plan=plan, count=8)
    real_insert = services.rows_insert

    def overtaken(model, objects, **kwargs):
        made = real_insert(model, objects, **kwargs)
        VoucherBatch.objects.filter(pk=batch.pk).update(generation_attempt=99)  # a second delivery began
        return made

    services.rows_insert = overtaken
    try:
        services.batch_fill(batch_id=batch.pk, chunk=4)
    finally:
        services.rows_insert = real_insert
    batch.refresh_from_db()
    assert batch.status == VoucherBatch.Status.GENERATING and batch.cards_made == 4 and not BatchCodes.objects.filter(batch=batch).exists()


def test_a_failure_shows_on_the_page_and_in_the_job_log_and_leaves_no_card(staff_client, eager_celery, monkeypatch):
    plan = make_plan()
    batch = services.batch_queue(actor=None, plan=plan, count=10)

    def broken(model, objects, **kwargs):
        raise ValueError("disk full")

    monkeypatch.setattr(services, "rows_insert", broken)
    with pytest.raises(ValueError, match="disk full"):
        generate_batch.delay(batch.pk)
    batch.refresh_from_db()
    assert batch.status == VoucherBatch.Status.FAILED and "disk full" in batch.failure and not batch.cards.exists()
    run = JobRun.objects.get(task_name="vouchers.tasks.generate_batch")
    assert run.status == JobRun.Status.FAILED and "disk full" in run.error
    page = staff_client.get(reverse("staff:voucher-batch-detail", args=[batch.pk])).content.decode()
    assert 'id="voucher-batch-failure"' in page and "disk full" in page and "hx-trigger" not in page
    assert staff_client.get(reverse("staff:voucher-batch-csv", args=[batch.pk])).status_code == 409
    # A later delivery of the same message does not bring a failed batch back.
    monkeypatch.undo()
    generate_batch.delay(batch.pk)
    batch.refresh_from_db()
    assert batch.status == VoucherBatch.Status.FAILED and not batch.cards.exists()


def test_lost_connections_past_the_last_retry_fail_the_batch(monkeypatch):
    plan = make_plan()
    batch = services.batch_queue(actor=None, plan=plan, count=3)

    def down(model, objects, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(services, "rows_insert", down)
    assert isinstance(generate_batch.apply(args=[batch.pk]).result, OperationalError)
    batch.refresh_from_db()
    assert batch.status == VoucherBatch.Status.FAILED and "could not connect" in batch.failure
    statuses = list(JobRun.objects.filter(task_name="vouchers.tasks.generate_batch").order_by("id").values_list("status", flat=True))
    assert statuses == [JobRun.Status.RETRYING] * 3 + [JobRun.Status.FAILED]
