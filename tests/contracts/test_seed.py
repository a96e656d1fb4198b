"""seed_contracts: contracts in every state, idempotent, and every page of each renders."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from contracts.chain import chain_verify
from contracts.models import Contract, ContractRule, Signature
from tests.billing.test_run import configure
from tests.factories import UserFactory, make_customer, make_subscription


@pytest.mark.django_db
def test_seed_contracts_makes_every_state_once_and_every_page_renders(client, staff_client):
    configure()
    technician = UserFactory(kind="technician", username="tech")
    portal = make_customer(name="Portal Demo", portal_password="portal-pass-1")
    make_subscription(customer=portal, activate=True)
    for n in range(12):
        make_subscription(customer=make_customer(name=f"Customer {n}"), activate=True)

    call_command("seed_contracts", stdout=StringIO())
    call_command("seed_contracts", stdout=StringIO())
    call_command("check_ledger", stdout=StringIO())

    states = set(Contract.objects.values_list("status", flat=True))
    assert states == {"draft", "sent", "signed", "active", "expired", "renewed", "terminated", "void"}
    assert Contract.objects.filter(customer=portal, status="sent").exists()
    assert Signature.objects.filter(channel="on_site", witness=technician).count() == 1
    assert Contract.objects.filter(status="sent", replaces__status="active").count() == 1
    assert ContractRule.objects.count() == 2
    for contract in Contract.objects.all():
        assert chain_verify(contract) == (True, "")
        assert staff_client.get(reverse("staff:contract-detail", args=[contract.pk])).status_code == 200
        assert staff_client.get(reverse("staff:customer-detail", args=[contract.customer_id]), {"tab": "contracts"}).status_code == 200
        assert client.get(reverse("contract-verify", args=[contract.verify_code])).status_code == 200
    for show in ("all", "unsigned", "expiring", "active", "ended"):
        assert staff_client.get(reverse("staff:contract-list"), {"show": show}).status_code == 200
    assert staff_client.get(reverse("staff:contracttemplate-list")).status_code == 200
    assert "home-internet" in staff_client.get(reverse("staff:contracttemplate-rules")).content.decode()
    assert staff_client.get(reverse("staff:contracttemplate-edit"), {"key": "home-internet", "language": "bn"}).status_code == 200

    client.force_login(portal.user)
    assert client.get(reverse("portal:contract-list")).status_code == 200
    for contract in Contract.objects.filter(customer=portal):
        assert client.get(reverse("portal:contract-detail", args=[contract.pk])).status_code == 200
