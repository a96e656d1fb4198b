"""The MikroTik hotspot pages we provide (vouchers/hotspot.py): what the zip holds, what is baked in per
zone, that nothing the ISP typed can become a router variable, the staff download and its permission;
and the simulated router's web server (demo/routeros/hotspot_http.py) filling them in as RouterOS does,
logging in by PAP (a card's QR code) and by CHAP (md5.js's answer) against a local hotspot user."""

import hashlib
import io
import re
import zipfile
from http.cookiejar import CookieJar
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, build_opener

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from billing.selectors import current_billing_settings
from demo.routeros.hotspot_http import render
from tests.factories import AreaFactory, UserFactory
from vouchers import hotspot, services
from vouchers.models import WifiZone

pytestmark = pytest.mark.django_db

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360f8ffff3f0005fe02fea7a6a5b10000000049454e44ae426082")


@pytest.fixture
def hotspot_pages_zone(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.SITE_URL = "https://billing.example.net"
    cfg = current_billing_settings()
    cfg.isp_name = "Dhaka Net $(username) <b>"
    cfg.logo.save("logo.png", ContentFile(PNG), save=True)
    return services.zone_create(actor=None, name="Bazar Wi-Fi", area=AreaFactory())


def _zip(hotspot_pages_zone) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(hotspot.hotspot_zip(hotspot_pages_zone))) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_zip_holds_every_page_md5_js_and_the_bangla_font_with_its_licence(hotspot_pages_zone):
    files = _zip(hotspot_pages_zone)
    assert set(files) == {f"hotspot/{name}" for name in (*hotspot.PAGES, "md5.js", f"fonts/{hotspot.FONT_FILE}", f"fonts/{hotspot.FONT_FILE_BOLD}", f"fonts/{hotspot.FONT_LICENCE}")}
    login = files["hotspot/login.html"].decode()
    for variable in ("$(link-login-only)", "$(username)", "$(error)", "$(chap-id)", "$(chap-challenge)", "$(link-orig)", "$(if chap-id)", "$(endif)"):
        assert variable in login
    status = files["hotspot/status.html"].decode()
    assert "$(session-time-left)" in status and "$(remain-bytes-total)" in status and "$(link-logout)" in status
    assert files[f"hotspot/fonts/{hotspot.FONT_FILE}"][:4] == b"wOF2"
    assert b"SIL Open Font License" in files[f"hotspot/fonts/{hotspot.FONT_LICENCE}"] or b"OFL" in files[f"hotspot/fonts/{hotspot.FONT_LICENCE}"]


def test_the_isp_name_logo_and_both_languages_are_baked_in_and_no_typed_dollar_reaches_the_router(hotspot_pages_zone):
    login = _zip(hotspot_pages_zone)["hotspot/login.html"].decode()
    assert "Dhaka Net &#36;(username) &lt;b&gt;" in login  # escaped, and its $ is no router variable
    assert "$(username) <b>" not in login
    assert "data:image/png;base64," in login
    assert "Bazar Wi-Fi" in login
    assert "Card code" in login and "কার্ড কোড" in login and 'id="language"' in login
    # Every $( left in the page is one of ours: a variable name, an if, elif, else or endif.
    for found in re.findall(r"\$\(([^)]*)\)", login):
        assert re.fullmatch(r"(if |elif )?[a-z0-9 =='-]+|else|endif", found), found


def test_the_sign_up_link_is_there_only_when_the_zone_sells_online(hotspot_pages_zone):
    assert "/wifi/" not in _zip(hotspot_pages_zone)["hotspot/login.html"].decode()
    WifiZone.objects.filter(pk=hotspot_pages_zone.pk).update(sells_online=True)
    hotspot_pages_zone.refresh_from_db()
    login = _zip(hotspot_pages_zone)["hotspot/login.html"].decode()
    # The router fills in the visitor's MAC, its login link and the page wanted (the sign-up page's parameters).
    assert (f'href="https://billing.example.net/wifi/{hotspot_pages_zone.pk}/?mac=$(mac-esc)&amp;login=$(link-login-only-esc)'
            f'&amp;dst=$(link-orig-esc)"') in login
    assert "Buy a plan with your phone" in login


def test_staff_download_the_zip_from_the_zones_screen(hotspot_pages_zone, staff_client):
    listing = staff_client.get(reverse("staff:voucher-zone-list"))
    url = reverse("staff:voucher-zone-hotspot", args=[hotspot_pages_zone.pk])
    assert url.encode() in listing.content
    response = staff_client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert f'hotspot-zone-{hotspot_pages_zone.pk}.zip' in response["Content-Disposition"]
    assert zipfile.ZipFile(io.BytesIO(response.content)).read("hotspot/login.html")


def test_the_download_needs_the_zone_permission_and_a_real_zone(hotspot_pages_zone, staff_client):
    from django.test import Client

    url = reverse("staff:voucher-zone-hotspot", args=[hotspot_pages_zone.pk])
    clerk = Client()
    clerk.force_login(UserFactory(roles=[]))
    assert clerk.get(url).status_code == 403
    assert staff_client.get(reverse("staff:voucher-zone-hotspot", args=[hotspot_pages_zone.pk + 999])).status_code == 404
    assert staff_client.get(f"/staff/cards/zones/{'9' * 30}/hotspot.zip").status_code == 404
    assert staff_client.get("/staff/cards/zones/abc/hotspot.zip").status_code == 404
    assert staff_client.post(url).status_code == 405


# The simulated router's hotspot web server ---------------------------------------------------------

