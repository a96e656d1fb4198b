"""FreeRADIUS and the cards (docs/vouchers.md, "Hotspot logins"), PostgreSQL only: the key row its card
functions read, the role's right to call them, and those functions called from Python (the tests
that hold them to `selectors.card_verdict` and `services.card_first_use`).

Why raw SQL: grants are DDL, and the functions are migration vouchers/0006's (FreeRADIUS calls them
over rlm_sql; Python calls them here only to prove both sides agree).

Where the key lives, and why: FreeRADIUS finds a card by HMAC-SHA256(VOUCHER_HMAC_KEY, code), computed
by pgcrypto inside PostgreSQL (FreeRADIUS 3.2 has no HMAC-SHA256 of its own). The key is one row of
`vouchers_cardloginkey`, written from settings by `login_key_write` whenever FreeRADIUS's role is made
(`radius_db_role`, `radius_serve`) and by the migration. The role has no right on that table: only the
SECURITY DEFINER functions read it, and they return a card's verdict, never the key. So the role (or a
stolen FreeRADIUS configuration) can test a code — which is what a login does, and what the lockout
limits — but cannot read the key, nor search the cards table (it cannot read that either).
"""

from datetime import datetime

from django.conf import settings
from django.db import connection

from .codes import hmac_key
from .models import CardLoginKey

# What the FreeRADIUS role may execute (migration vouchers/0006). The rest are called by these.
ROLE_FUNCTIONS = (
    "radius_login_rows(bigint, text, text, text, text)",
    "voucher_authorize_rows(bigint, text, text)",
    "voucher_login_accepted(bigint, bigint, text)",
    "voucher_account(bigint, text, text, text, text, bigint, bigint)",
)


def login_key_values() -> tuple[bytes, str]:
    return hmac_key(), settings.TIME_ZONE


def login_key_write() -> None:
    key, time_zone = login_key_values()
    CardLoginKey.objects.update_or_create(pk=1, defaults={"hmac_key": key, "time_zone": time_zone})


def role_grant(*, role: str) -> None:
    """The card functions for FreeRADIUS's role (`role` checked by radius.sql.role_ensure)."""
    quoted = connection.ops.quote_name(role)
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT EXECUTE ON FUNCTION {', '.join(ROLE_FUNCTIONS)} TO {quoted}")


def on_role_ensured(sender, *, role: str, **kwargs) -> None:
    login_key_write()
    role_grant(role=role)


# --- the same functions, called from Python (tests) --------------------------------------------------

def card_verdict_sql(*, card_id: int, now: datetime, device: str = "") -> tuple:
    """(reason, seconds_left, bytes_left, rate_limit, devices) as FreeRADIUS's login sees it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM voucher_card_verdict(%s, %s, %s)", [card_id, now, device])
        return cursor.fetchone()


def card_start_sql(*, card_id: int, at: datetime, zone_id: int | None, device: str = "") -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT voucher_card_start(%s, %s, %s, %s)", [card_id, at, zone_id, device])
        return cursor.fetchone()[0]
