"""Reads for the import screens (staff only: imports are not branch-scoped, they need run_import)."""

from django.db.models import QuerySet

from .models import ImportBatch, ImportProfile, ImportRow


def batches_recent() -> QuerySet[ImportBatch]:
    return ImportBatch.objects.select_related("created_by", "router").order_by("-id")


def batch_get(*, pk: int) -> ImportBatch:
    return ImportBatch.objects.select_related("router", "profile").get(pk=pk)


def profiles_all() -> QuerySet[ImportProfile]:
    return ImportProfile.objects.order_by("name")


def batch_error_rows(*, batch: ImportBatch, limit: int = 200) -> list[ImportRow]:
    return list(ImportRow.objects.filter(batch=batch, action=ImportRow.Action.ERROR).order_by("line")[:limit])


def batch_sample_rows(*, batch: ImportBatch, limit: int = 10) -> list[ImportRow]:
    return list(ImportRow.objects.filter(batch=batch).exclude(action=ImportRow.Action.ERROR).order_by("line")[:limit])


def batch_done_rows(*, batch: ImportBatch, limit: int = 50) -> list[ImportRow]:
    return list(
        ImportRow.objects.filter(batch=batch, done=True).exclude(action=ImportRow.Action.ERROR)
        .select_related("customer").order_by("line")[:limit]
    )
