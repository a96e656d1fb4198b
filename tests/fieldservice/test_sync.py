"""The technician sync (POST /technician/api/ops/): the phone's queue must never jam. Each queued action
is validated and applied on its own; a bad one gets its own error, the rest apply, and replaying the
batch answers the same."""

import json
import uuid
from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldservice.models import SyncOperation, WorkOrder, WorkOrderEvent
from fieldservice.sync import FIELD_LABELS

from .conftest import repair_order


def send(client, ops):
    """The batch as the phone sends it (Python's json writes NaN and Infinity, as a buggy client could)."""
    return client.post(reverse("technician:operations"), data=json.dumps({"ops": ops}), content_type="application/json")


def op(kind, order, **payload):
    return {"uuid": str(uuid.uuid4()), "kind": kind, "order": order, "payload": payload}


ODD = [
    ("arrive", {"latitude": float("nan"), "longitude": 90.4}, "latitude"),
    ("arrive", {"latitude": "NaN", "longitude": "90.4"}, "latitude"),
    ("arrive", {"latitude": "23.8", "longitude": "far"}, "longitude"),
    ("readings", {"onu_power_dbm": "NaN"}, "onu_power_dbm"),
    ("readings", {"speed_down_mbps": float("inf")}, "speed_down_mbps"),
    ("readings", {"speed_up_mbps": [1, 2]}, "speed_up_mbps"),
    ("note", {"text": 5}, "text"),
    ("note", {"text": "gate\x00locked"}, "text"),
    ("note", {}, "text"),  # missing
    ("check", {"item": "first", "done": True}, "item"),
    ("check", {"item": 99999999999999999999, "done": True}, "item"),
    ("check", {"done": True}, "item"),  # missing
    ("sign", {"signer_name": 5, "data_url": 3}, "signer_name"),
    ("equipment", {"serial": 7, "action": "install"}, "serial"),
    ("equipment", {"serial": "ZTEG1", "action": "sell"}, "action"),
    ("fail", {"reason": ["x"]}, "reason"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "payload", "field"), ODD, ids=[f"{k}-{f}-{i}" for i, (k, _p, f) in enumerate(ODD)])
def test_an_odd_value_in_one_operation_is_its_own_refusal_and_the_rest_of_the_batch_applies(client, technician, kind, payload, field):
    order = repair_order(technician=technician)
    item = order.checklist.first()
    client.force_login(technician)
    before = op("note", order.pk, text="Before")
    bad = op(kind, order.pk, **payload)
    after = op("check", order.pk, item=item.pk, done=True)
    batch = [before, bad, after]

    response = send(client, batch)

    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["ok"] for r in results] == [True, False, True]
    assert results[1]["uuid"] == bad["uuid"] and results[1]["code"] in ("invalid", "invalid_transition")
    assert f"{FIELD_LABELS[field]}: " in results[1]["error"]  # the phone can say which value was wrong
    item.refresh_from_db()
    assert item.done and WorkOrderEvent.objects.filter(order=order, action="note", message="Before").count() == 1
    assert send(client, batch).json()["results"] == results  # a replay: the same answers, nothing twice
    assert WorkOrderEvent.objects.filter(order=order, action="note").count() == 1
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.ASSIGNED  # the odd action changed nothing


@pytest.mark.django_db
def test_an_unknown_order_or_a_malformed_order_id_is_refused_alone(client, technician):
    order = repair_order(technician=technician)
    client.force_login(technician)
    batch = [op("note", 99999999999999999999, text="x"), op("note", "1; drop", text="x"), op("note", None, text="x"),
             op("note", 1.5, text="x"), op("note", True, text="x"), op("note", order.pk, text="Mine")]
    results = send(client, batch).json()["results"]
    assert [r["ok"] for r in results] == [False] * 5 + [True]
    assert all(r["error"] for r in results[:5])
    assert send(client, batch).json()["results"] == results


@pytest.mark.django_db
def test_a_payload_that_is_not_an_object_and_an_unknown_kind_are_refused_and_stored(client, technician):
    order = repair_order(technician=technician)
    client.force_login(technician)
    batch = [{"uuid": str(uuid.uuid4()), "kind": "note", "order": order.pk, "payload": "text"},
             {"uuid": str(uuid.uuid4()), "kind": "teleport\x00" * 10, "order": order.pk, "payload": {}},
             op("note", order.pk, text="ok")]
    results = send(client, batch).json()["results"]
    assert [r["ok"] for r in results] == [False, False, True]
    assert SyncOperation.objects.filter(ok=False).count() == 2
    assert send(client, batch).json()["results"] == results


# Fuzz: random and malformed operations, replays, good and bad mixed in one batch ----------------------

ANY_VALUE = st.recursive(
    st.one_of(
        st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20),
        st.sampled_from(["NaN", "-Infinity", "1e400", "23.8", "-17.5", "0", "\x00", "install", "collect", "x" * 3000]),
    ),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=6,
)
KINDS = ["start_travel", "arrive", "check", "note", "readings", "sign", "equipment", "complete", "fail"]
KEYS = ["latitude", "longitude", "accuracy", "item", "done", "text", "onu_power_dbm", "speed_down_mbps", "speed_up_mbps",
        "signer_name", "data_url", "serial", "action", "faulty", "reason"]


