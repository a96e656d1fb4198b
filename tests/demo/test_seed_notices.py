"""The demo's history queues the first invoices' "invoice issued" notices of a run of activations
together (HistoryWriter._send_notices, issue #53 item 12), where staff's Activate queues each with its
activation: the database it writes is the same, row for row and id for id — the notices' text, their
times and their delivery included — with the notices' templates read once a run instead of once each."""

from datetime import UTC, datetime
from unittest import mock

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction

from demo.management.commands._demo_history import HistoryWriter
from ispbill.notify.models import Message
from tests.demo.test_seed_base import every_row

# One instant for the seed's own "now" (the history's clock starts from it), so two seeds agree.
NOW = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)
# What two seeds never write alike, whichever way the notices go: a login's date_joined (the model's
# default, Django's own clock), a customer's random referral code; and the order of the books' journal
# lines within one INSERT … SELECT (the planner's, after the history's ANALYZE): those compared as a set.
# Fields whose default is timezone.now bound at import (not the patched one) or a random draw.
UNALIKE = {"accounts.User": {"date_joined"}, "customers.Customer": {"referral_code"}, "network.SpeedDestination": {"created_at"}}
UNORDERED = {"books.JournalLine"}


def comparable(rows: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    kept = {}
    for label, table in rows.items():
        names = [field.attname for field in apps.get_model(label)._meta.concrete_fields]
        dropped = {names.index(name) for name in UNALIKE.get(label, ())} | ({names.index("id")} if label in UNORDERED else set())
        table = [tuple(value for index, value in enumerate(row) if index not in dropped) for row in table]
        kept[label] = sorted(table, key=repr) if label in UNORDERED else table
    return kept


def seeded(*, together: bool) -> tuple[dict[str, list[tuple]], int]:
    """Every row after seeding 20 customers and a month, from the same ids on (every table's id
    sequence set to its largest id, as both seeds start from the same rows); and how many times the
    notices' templates were read."""
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), apps.get_models(include_auto_created=True)):
            cursor.execute(statement)
    template_reads = 0

    def count(execute, sql, params, many, context):
        nonlocal template_reads
        template_reads += 'FROM "notify_messagetemplate"' in sql
        return execute(sql, params, many, context)

    with (
        mock.patch.object(HistoryWriter, "notices_together", together),
        mock.patch("django.utils.timezone.now", return_value=NOW),
        mock.patch("django.contrib.auth.hashers.get_random_string", return_value="the-same-salt-twice"),
        connection.execute_wrapper(count),
    ):
        call_command("seed_demo", customers=20, leads=0, months=1, quiet=True)
    return comparable(every_row()), template_reads


@pytest.mark.slow(seconds=16)  # two seeds (README, "Tests")
@pytest.mark.django_db
def test_the_notices_queued_together_write_the_rows_each_activation_would():
    before = transaction.savepoint()
    one_by_one, reads_one_by_one = seeded(together=False)
    transaction.savepoint_rollback(before)

    together, reads_together = seeded(together=True)

    assert Message.objects.filter(event="invoice_issued", status=Message.Status.SENT, object_id__gt="").count() > 15
    assert len(together["notify.Message"]) == len(one_by_one["notify.Message"])
    assert [label for label in one_by_one if together[label] != one_by_one[label]] == []
    assert reads_together < reads_one_by_one - 10  # the first day's activations shared one read
