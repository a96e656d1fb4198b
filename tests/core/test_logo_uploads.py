"""Logos print on every invoice: the ISP's and a reseller's are measured before they are decoded, with
the same check as every image we take, and a refused logo changes nothing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from billing.selectors import current_billing_settings
from resellers.models import Reseller
from tests.billing.test_billing_screens import settings_post
from tests.image_files import png_declaring
from tests.resellers.helpers import make_reseller

pytestmark = pytest.mark.django_db


def _png(size=(60, 20)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "navy").save(buffer, format="PNG")
    return buffer.getvalue()


def test_the_isps_logo_declaring_a_huge_picture_is_refused_with_the_limit(staff_client):
    bomb = SimpleUploadedFile("logo.png", png_declaring(6000, 6000), content_type="image/png")

    response = staff_client.post(reverse("staff:billingsettings-edit"), {**settings_post(), "logo": bomb})

    assert response.status_code == 400 and "2000 × 2000 pixels" in response.content.decode()
    assert not current_billing_settings().logo


def _reseller_post(reseller, **extra) -> dict:
    return {"name": reseller.name, "phone": reseller.phone, "areas": [a.pk for a in reseller.areas.all()],
            "model": reseller.model, "credit_limit": "0", **extra}


@pytest.mark.parametrize("content, message", [
    (lambda: png_declaring(6000, 6000), "2000 × 2000 pixels"),
    (lambda: png_declaring(30000, 30000), "2000 × 2000 pixels"),
    (lambda: b"GIF89a not an image", "not an image (send PNG, JPEG, GIF, WebP)"),
], ids=["6000x6000", "30000x30000", "not-an-image"])
def test_a_resellers_logo_that_is_too_big_or_not_an_image_is_refused_and_nothing_changes(client, content, message):
    content = content()  # made here, not when the module is collected (tests/image_files.py)
    reseller, *_rest, admin = make_reseller()
    client.force_login(admin)
    url = reverse("staff:reseller-edit", args=[reseller.pk])

    response = client.post(url, _reseller_post(reseller, logo=SimpleUploadedFile("logo.png", content, content_type="image/png")))

    assert response.status_code == 400 and message in response.content.decode()
    assert not Reseller.objects.get(pk=reseller.pk).logo
    ok = client.post(url, _reseller_post(reseller, logo=SimpleUploadedFile("logo.png", _png(), content_type="image/png")))
    assert ok.status_code == 302 and Reseller.objects.get(pk=reseller.pk).logo
