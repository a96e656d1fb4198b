"""A customer's photos and signature are theirs: served to staff with `Cache-Control: private,
no-store`, so no copy stays in a shared browser's cache or a proxy, and only for an order the staff
member may see."""

import re
import uuid
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fieldservice import services
from tests.factories import BranchFactory, UserFactory

from .conftest import png_bytes, repair_order, signature_data_url

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def order_with_files(technician):
    order = repair_order(technician=technician)
    photo, _created = services.workorder_add_photo(actor=technician, order=order, client_uuid=uuid.uuid4(),
                                                   upload=SimpleUploadedFile("a.jpg", png_bytes(fmt="JPEG")))
    services.workorder_sign(actor=technician, order=order, signer_name="Karim", data_url=signature_data_url())
    return order, photo


@pytest.mark.django_db
def test_a_customers_photo_and_signature_are_private_and_never_stored_by_the_browser(client, supervisor, order_with_files):
    order, photo = order_with_files
    client.force_login(supervisor)
    for url in (reverse("staff:workorder-photo", args=[order.pk, photo.pk]), reverse("staff:workorder-signature", args=[order.pk])):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "private, no-store", url
        assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


@pytest.mark.django_db
def test_someone_elses_photo_or_a_wrong_id_is_404(client, supervisor, order_with_files, technician):
    order, photo = order_with_files
    other = repair_order(technician=technician)
    client.force_login(supervisor)
    assert client.get(reverse("staff:workorder-photo", args=[other.pk, photo.pk])).status_code == 404
    assert client.get(reverse("staff:workorder-photo", args=[order.pk, 999999])).status_code == 404
    assert client.get(reverse("staff:workorder-signature", args=[other.pk])).status_code == 404
    client.force_login(UserFactory(roles=["Technician supervisor"], branch_scope=[BranchFactory()]))
    assert client.get(reverse("staff:workorder-photo", args=[order.pk, photo.pk])).status_code in (403, 404)


def test_no_view_lets_a_private_answer_be_cached():
    """Cache lifetimes belong to static files (served by WhiteNoise), never to a view's answer."""
    offenders = [f"{path.relative_to(ROOT)}: {match}" for path in sorted((ROOT / "web").rglob("*.py"))
                 for match in re.findall(r"max-age=[1-9]\d*", path.read_text())]
    assert not offenders, offenders