@st.composite
def batches(draw, orders, items, uuid_pool):
    """Mostly plausible operations with odd values, some of them malformed or not operations at all."""
    ops = []
    for _ in range(draw(st.integers(min_value=1, max_value=8))):
        uuid_value = draw(st.one_of(st.uuids().map(str), st.uuids().map(str), st.sampled_from(uuid_pool), ANY_VALUE))
        kind = draw(st.one_of(st.sampled_from(KINDS), st.sampled_from(KINDS), st.sampled_from(KINDS), ANY_VALUE))
        order = draw(st.one_of(st.sampled_from(orders), ANY_VALUE))
        payload = draw(st.one_of(
            st.dictionaries(st.sampled_from(KEYS), st.one_of(ANY_VALUE, st.sampled_from(items)), max_size=6),
            st.dictionaries(st.sampled_from(KEYS), st.one_of(ANY_VALUE, st.sampled_from(items)), max_size=6),
            ANY_VALUE,
        ))
        ops.append(draw(st.one_of(
            *[st.just({"uuid": uuid_value, "kind": kind, "order": order, "payload": payload})] * 4,
            st.dictionaries(st.sampled_from(["uuid", "kind", "order", "payload"]), ANY_VALUE, max_size=4),  # fields missing
            ANY_VALUE,  # not an operation at all
        )))
    return ops


@pytest.mark.django_db
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_fuzzed_batches_never_answer_5xx_and_every_operation_gets_its_answer_the_same_on_replay(client, technician, other_technician, data):
    if not hasattr(client, "theirs"):  # once per test: hypothesis reuses the function's fixtures
        client.theirs = repair_order(technician=other_technician)
        client.uuid_pool = [str(uuid.uuid4()) for _ in range(4)]
        client.force_login(technician)
    mine = repair_order(technician=technician)  # a fresh open order each time: one closed by a fuzzed action tells little
    orders = [mine.pk] * 6 + [str(mine.pk), client.theirs.pk, 0, -1, 2**40]
    items = list(mine.checklist.values_list("pk", flat=True)) + [client.theirs.checklist.first().pk]
    batch = data.draw(batches(orders, items, client.uuid_pool))

    response = send(client, batch)

    assert response.status_code == 200, response.content[:300]
    results = response.json()["results"]
    assert len(results) == len(batch)  # every operation answered: the phone drops each from its queue
    for sent, result in zip(batch, results, strict=True):
        assert isinstance(result["ok"], bool)
        assert result.get("code") != "retry", result  # no fault of ours behind any answer
        if not result["ok"]:
            assert result["error"]
        if isinstance(sent, dict) and isinstance(sent.get("uuid"), str):
            assert result["uuid"] == sent["uuid"][:64]
    assert send(client, batch).json()["results"] == results
    theirs = WorkOrder.objects.get(pk=client.theirs.pk)
    assert theirs.status == WorkOrder.Status.ASSIGNED and not theirs.events.filter(actor=technician).exists()


# Another technician's orders and equipment ------------------------------------------------------------

@pytest.mark.django_db
def test_a_technician_cannot_install_equipment_issued_to_another_technician(client, technician, other_technician):
    from fieldservice.models import EquipmentItem

    from .conftest import onu

    theirs = onu("ZTEG0042", status=EquipmentItem.Status.WITH_TECHNICIAN, technician=other_technician)
    mine = onu("ZTEG0043", status=EquipmentItem.Status.WITH_TECHNICIAN, technician=technician)
    order = repair_order(technician=technician)
    client.force_login(technician)

    results = send(client, [op("equipment", order.pk, serial="ZTEG0042", action="install"),
                            op("equipment", order.pk, serial="ZTEG0043", action="install")]).json()["results"]

    assert [r["ok"] for r in results] == [False, True]
    assert "another technician" in results[0]["error"]
    theirs.refresh_from_db()
    assert (theirs.status, theirs.technician, theirs.customer, theirs.movements.count()) == (
        EquipmentItem.Status.WITH_TECHNICIAN, other_technician, None, 0,
    )
    mine.refresh_from_db()
    assert mine.status == EquipmentItem.Status.INSTALLED and mine.customer == order.customer


@pytest.mark.django_db
def test_sync_replies_tell_nothing_of_orders_that_are_not_the_technicians(client, technician, other_technician, supervisor):
    from fieldservice import services

    theirs = repair_order(technician=other_technician)
    cancelled = repair_order(technician=other_technician)
    services.workorder_cancel(actor=supervisor, order=cancelled, reason="Duplicate")
    client.force_login(technician)

    results = send(client, [op("arrive", theirs.pk), op("arrive", cancelled.pk), op("arrive", 999999)]).json()["results"]

    # Another's open order, another's cancelled order and no order at all answer alike, with no status.
    assert {(r["ok"], r["code"], r["error"], r["status"]) for r in results} == {
        (False, "not_assigned", "This work order is not assigned to you (it may have been reassigned).", ""),
    }
    theirs.refresh_from_db()
    assert theirs.status == WorkOrder.Status.ASSIGNED and theirs.arrived_at is None


