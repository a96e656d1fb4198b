"""ispbill/core/bulk.py writes what bulk_create and bulk_update would, on both databases: COPY and
UPDATE … FROM unnest on PostgreSQL, the ORM elsewhere."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from ispbill.core.bulk import rows_insert, rows_update
from ispbill.core.models import AuditLog, NumberSequence

pytestmark = pytest.mark.django_db


def test_rows_insert_stores_every_value_as_the_orm_would_with_defaults_and_creation_time():
    content_type = ContentType.objects.get_for_model(NumberSequence)
    # JSON with quotes, backslashes, tabs and non-ASCII: what COPY's text format must escape.
    tricky = {"name": 'Rahim "Bhai" Uddin', "path": "C:\\sheets\\april.xlsx", "note": "a\tb\nc", "bn": "বকেয়া", "n": [1, 2.5, None]}
    before = timezone.now() - timedelta(seconds=1)
    assert rows_insert(AuditLog, [
        AuditLog(action="test.one", content_type=content_type, object_id="1", object_repr="one", after=tricky),
        AuditLog(action="test.two", content_type=content_type, object_id="2", object_repr="two", reason="why", before={},
                 ip_address="10.0.0.7"),
    ]) == 2
    one, two = AuditLog.objects.filter(action__startswith="test.").order_by("object_id")
    assert (one.after, one.before, one.reason, one.ip_address, one.actor_id) == (tricky, None, "", None, None)
    assert (two.after, two.before, two.reason, two.ip_address) == (None, {}, "why", "10.0.0.7")
    assert before <= one.at <= two.at <= timezone.now()  # auto_now_add


def test_rows_insert_of_nothing_writes_nothing():
    assert rows_insert(AuditLog, []) == 0
    assert not AuditLog.objects.exists()


def test_rows_update_writes_the_named_fields_of_each_row_and_nothing_else():
    a, b, c = (NumberSequence.objects.create(key=key, last_value=value) for key, value in (("A:2026", 1), ("B:2026", 2), ("C:2026", 3)))
    a.last_value, a.key = 10, "A:2027"
    b.last_value, b.key = 20, "B:2027"
    assert rows_update(NumberSequence, [a, b], ["last_value"]) == 2
    assert dict(NumberSequence.objects.values_list("key", "last_value")) == {"A:2026": 10, "B:2026": 20, "C:2026": 3}
    assert rows_update(NumberSequence, [a, b], ["key", "last_value"]) == 2
    assert dict(NumberSequence.objects.values_list("key", "last_value")) == {"A:2027": 10, "B:2027": 20, "C:2026": 3}
    assert rows_update(NumberSequence, [], ["key"]) == 0
    c.refresh_from_db()
    assert (c.key, c.last_value) == ("C:2026", 3)
