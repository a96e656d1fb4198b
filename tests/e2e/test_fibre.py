"""The fibre plant in the browser, against the OLT simulator over real UDP: the customer page's ONU
(status, signal, chart), the portal's "your fibre box has been off since HH:MM (power)", and the
technician's installation with the OLT's signal — refused on the phone offline when the Rx is outside
the profile's range, and by the server on sync when the OLT's reading worsened after the phone said yes."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from fibre.models import Onu
from fieldservice import services
from fieldservice.equipment import workorder_equipment
from fieldservice.models import WorkOrder
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_fieldservice import phone, sign_in  # noqa: F401 - the phone fixture
from tests.factories import AreaFactory, BranchFactory, UserFactory, admin_user
from tests.fibre.conftest import make_olt, olt_simulator  # noqa: F401 - the simulator fixture
from tests.fibre.test_fibre_poll_usecase import install_onus
from tests.fieldservice.conftest import finish_checklist, installation, onu, signature_data_url
from usecases.fibre_poll import fibre_poll


@pytest.mark.django_db(transaction=True)
def test_customer_page_and_portal_show_the_onu_read_from_the_olt(page, phone, olt_simulator):  # noqa: F811
    actor = admin_user(username="noc.admin")
    branch = BranchFactory()
    area = AreaFactory(branch=branch)
    simulated = olt_simulator.start_olt("huawei_gpon", ports=1, onus_per_port=3, seed=81)
    olt = make_olt(simulated, branch=branch, name="Mirpur OLT")
    # The first customer reads in English, the second in Bangla (install_onus alternates).
    second, first = install_onus(simulated.state, area=area, count=2, actor=actor)
    powered_off, weak = simulated.state.onus[0], simulated.state.onus[1]
    simulated.state.set_rx(weak.serial, -28.3)
    fibre_poll(olt_id=olt.pk)
    simulated.state.tick()
    simulated.state.power_cut(powered_off.serial)
    fibre_poll(olt_id=olt.pk)
    weak_onu = Onu.objects.get(serial=weak.serial)
    assert weak_onu.subscription_id == first.pk
    # Two days of hourly history, the signal sliding from −24 to −28 dBm: the chart draws it.
    from datetime import timedelta

    from fibre.models import OnuHourly

    top = timezone.now().replace(minute=0, second=0, microsecond=0)
    OnuHourly.objects.bulk_create([
        OnuHourly(onu_id=weak_onu.pk, hour=top - timedelta(hours=48 - n), samples=12, online_samples=12, rx_avg=-24 - n / 12,
                  rx_min=-24.3 - n / 12, rx_max=-23.8 - n / 12, tx_avg=2.1) for n in range(48)])

    # Staff: the customer page's Fibre tab shows the ONU's status, signal and its chart.
    sign_in(page, "staff", actor.username)
    page.goto(f"/staff/customers/{first.customer_id}/?tab=fibre")
    fibre = page.locator("#customer-fibre")
    expect(fibre).to_contain_text(weak.serial)
    expect(fibre).to_contain_text("Online")
    expect(fibre).to_contain_text("Weak")
    expect(fibre.locator(".onu-chart .uplot canvas").first).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "fibre-customer-tab.png"), full_page=True)
    page.goto(f"/staff/customers/{second.customer_id}/?tab=fibre")
    expect(page.locator("#customer-fibre")).to_contain_text("Power off")

    # The portal: the customer whose power went off is told so, with the time.
    customer = second.customer
    assert customer.language == "en"
    from customers.services import customer_portal_access_set

    customer_portal_access_set(actor=None, customer=customer, password="portal-pass-77")
    _context, portal = phone
    portal.goto("/portal/login/")
    portal.get_by_label("Account number or phone").fill(customer.account_number)
    portal.get_by_label("Password").fill("portal-pass-77")
    portal.get_by_role("button", name="Sign in").click()
    since = timezone.localtime(Onu.objects.get(serial=powered_off.serial).status_changed_at).strftime("%H:%M")
    expect(portal.locator(f"#fibre-box-{second.pk}")).to_contain_text(f"Your fibre box has been off since {since} (power)")
    portal.screenshot(path=str(ARTIFACTS / "fibre-portal-power-off.png"), full_page=True)


def _installation_on_site(simulated, technician):
    """An installation on site whose ONU serial, checklist and signature are on the server already:
    only the Rx stands between it and completion."""
    order = installation(technician=technician)
    WorkOrder.objects.filter(pk=order.pk).update(photos_required=0)
    services.workorder_arrive(actor=technician, order=order, latitude="23.8", longitude="90.4", accuracy_m=10)
    target = simulated.state.onus[0]
    onu(serial=target.serial, status="with_technician", technician=technician)
    workorder_equipment(actor=technician, order=order, serial=target.serial, action="install")
    finish_checklist(order, technician)
    services.workorder_sign(actor=technician, order=order, signer_name="Rahim Uddin", data_url=signature_data_url())
    return order, target


@pytest.mark.django_db(transaction=True)
def test_the_phone_refuses_an_installation_with_weak_rx_offline_and_the_server_refuses_it_on_sync(phone, olt_simulator):  # noqa: F811
    technician = UserFactory(kind="technician", username="tech.fibre")
    simulated = olt_simulator.start_olt("huawei_gpon", ports=1, onus_per_port=2, seed=82)
    olt = make_olt(simulated)
    order, target = _installation_on_site(simulated, technician)
    simulated.state.set_rx(target.serial, -29.5)  # below the Huawei profile's −27 dBm line
    fibre_poll(olt_id=olt.pk)

    # The phone, online, loads the order with the OLT's reading and the range.
    context, tech = phone
    sign_in(tech, "technician", technician.username)
    tech.goto(f"/technician/orders/{order.pk}/")
    signal = tech.locator("#order-fibre-signal")
    expect(signal).to_contain_text("now -29.50 dBm")
    expect(signal).to_contain_text("An installation completes only with Rx between -27 and -8 dBm.")
    tech.wait_for_function("navigator.serviceWorker.ready.then(() => true)")
    expect(tech.locator("#sync-state")).to_have_text("Everything is synced.")

    # Offline, Complete is refused on the phone: nothing is queued.
    context.set_offline(True)
    tech.get_by_role("button", name="Complete").click()
    missing = tech.locator("#finish-missing")
    expect(missing).to_contain_text("The ONU receives -29.50 dBm: an installation completes only with Rx between -27 and -8 dBm.")
    expect(tech.locator("#order-status")).to_have_text("On site")
    assert tech.evaluate("idbKeyval.keys().then((keys) => keys.filter((k) => String(k).startsWith('op:')).length)") == 0
    missing.scroll_into_view_if_needed()
    tech.screenshot(path=str(ARTIFACTS / "fibre-phone-rx-refused.png"), full_page=True)

    # The connector cleaned, the OLT reads −21 dBm: the phone loads the order again and completes offline.
    context.set_offline(False)
    simulated.state.set_rx(target.serial, -21.0)
    fibre_poll(olt_id=olt.pk)
    tech.reload()
    expect(signal).to_contain_text("now -21.00 dBm")
    context.set_offline(True)
    tech.get_by_role("button", name="Complete").click()
    expect(tech.locator("#order-status")).to_have_text("Completed")
    expect(missing).to_be_hidden()

    # Before the phone is back online the signal drops again: the server refuses the completion on sync,
    # and the phone says why and shows the order on site.
    simulated.state.set_rx(target.serial, -29.8)
    fibre_poll(olt_id=olt.pk)
    context.set_offline(False)
    tech.evaluate("window.technicianSync.flush()")
    expect(tech.locator("#sync-conflicts")).to_contain_text("receives -29.80 dBm (read from the OLT)", timeout=30_000)
    expect(tech.locator("#order-status")).to_have_text("On site")
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.ON_SITE
    tech.screenshot(path=str(ARTIFACTS / "fibre-phone-rx-refused-on-sync.png"), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_without_the_olt_s_reading_the_phone_checks_the_meter_reading_offline(phone, olt_simulator):  # noqa: F811
    technician = UserFactory(kind="technician", username="tech.meter")
    simulated = olt_simulator.start_olt("bdcom_epon", ports=1, onus_per_port=1, seed=83)
    make_olt(simulated)  # an OLT in the system (EPON: −26 to −8 dBm), which does not list the ONU installed
    order = installation(technician=technician)
    WorkOrder.objects.filter(pk=order.pk).update(photos_required=0)
    services.workorder_arrive(actor=technician, order=order, latitude="23.8", longitude="90.4", accuracy_m=10)
    onu(serial="NOTONOLT0001", status="with_technician", technician=technician)
    workorder_equipment(actor=technician, order=order, serial="NOTONOLT0001", action="install")
    finish_checklist(order, technician)
    services.workorder_sign(actor=technician, order=order, signer_name="Rahim Uddin", data_url=signature_data_url())

    context, tech = phone
    sign_in(tech, "technician", technician.username)
    tech.goto(f"/technician/orders/{order.pk}/")
    tech.wait_for_function("navigator.serviceWorker.ready.then(() => true)")
    context.set_offline(True)
    missing = tech.locator("#finish-missing")
    tech.get_by_role("button", name="Complete").click()
    expect(missing).to_contain_text("Measure the ONU’s optical power and save the readings.")
    tech.get_by_label("ONU optical power (dBm)").fill("-30.4")
    tech.get_by_role("button", name="Save readings").click()
    tech.get_by_role("button", name="Complete").click()
    expect(missing).to_contain_text("The ONU receives -30.4 dBm")
    tech.get_by_label("ONU optical power (dBm)").fill("-22.6")
    tech.get_by_role("button", name="Save readings").click()
    tech.get_by_role("button", name="Complete").click()
    expect(tech.locator("#order-status")).to_have_text("Completed")
    kinds = tech.evaluate("idbKeyval.values().then((ops) => ops.filter((op) => op && op.kind).map((op) => op.kind))")
    assert kinds.count("readings") == 2 and kinds[-1] == "complete" or "complete" in kinds
