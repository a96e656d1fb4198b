"""An installation cannot be completed with the ONU's Rx outside its OLT profile's range: the OLT's own
reading of the ONU whose serial the technician recorded (over real UDP from the simulator), else the
technician's meter reading."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from fibre.models import Olt
from fieldservice import services
from fieldservice.equipment import workorder_equipment
from fieldservice.models import WorkOrder
from tests.factories import UserFactory
from tests.fibre.conftest import make_olt
from tests.fieldservice.conftest import finish_checklist, installation, onu, signature_data_url
from usecases.fibre_poll import fibre_poll
from usecases.workorder_complete import workorder_complete

pytestmark = pytest.mark.django_db


def on_site(technician, serial: str):
    order = installation(technician=technician)
    services.workorder_arrive(actor=technician, order=order, latitude="23.8", longitude="90.4", accuracy_m=10)
    onu(serial=serial, status="with_technician", technician=technician)
    workorder_equipment(actor=technician, order=order, serial=serial, action="install")
    finish_checklist(order, technician)
    services.workorder_sign(actor=technician, order=order, signer_name="Rahim Uddin", data_url=signature_data_url())
    return order


def test_the_olt_s_weak_reading_refuses_completion_and_a_good_one_allows_it(olt_simulator):
    technician = UserFactory(kind="technician", username="tech-fibre")
    simulated = olt_simulator.start_olt("huawei_gpon", ports=1, onus_per_port=2, seed=31)
    target = simulated.state.onus[0]
    simulated.state.set_rx(target.serial, -29.5)  # below the Huawei profile's −27 dBm warning line
    olt = make_olt(simulated)
    fibre_poll(olt_id=olt.pk)
    order = on_site(technician, target.serial)

    with pytest.raises(ValidationError, match=r"receives -29\.50 dBm \(read from the OLT\): it must be between -27 and -8"):
        workorder_complete(actor=technician, order=order, check_online=False)
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.ON_SITE

    simulated.state.set_rx(target.serial, -21.0)  # the connector cleaned
    fibre_poll(olt_id=olt.pk)
    workorder_complete(actor=technician, order=order, check_online=False)
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.COMPLETED
    rules = services.completion_rules(order)
    assert rules["rx_range"] == ["-27", "-8"]
    assert rules["rx_olt"] == "-21.00"  # the OLT's reading the phone checks offline (static/js/technician.js)


def test_without_the_olt_s_reading_the_meter_reading_must_be_in_range(olt_simulator):
    technician = UserFactory(kind="technician", username="tech-fibre-2")
    simulated = olt_simulator.start_olt("bdcom_epon", ports=1, onus_per_port=1, seed=32)
    Olt.objects.create(name="Branch OLT", branch=make_olt(simulated).branch, host="127.0.0.1", profile="bdcom_epon", community="x")
    order = on_site(technician, "UNKNOWN0001")  # not on any OLT yet
    with pytest.raises(ValidationError, match="Measure the ONU's optical power first"):
        workorder_complete(actor=technician, order=order, check_online=False)
    services.workorder_record_readings(actor=technician, order=order, onu_power_dbm=Decimal("-30.2"))
    with pytest.raises(ValidationError, match=r"receives -30\.20 dBm \(measured\)"):
        workorder_complete(actor=technician, order=order, check_online=False)
    services.workorder_record_readings(actor=technician, order=order, onu_power_dbm=Decimal("-22.4"))
    workorder_complete(actor=technician, order=order, check_online=False)
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.COMPLETED
