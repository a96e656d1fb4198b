"""Tokens: hashed at rest, shown once, revocable, last-used time, rate-limited, scoped at creation."""

import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from api.models import ApiToken
from api.tokens import TOUCH_SECONDS, token_create, token_revoke
from ispbill.core.models import AuditLog
from tests.api.conftest import Api
from tests.factories import UserFactory


def test_only_the_hash_is_stored(make_token):
    token, raw = make_token()
    token.refresh_from_db()
    assert raw.startswith(f"isb_{token.prefix}_") and len(raw) > 40
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    stored = [str(value) for value in ApiToken.objects.filter(pk=token.pk).values().get().values()]
    # The secret itself may contain "_" (token_urlsafe), so take everything after the public prefix;
    # a piece split on "_" can be one character long and turn up in the hash by chance.
    secret = raw.removeprefix(f"isb_{token.prefix}_")
    assert len(secret) >= 40
    assert not any(secret in value for value in stored)


def test_revoked_token_stops_working_and_revocation_is_audited(client, make_token, maker):
    token, raw = make_token({"customers": "read"})
    api = Api(client, raw)
    assert api.get("/api/v1/packages/").status_code == 200
    token_revoke(actor=maker, token=token)
    assert api.get("/api/v1/packages/").status_code == 401
    assert AuditLog.objects.filter(action="apitoken.revoke", object_id=str(token.pk), actor=maker).exists()


def test_last_used_is_recorded_at_most_once_a_minute(client, make_token):
    token, raw = make_token({"customers": "read"})
    assert token.last_used_at is None
    Api(client, raw).get("/api/v1/packages/")
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None and timezone.now() - first < timedelta(seconds=5)
    Api(client, raw).get("/api/v1/packages/")
    token.refresh_from_db()
    assert token.last_used_at == first  # within TOUCH_SECONDS: no write
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(seconds=TOUCH_SECONDS + 1))
    Api(client, raw).get("/api/v1/packages/")
    token.refresh_from_db()
    assert token.last_used_at > first


def test_rate_limit_per_token(client, make_token):
    from django.core.cache import cache

    token, raw = make_token({"customers": "read"}, rate=3)
    other, other_raw = make_token({"customers": "read"}, rate=3, name="Other")
    keys = [f"api-throttle:{t.pk}:{t.token_hash[:12]}" for t in (token, other)]
    try:
        codes = [Api(client, raw).get("/api/v1/packages/").status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        assert Api(client, other_raw).get("/api/v1/packages/").status_code == 200  # counted per token
    finally:
        cache.delete_many(keys)


@pytest.mark.parametrize("scopes", [{}, {"customers": "admin"}, {"nowhere": "read"}, {"customers": ""}, "customers"])
def test_scopes_are_checked_at_creation(maker, scopes):
    with pytest.raises(ValidationError):
        token_create(actor=maker, name="x", scopes=scopes)
    assert not ApiToken.objects.exists()


def test_branch_limited_login_cannot_make_an_all_branch_token(branches):
    limited = UserFactory(roles=["Admin"], branch_scope=[branches[0]])
    with pytest.raises(ValidationError):
        token_create(actor=limited, name="x", scopes={"customers": "read"})
    with pytest.raises(ValidationError):
        token_create(actor=limited, name="x", scopes={"customers": "read"}, all_branches=False, branches=[branches[1]])
    token, _raw = token_create(actor=limited, name="x", scopes={"customers": "read"}, all_branches=False, branches=[branches[0]])
    assert list(token.branches.all()) == [branches[0]]


def test_token_user_instance_is_never_saved_narrowed(client, make_token, maker):
    """The request's user is narrowed (no superuser, fewer permissions); the stored login is unchanged."""
    maker.is_superuser = True
    maker.save()
    _token, raw = make_token({"customers": "read"})
    assert Api(client, raw).get("/api/v1/customers/").status_code == 200
    maker.refresh_from_db()
    assert maker.is_superuser and maker.all_branches
