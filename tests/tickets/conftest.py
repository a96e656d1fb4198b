from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tickets import services
from tickets.models import SupportSettings

DHAKA = ZoneInfo("Asia/Dhaka")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def dhaka(*args) -> datetime:
    return datetime(*args, tzinfo=DHAKA)


@pytest.fixture(autouse=True)
def business_hours(db):
    """Saturday to Thursday, 09:00–18:00 Dhaka (the defaults, saved so every test reads the same row)."""
    return SupportSettings.objects.create(
        pk=1, workday_start=time(9), workday_end=time(18), working_days=[0, 1, 2, 3, 5, 6], reopen_days=7, warn_before_minutes=60,
    )


def png(name: str = "router.png", size: int | None = None) -> SimpleUploadedFile:
    content = PNG if size is None else PNG + b"\x00" * (size - len(PNG))
    return SimpleUploadedFile(name, content, content_type="image/png")


def raise_ticket(customer, *, actor=None, now=None, category="slow_speed", priority="", **kwargs):
    return services.ticket_create(
        actor=actor or customer.user, customer=customer, category=category, priority=priority,
        subject=kwargs.pop("subject", "Slow in the evening"), description=kwargs.pop("description", "Speed drops after 8 pm."),
        now=now, **kwargs,
    )