def test_render_fills_variables_and_keeps_or_drops_if_blocks_like_routeros():
    page = "$(if error)E:$(error)$(elif chap-id)C$(else)P$(endif)|$(if a == 'x')X$(else)Y$(endif)|$(unknown)|$(username)"
    assert render(page, {"error": "bad", "chap-id": "1", "a": "x", "username": "ME"}) == "E:bad|X||ME"
    assert render(page, {"chap-id": "1"}) == "C|Y||"
    assert render(page, {}) == "P|Y||"
    assert render("$(if a)$(if b)AB$(else)A$(endif)$(else)N$(endif)", {"a": "1"}) == "A"


@pytest.fixture
def hotspot_router(hotspot_pages_zone, tmp_path):
    from demo.routeros import SimulatorHost

    with SimulatorHost() as simulator:
        router = simulator.add_router(identity="zone-router", connect_delay=0)
        router.run("/ip/hotspot/user/add", name="ABCDEFGHJKMN", password="ABCDEFGHJKMN",
                   **{"limit-uptime": "1h", "limit-bytes-total": str(2048 * 1024 * 1024)})
        portal = router.serve_hotspot(hotspot.write_directory(hotspot_pages_zone, tmp_path / "hotspot"))
        yield router, portal


def _browser():
    return build_opener(HTTPCookieProcessor(CookieJar()))


def test_the_qr_code_url_logs_in_at_once_by_pap_and_the_status_page_shows_time_and_data_left(hotspot_router):
    router, portal = hotspot_router
    router.run("/ip/hotspot/profile/set", numbers="default", **{"login-by": "cookie,http-chap,http-pap"})
    browser = _browser()
    page = browser.open(f"{portal.url}?{urlencode({'username': 'ABCDEFGHJKMN', 'password': 'ABCDEFGHJKMN'})}").read().decode()
    assert 'id="connected"' in page
    status = browser.open(f"http://{portal.bind}:{portal.port}/status").read().decode()
    assert '<dd id="status-time-left">1h</dd>' in status
    left = int(re.search(r'<dd id="status-data-left">(\d+)</dd>', status).group(1))
    assert 2048 * 1024 * 1024 - 50 * 1024 * 1024 < left <= 2048 * 1024 * 1024  # the 2 GiB less what moved so far
    assert "$(" not in status
    logout = browser.open(f"http://{portal.bind}:{portal.port}/logout", data=b"erase-cookie=on").read().decode()
    assert 'id="logged-out"' in logout


def test_a_chap_login_sends_md5_of_id_code_and_challenge_and_a_wrong_code_is_refused(hotspot_router):
    _router, portal = hotspot_router
    browser = _browser()
    page = browser.open(portal.url).read().decode()
    assert "hexMD5('\\" in page  # the router's octal-escaped chap-id went into the script
    ident = re.search(r"hexMD5\('((?:\\\d{3})+)' \+ code \+ '((?:\\\d{3})+)'\)", page)
    chap_id, challenge = (bytes(int(octal, 8) for octal in re.findall(r"\\(\d{3})", group)) for group in ident.groups())
    wrong = hashlib.md5(chap_id + b"WRONGWRONGWR" + challenge).hexdigest()
    refused = browser.open(portal.url, data=urlencode({"username": "ABCDEFGHJKMN", "password": wrong}).encode()).read().decode()
    assert 'id="error"' in refused and "invalid username or password" in refused
    # A fresh challenge came with the page that said so.
    ident = re.search(r"hexMD5\('((?:\\\d{3})+)' \+ code \+ '((?:\\\d{3})+)'\)", refused)
    chap_id, challenge = (bytes(int(octal, 8) for octal in re.findall(r"\\(\d{3})", group)) for group in ident.groups())
    answer = hashlib.md5(chap_id + b"ABCDEFGHJKMN" + challenge).hexdigest()
    accepted = browser.open(portal.url, data=urlencode({"username": "ABCDEFGHJKMN", "password": answer}).encode()).read().decode()
    assert 'id="connected"' in accepted
    # The same answer again is refused: a challenge answers once.
    again = _browser().open(portal.url, data=urlencode({"username": "ABCDEFGHJKMN", "password": answer}).encode()).read().decode()
    assert 'id="error"' in again


def test_the_simulator_serves_no_file_outside_the_hotspot_directory(hotspot_router):
    from urllib.error import HTTPError

    _router, portal = hotspot_router
    with pytest.raises(HTTPError) as missing:
        _browser().open(f"http://{portal.bind}:{portal.port}/../../etc/passwd")
    assert missing.value.code == 404
    assert _browser().open(f"http://{portal.bind}:{portal.port}/md5.js").read().startswith(b"/* MD5")


def test_the_demo_routers_serve_each_zones_login_page(hotspot_pages_zone, settings, tmp_path):
    """`make run`: the zone's simulated router serves its pages, where VOUCHER_LOGIN_URL points."""
    import io as _io

    from demo.management.commands.demo_routers import Command
    from demo.routeros import SimulatorHost
    from tests.factories import RouterFactory

    settings.VAR_DIR = tmp_path / "var"
    router_row = RouterFactory()
    WifiZone.objects.filter(pk=hotspot_pages_zone.pk).update(router=router_row)
    with SimulatorHost() as simulator:
        sim = simulator.add_router(identity=router_row.name, connect_delay=0)
        out = _io.StringIO()
        command = Command(stdout=out)
        command.hotspot_pages([router_row], [sim], 0)
        portal = sim.hotspot_portals[0]
        page = _browser().open(f"{portal.url}?username=ABCDEFGHJKMN&password=ABCDEFGHJKMN").read().decode()
    assert 'value="ABCDEFGHJKMN"' in page and "Bazar Wi-Fi" in page and "$(" not in page.split("<script>", 1)[0]
    assert (tmp_path / "var" / "hotspot" / f"zone-{hotspot_pages_zone.pk}" / "login.html").is_file()
    assert f"Hotspot: Bazar Wi-Fi's login page on {portal.url}" in out.getvalue()
