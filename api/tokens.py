"""Making, finding, using and revoking API tokens (Settings → API tokens; the portal's app sign-in).

A token reads `isb_<8 characters>_<43 characters>`: 256 random bits after a prefix shown on the
screen. It is given to its maker once; the database keeps its SHA-256.

A customer's token (the mobile app) also expires (ApiSettings.app_token_days after its sign-in or last
refresh) and is bound to the password it was signed in with: changing the password — on the portal,
by a sign-in code, from the console or the admin — stops every app token of that login in the same
write, whichever path made it."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from ispbill.accounts.selectors import user_branch_ids
from ispbill.core.audit import audit_record

from .models import AREAS, READ, WRITE, ApiSettings, ApiToken

# last_used_at is written at most this often per token (one UPDATE a minute, not one per request).
TOUCH_SECONDS = 60
TOKEN_PREFIX = "isb_"


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def password_fingerprint(user) -> str:
    """What binds a customer token to its login's current password: the SHA-256 of the password hash
    (which changes, salt and all, whenever the password is set)."""
    return hashlib.sha256(f"ispbill.api.app-token:{user.password}".encode()).hexdigest()


def app_token_settings() -> ApiSettings:
    return ApiSettings.objects.filter(pk=1).first() or ApiSettings(pk=1)


def _app_expiry(now=None):
    return (now or timezone.now()) + timedelta(days=app_token_settings().app_token_days)


def _new_raw() -> tuple[str, str]:
    prefix = secrets.token_hex(4)
    return prefix, f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"


def _clean_scopes(scopes: dict) -> dict:
    if not isinstance(scopes, dict):
        raise ValidationError({"scopes": _("Choose the access for each area.")})
    cleaned = {}
    for area, access in scopes.items():
        if area not in AREAS or access not in ("", READ, WRITE):
            raise ValidationError({"scopes": _("Choose the access for each area.")})
        if access:
            cleaned[area] = access
    if not cleaned:
        raise ValidationError({"scopes": _("Give the token access to at least one area.")})
    return cleaned


@transaction.atomic
def token_create(
    *, actor, name: str, scopes: dict, user=None, all_branches: bool = True, branches=(), rate_per_minute: int = 120,
) -> tuple[ApiToken, str]:
    """An integration's token, acting for `user` (default: the administrator making it). Returns the
    row and the token itself, which is never shown again. Branches are limited to those `user` sees."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Name the integration: the audit log shows it beside every change it makes.")})
    user = user or actor
    if user.kind != "staff" or not user.is_active:
        raise ValidationError({"user": _("A token acts for an active staff login.")})
    if not 1 <= int(rate_per_minute) <= 10_000:
        raise ValidationError({"rate_per_minute": _("Between 1 and 10,000 requests a minute.")})
    branches = list(branches)
    visible = user_branch_ids(user)
    if all_branches and visible is not None:
        raise ValidationError({"branches": _("That login sees only some branches: choose among them.")})
    if not all_branches:
        if not branches:
            raise ValidationError({"branches": _("Choose at least one branch, or all branches.")})
        if visible is not None and not {b.pk for b in branches} <= visible:
            raise ValidationError({"branches": _("That login cannot see every branch chosen.")})
    prefix, raw = _new_raw()
    token = ApiToken.objects.create(
        name=name, kind=ApiToken.Kind.STAFF, prefix=prefix, token_hash=token_hash(raw), user=user,
        scopes=_clean_scopes(scopes), all_branches=all_branches, rate_per_minute=rate_per_minute, created_by=actor,
    )
    if not all_branches:
        token.branches.set(branches)
    audit_record(actor=actor, action="apitoken.create", obj=token, after={
        "name": name, "user": user.pk, "scopes": token.scopes, "branches": sorted(b.pk for b in branches) or "all",
    })
    return token, raw


@transaction.atomic
def customer_token_create(*, customer, name: str) -> tuple[ApiToken, str]:
    """A customer's token for the mobile app (after signing in with their portal password): reads and
    opens tickets on /api/portal/ only, for that customer."""
    name = ((name or "").strip() or _("Mobile app"))[:100]
    prefix, raw = _new_raw()
    token = ApiToken.objects.create(
        name=name, kind=ApiToken.Kind.CUSTOMER, prefix=prefix, token_hash=token_hash(raw), user=customer.user,
        customer=customer, scopes={}, created_by=customer.user, expires_at=_app_expiry(),
        password_fingerprint=password_fingerprint(customer.user),
    )
    audit_record(actor=customer.user, action="apitoken.create", obj=token,
                 after={"name": name, "customer": customer.pk, "expires_at": token.expires_at.isoformat()})
    return token, raw