# What happened offline, kept as it happened ----------------------------------------------------------

def epoch_ms(moment) -> int:
    return int(moment.timestamp() * 1000)


@pytest.mark.django_db
def test_an_offline_check_in_keeps_the_gps_fix_to_six_decimals(client, technician):
    order = repair_order(technician=technician)
    client.force_login(technician)
    result = send(client, [op("arrive", order.pk, latitude="23.806912", longitude=90.368734, accuracy=12)]).json()["results"][0]
    assert result["ok"]
    order.refresh_from_db()
    assert (order.arrival_latitude, order.arrival_longitude, order.arrival_accuracy_m) == (Decimal("23.806912"), Decimal("90.368734"), 12)


@pytest.mark.django_db
def test_actions_done_offline_keep_the_phones_time_with_the_time_received_beside_it(client, technician, supervisor):
    from datetime import timedelta

    from django.utils import timezone

    order = repair_order(technician=technician)
    WorkOrder.objects.filter(pk=order.pk).update(created_at=timezone.now() - timedelta(days=1))
    item = order.checklist.first()
    client.force_login(technician)
    travelled, arrived, ticked = (timezone.now() - timedelta(hours=h) for h in (4, 3, 2))
    batch = [
        {**op("start_travel", order.pk), "at": epoch_ms(travelled)},
        {**op("arrive", order.pk, latitude="23.8", longitude="90.4"), "at": arrived.isoformat()},  # ISO 8601 is read too
        {**op("check", order.pk, item=item.pk, done=True), "at": epoch_ms(ticked)},
    ]
    before = timezone.now()

    assert all(r["ok"] for r in send(client, batch).json()["results"])

    order.refresh_from_db()
    item.refresh_from_db()
    close = lambda a, b: abs(a - b) < timedelta(milliseconds=2)  # noqa: E731 - the phone sends milliseconds
    assert close(order.travel_started_at, travelled) and close(order.arrived_at, arrived) and close(item.done_at, ticked)
    events = {event.action: event for event in order.events.filter(action__in=["en_route", "arrived", "checked"])}
    assert close(events["en_route"].at, travelled) and close(events["checked"].at, ticked)
    assert all(event.received_at >= before and event.synced_late for event in events.values())
    for sent, moment in zip(batch, (travelled, arrived, ticked), strict=True):
        operation = SyncOperation.objects.get(uuid=sent["uuid"])
        assert close(operation.client_at, moment) and operation.done_at == operation.client_at and operation.created_at >= before
    client.force_login(supervisor)
    page = client.get(reverse("staff:workorder-detail", args=[order.pk])).content.decode()
    assert "received" in page


@pytest.mark.django_db
@pytest.mark.parametrize("phone_clock", ["two days ahead", "sixty days behind", "before the order existed", "missing", "garbage"])
def test_a_phone_clock_outside_the_sanity_bound_records_the_time_received_and_keeps_the_phones(client, technician, phone_clock):
    from datetime import timedelta

    from django.utils import timezone

    order = repair_order(technician=technician)
    sent_at = {
        "two days ahead": epoch_ms(timezone.now() + timedelta(days=2)),
        "sixty days behind": epoch_ms(timezone.now() - timedelta(days=60)),
        "before the order existed": epoch_ms(order.created_at - timedelta(hours=1)),
        "missing": None, "garbage": "yesterday-ish",
    }[phone_clock]
    client.force_login(technician)
    before = timezone.now()
    sent = {**op("start_travel", order.pk), "at": sent_at}

    assert send(client, [sent]).json()["results"][0]["ok"]

    operation = SyncOperation.objects.get(uuid=sent["uuid"])
    assert before <= operation.done_at <= timezone.now()
    assert (operation.client_at is None) == (phone_clock in ("missing", "garbage"))
    order.refresh_from_db()
    assert order.travel_started_at == operation.done_at


@pytest.mark.django_db
def test_a_photo_taken_offline_keeps_the_phones_time(client, technician):
    from datetime import timedelta

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from .conftest import png_bytes

    order = repair_order(technician=technician)
    WorkOrder.objects.filter(pk=order.pk).update(created_at=timezone.now() - timedelta(days=1))
    taken = timezone.now() - timedelta(hours=5)
    client.force_login(technician)
    response = client.post(reverse("technician:photo-upload"), {
        "uuid": str(uuid.uuid4()), "order": order.pk, "at": str(epoch_ms(taken)),
        "photo": SimpleUploadedFile("onu.png", png_bytes(), content_type="image/png"),
    })
    assert response.status_code == 201
    event = order.events.get(action="photo")
    assert abs(event.at - taken) < timedelta(milliseconds=2) and event.synced_late
