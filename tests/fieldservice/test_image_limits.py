"""The technician's photos and the customer's signature on the phone are measured before anything
decodes them, with the same limits as every image we take (ispbill/core/images.py)."""

import base64
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fieldservice import services
from fieldservice.models import WorkOrderPhoto
from tests.image_files import png_declaring

from .conftest import png_bytes, repair_order, signature_data_url


@pytest.mark.django_db
@pytest.mark.parametrize("width, height", [(4000, 2000), (5000, 200), (30000, 30000)])
def test_a_signature_declaring_a_huge_picture_is_refused_and_nothing_is_kept(technician, width, height):
    order = repair_order(technician=technician)
    bomb = "data:image/png;base64," + base64.b64encode(png_declaring(width, height)).decode()

    with pytest.raises(ValidationError, match="too large"):
        services.workorder_sign(actor=technician, order=order, signer_name="Karim", data_url=bomb)

    order.refresh_from_db()
    assert not order.signature and order.signer_name == "" and order.signed_at is None
    services.workorder_sign(actor=technician, order=order, signer_name="Karim", data_url=signature_data_url())


@pytest.mark.django_db
def test_a_photo_declaring_a_huge_picture_answers_413_with_the_limit_and_nothing_is_kept(client, technician):
    order = repair_order(technician=technician)
    client.force_login(technician)
    url = reverse("technician:photo-upload")

    bomb = client.post(url, {"uuid": str(uuid.uuid4()), "order": order.pk,
                             "photo": SimpleUploadedFile("a.png", png_declaring(5000, 3000), content_type="image/png")})

    assert bomb.status_code == 413 and "4096 × 4096 pixels" in bomb.json()["error"]
    assert not WorkOrderPhoto.objects.exists()
    ok = client.post(url, {"uuid": str(uuid.uuid4()), "order": order.pk,
                           "photo": SimpleUploadedFile("a.jpg", png_bytes((1600, 1200), fmt="JPEG"))})
    assert ok.status_code == 201 and WorkOrderPhoto.objects.get().width == 1600


@pytest.mark.django_db
def test_a_gif_photo_is_refused_as_not_an_image_we_take(client, technician):
    order = repair_order(technician=technician)
    client.force_login(technician)
    response = client.post(reverse("technician:photo-upload"), {
        "uuid": str(uuid.uuid4()), "order": order.pk, "photo": SimpleUploadedFile("a.gif", png_bytes(fmt="GIF"))})
    assert response.status_code == 400 and "JPEG, PNG, WebP" in response.json()["error"]
    assert not WorkOrderPhoto.objects.exists()
