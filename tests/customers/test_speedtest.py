"""Portal speed test: LibreSpeed-protocol endpoints, results against the package, history on both sides."""

import gzip
import zlib
from decimal import Decimal

import pytest
from django.urls import reverse

from customers.models import SpeedTestResult
from customers.speedtest import CHUNK, MAX_CHUNKS, UPLOAD_CAP
from tests.factories import PackageFactory, admin_user, make_customer, make_subscription

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_cache")]


@pytest.fixture
def speedtest_customer():
    speedtest_customer = make_customer(name="Rafiq Islam", portal_password="portal-pass-1")
    make_subscription(customer=speedtest_customer, package=PackageFactory(download_mbps=50, upload_mbps=20), activate=True)
    return speedtest_customer


@pytest.fixture
def speedtest_portal(client, speedtest_customer):
    client.force_login(speedtest_customer.user)
    return client


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_download_streams_cksize_mebibytes_uncached_and_uncompressed(speedtest_portal):
    response = speedtest_portal.get(reverse("portal:speedtest-garbage") + "?ckSize=3", HTTP_ACCEPT_ENCODING="gzip, br")
    body = _body(response)
    assert response.status_code == 200
    assert len(body) == 3 * CHUNK == int(response["Content-Length"])
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Encoding"] == "identity"
    assert response["Content-Type"] == "application/octet-stream"
    # Random bytes: gzip gains nothing on them.
    assert len(gzip.compress(body[:CHUNK])) >= CHUNK


def test_download_defaults_and_caps_the_size(speedtest_portal):
    assert len(_body(speedtest_portal.get(reverse("portal:speedtest-garbage")))) == 4 * CHUNK
    capped = speedtest_portal.get(reverse("portal:speedtest-garbage") + "?ckSize=999999")
    assert int(capped["Content-Length"]) == MAX_CHUNKS * CHUNK
    assert int(speedtest_portal.get(reverse("portal:speedtest-garbage") + "?ckSize=abc")["Content-Length"]) == 4 * CHUNK


def test_gzip_middleware_leaves_the_download_alone(rf, speedtest_customer):
    from django.middleware.gzip import GZipMiddleware

    from customers.speedtest import garbage

    request = rf.get("/portal/speedtest/garbage?ckSize=1", HTTP_ACCEPT_ENCODING="gzip")
    response = GZipMiddleware(lambda r: garbage(r))(request)
    body = _body(response)
    assert response["Content-Encoding"] == "identity" and len(body) == CHUNK
    with pytest.raises(zlib.error):
        zlib.decompress(body, 16 + zlib.MAX_WBITS)


def test_upload_is_read_and_discarded(speedtest_portal):
    body = b"x" * (2 * CHUNK + 123)
    response = speedtest_portal.post(
        reverse("portal:speedtest-empty"), data=body, content_type="application/octet-stream"
    )
    assert response.status_code == 200 and response.content == b""
    assert "no-store" in response["Cache-Control"]


def test_upload_past_the_cap_is_refused(speedtest_portal):
    response = speedtest_portal.post(
        reverse("portal:speedtest-empty"), data=b"\0" * (UPLOAD_CAP + 1), content_type="application/octet-stream"
    )
    assert response.status_code == 413


def test_upload_without_a_length_past_the_cap_is_refused_while_reading(rf, speedtest_customer):
    from io import BytesIO

    from customers.speedtest import empty

    request = rf.post("/portal/speedtest/empty", data=b"", content_type="application/octet-stream")
    big = BytesIO(b"\0" * (UPLOAD_CAP + 10))
    request._stream = big  # a chunked upload: no Content-Length to refuse it by
    request.META["CONTENT_LENGTH"] = ""
    assert empty(request).status_code == 413


def test_ping_and_ip(speedtest_portal):
    assert speedtest_portal.get(reverse("portal:speedtest-empty")).status_code == 200
    assert speedtest_portal.get(reverse("portal:speedtest-getip"), REMOTE_ADDR="10.20.30.40").json()["processedString"] == "10.20.30.40"


def test_result_is_stored_and_compared_with_the_package(speedtest_portal, speedtest_customer):
    response = speedtest_portal.post(
        reverse("portal:speedtest-result"),
        {"download": "41.0", "upload": "18.2", "ping": "12.4", "jitter": "2.1"},
        HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 13)", REMOTE_ADDR="10.20.30.40",
    )
    assert response.status_code == 200
    result = SpeedTestResult.objects.get()
    assert (result.customer, result.download_mbps, result.package_download_mbps) == (speedtest_customer, Decimal("41.00"), 50)
    assert result.ip == "10.20.30.40" and "Android" in result.user_agent
    assert "You got 82% of your 50 Mbps." in response.content.decode()
    assert "82%" in speedtest_portal.get(reverse("portal:speedtest")).content.decode()


@pytest.mark.parametrize("figures", [
    {"download": "abc", "upload": "1", "ping": "1", "jitter": "1"},
    {"download": "-5", "upload": "1", "ping": "1", "jitter": "1"},
    {"download": "NaN", "upload": "1", "ping": "1", "jitter": "1"},
    {"download": "1e9", "upload": "1", "ping": "1", "jitter": "1"},
])
def test_bad_figures_are_refused_and_nothing_saved(speedtest_portal, figures):
    assert speedtest_portal.post(reverse("portal:speedtest-result"), figures).status_code == 400
    assert not SpeedTestResult.objects.exists()


def test_staff_see_the_customers_results_on_the_customer_page(client, speedtest_customer):
    SpeedTestResult.objects.create(
        customer=speedtest_customer, download_mbps=Decimal("12.5"), upload_mbps=Decimal("9"), ping_ms=Decimal("30"),
        jitter_ms=Decimal("4"), package_download_mbps=50, package_upload_mbps=20, user_agent="Phone",
    )
    client.force_login(admin_user())
    page = client.get(reverse("staff:customer-detail", args=[speedtest_customer.pk])).content.decode()
    assert "Speed tests" in page and "12.5 Mbps" in page and "25% of 50" in page


def test_a_result_above_the_package_says_what_it_means_instead_of_a_percentage(speedtest_portal, speedtest_customer):
    """4296% of 50 Mbps on a local network means the test did not pass the package's limit."""
    response = speedtest_portal.post(
        reverse("portal:speedtest-result"), {"download": "2148.0", "upload": "900.0", "ping": "0.4", "jitter": "0.1"},
        HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64)", REMOTE_ADDR="10.20.30.40",
    )
    page = response.content.decode()
    assert "Faster than your 50 Mbps package" in page and "not the internet speed your package gives you" in page
    assert "4296%" not in page and "above your package" in page