@transaction.atomic
def customer_token_refresh(*, token: ApiToken) -> ApiToken:
    """A valid customer token's new expiry: the lifetime set now, from now. The caller has found the
    token valid (token_find); it is locked and checked again so a revocation racing it wins."""
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.kind != ApiToken.Kind.CUSTOMER or not locked.is_active:
        raise ValidationError(_("This sign-in has ended: sign in again."))
    before = locked.expires_at
    locked.expires_at = _app_expiry()
    locked.save(update_fields=["expires_at"])
    audit_record(actor=locked.user, action="apitoken.refresh", obj=locked,
                 before={"expires_at": before.isoformat() if before else None}, after={"expires_at": locked.expires_at.isoformat()})
    return locked


def customer_apps(*, customer) -> list[ApiToken]:
    """The customer's apps that are signed in now (not revoked, not expired, same password), newest first."""
    if customer.user_id is None:
        return []
    return list(
        ApiToken.objects.filter(
            customer=customer, user_id=customer.user_id, kind=ApiToken.Kind.CUSTOMER, revoked_at__isnull=True,
            expires_at__gt=timezone.now(), password_fingerprint=password_fingerprint(customer.user),
        )
    )


def customer_app_get(*, customer, pk: int) -> ApiToken:
    """One of the customer's own signed-in apps; ApiToken.DoesNotExist for anything else (another's)."""
    for token in customer_apps(customer=customer):
        if token.pk == pk:
            return token
    raise ApiToken.DoesNotExist


@transaction.atomic
def app_token_settings_update(*, actor, app_token_days: int) -> ApiSettings:
    days = int(app_token_days)
    if not ApiSettings.MIN_DAYS <= days <= ApiSettings.MAX_DAYS:
        raise ValidationError({"app_token_days": _("Between 1 and 365 days.")})
    current = ApiSettings.objects.select_for_update().filter(pk=1).first() or ApiSettings(pk=1)
    before = current.app_token_days
    if before == days and not current._state.adding:
        return current
    current.app_token_days = days
    current.save()
    audit_record(actor=actor, action="apisettings.update", obj=current, before={"app_token_days": before}, after={"app_token_days": days})
    return current


@transaction.atomic
def token_revoke(*, actor, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="apitoken.revoke", obj=token)
    return token


def token_find(raw: str) -> ApiToken | None:
    """The active token `raw` is, with its user (and customer) loaded; None for anything else."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user", "customer").filter(token_hash=token_hash(raw), revoked_at__isnull=True).first()
    )
    if token is None or not token.user.is_active or token.is_expired:
        return None
    if token.kind == ApiToken.Kind.CUSTOMER and (
        token.expires_at is None or not constant_time_compare(token.password_fingerprint, password_fingerprint(token.user))
    ):
        return None  # the password changed since the app signed in (or a token without expiry: never for an app)
    return token


def token_touch(token: ApiToken, *, now=None) -> None:
    """Record the use: one conditional UPDATE at most every TOUCH_SECONDS."""
    now = now or timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < timedelta(seconds=TOUCH_SECONDS):
        return
    ApiToken.objects.filter(pk=token.pk).exclude(last_used_at__gte=now - timedelta(seconds=TOUCH_SECONDS)).update(last_used_at=now)
    token.last_used_at = now


def _user_codenames(user) -> set[str]:
    if user.is_superuser:
        return {f"{app}.{codename}" for app, codename in Permission.objects.values_list("content_type__app_label", "codename")}
    return set(user.get_all_permissions())


def token_actor(token: ApiToken):
    """The user a staff token's request runs as: the token's user, with permissions narrowed to the
    token's scopes (an area read-only keeps only its `view_*` permissions) and branches narrowed to the
    token's. The console's own checks (`has_perm`, the branch-scoped selectors) then apply unchanged.
    The instance is this request's own and refuses to be saved."""
    user = token.user
    granted = set()
    for permission in _user_codenames(user):
        app_label, codename = permission.split(".", 1)
        for area, (_label, apps) in AREAS.items():
            access = token.access(area)
            if app_label in apps and (access == WRITE or (access == READ and codename.startswith("view_"))):
                granted.add(permission)
    visible = user_branch_ids(user)
    if token.all_branches:
        branch_ids = visible
    else:
        chosen = set(token.branches.values_list("id", flat=True))
        branch_ids = chosen if visible is None else chosen & visible
    user.is_superuser = False
    user._perm_cache = granted
    user._user_perm_cache = granted
    user._group_perm_cache = set()
    user.all_branches = branch_ids is None
    if branch_ids is not None:
        user._branch_ids = branch_ids

    def _refuse(*args, **kwargs):
        raise RuntimeError("an API request's user is narrowed to its token and is never saved")

    user.save = _refuse
    user.api_token = token
    return user
