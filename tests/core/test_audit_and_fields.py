import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from ispbill.core.audit import audit_record
from ispbill.core.fields import _fernet
from ispbill.core.models import AuditLog
from ispbill.core.request_context import client_ip
from tests.factories import make_subscription


@pytest.mark.django_db
def test_audit_entries_are_append_only(admin):
    subscription = make_subscription()
    entry = audit_record(actor=admin, action="test.action", obj=subscription, reason="why", before={"a": 1}, after={"a": 2})
    entry.reason = "rewritten"
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()
    assert AuditLog.objects.get(pk=entry.pk).reason == "why"


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgres_refuses_bulk_updates_and_deletes_of_audit_entries(admin):
    entry = audit_record(actor=admin, action="customer.create", obj=admin, reason="set-up")

    for attempt in (
        lambda: AuditLog.objects.filter(pk=entry.pk).update(reason="rewritten"),
        lambda: AuditLog.objects.filter(pk=entry.pk).delete(),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()

    entry.refresh_from_db()
    assert entry.reason == "set-up"


@pytest.mark.django_db
def test_audit_records_client_ip_from_request_context(admin):
    subscription = make_subscription()
    token = client_ip.set("203.0.113.7")
    try:
        entry = audit_record(actor=admin, action="test.ip", obj=subscription)
    finally:
        client_ip.reset(token)
    assert entry.ip_address == "203.0.113.7"


def _raw_password(subscription) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT password FROM customers_subscription WHERE id = %s", [subscription.pk])
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_subscription_password_is_encrypted_at_rest():
    subscription = make_subscription(password="pppoe-secret-42")
    raw = _raw_password(subscription)
    assert "pppoe-secret-42" not in raw
    subscription.refresh_from_db()
    assert subscription.password == "pppoe-secret-42"


@pytest.mark.django_db
def test_key_rotation_reencrypts_with_the_new_key_and_old_key_can_be_dropped(settings):
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    subscription = make_subscription(password="rotate-me")
    new_key = Fernet.generate_key().decode()

    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    _fernet.cache_clear()
    call_command("rotate_field_keys", stdout=open("/dev/null", "w"))

    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    _fernet.cache_clear()
    try:
        subscription.refresh_from_db()
        assert subscription.password == "rotate-me"
        assert Fernet(new_key.encode()).decrypt(_raw_password(subscription).encode()) == b"rotate-me"
    finally:
        settings.FIELD_ENCRYPTION_KEYS = [old_key]
        _fernet.cache_clear()
