"""The whole `seed`, every step at a small size: what the demo's first start sees."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

from customers.models import Customer
from demo.logins import HEADING
from demo.management.commands.seed import MESSAGE_TASKS
from demo.messages import SEEDED_BACKEND
from ispbill.accounts.models import User
from ispbill.notify import services as notify_services
from ispbill.notify.models import Message
from resellers.models import Reseller
from tests import fast_flush
from tests.seeded_demo import demo_of_24_customers


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """`manage.py seed` once for the run, with 24 customers and two months of history (tests/seeded_demo.py:
    the backup's tests load the same one); what would reach the worker (every task sent to the broker) is
    recorded instead."""
    media = tmp_path_factory.mktemp("seeded-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        yield demo_of_24_customers(media=media, tmp_path_factory=tmp_path_factory)
        fast_flush.flush()  # as after a committing test (tests/fast_flush.py)


@pytest.mark.django_db
def test_seed_prints_a_line_per_step_with_its_time(seeded):
    # A step with an estimate says it (the base step, before the servers start in `make run`).
    output, _handed = seeded
    assert re.search(r"^\[1/\d+\] base \(seed_demo, about \d+ s\) …$", output, re.MULTILINE)
    # Steps asked for again, on the seeded demo (each is idempotent, so they add nothing and take seconds).
    out = StringIO()
    call_command("seed", only=["outages", "tickets"], stdout=out)
    lines = out.getvalue().splitlines()
    starts = [line for line in lines if re.fullmatch(r"\[\d/2\] \w+ \(\w+\) …", line)]
    ends = [line for line in lines if re.fullmatch(r"\[\d/2\] \w+ done in \d+\.\d s, \d+\.\d s of CPU here", line)]
    # The order is the seed's, not the one asked for.
    assert starts == ["[1/2] tickets (seed_tickets) …", "[2/2] outages (seed_outages) …"]
    assert [line.split(" done")[0] for line in ends] == ["[1/2] tickets", "[2/2] outages"]
    assert any(re.fullmatch(r"Demo data loaded: 2 steps in \d+\.\d s", line) for line in lines)
    assert lines[-1].lstrip().startswith("admin"), "the logins are the last block"


@pytest.mark.django_db
def test_seeded_history_never_reaches_the_worker(seeded):
    _output, handed_to_worker = seeded
    # Neither the messages nor a task whose work sends some (an outage's broadcast, contracts to send,
    # an online payment's receipt) is left for the worker.
    message_tasks = {"ispbill.notify.tasks.deliver_messages", *(task.name for task in MESSAGE_TASKS)}
    assert not message_tasks & set(handed_to_worker)
    # Nothing is waiting for the retry sweep either (queued, or failed with a retry due).
    assert notify_services.messages_to_dispatch() == []
    assert not Message.objects.filter(status__in=[Message.Status.QUEUED, Message.Status.FAILED, Message.Status.SENDING]).exists()
    # The steps after the base one did queue messages (visits, contracts, usage, payments): all recorded as delivered.
    recorded = Message.objects.filter(backend=SEEDED_BACKEND)
    assert {"fieldservice_visit_scheduled", "contract_sent", "outage_declared"} <= set(recorded.values_list("event", flat=True))
    assert not recorded.filter(sent_at__isnull=True).exists()


@pytest.mark.django_db
def test_seed_ends_with_every_login_in_one_block(seeded):
    output, _handed = seeded
    lines = output.rstrip("\n").splitlines()
    block = lines[lines.index(HEADING):]
    assert block[-1].split()[0] == "admin"  # the block is the end of the output
    text = "\n".join(block)
    staff_and_field = User.objects.exclude(kind=User.Kind.CUSTOMER).values_list("username", flat=True)
    for username in staff_and_field:
        assert f" {username} " in text, f"{username} missing from the logins"
    assert Reseller.objects.filter(parent__isnull=False).exists()  # the sub-reseller, printed above
    for customer in Customer.objects.filter(user__isnull=False):
        assert customer.account_number in text
    assert "reseller.uttara.sub" in text and "tech.mitu" in text


@pytest.mark.django_db
def test_the_seeded_demos_cash_and_bank_books_never_go_negative_and_the_journal_balances(seeded):
    """The demo's money adds up (docs/accounts.md, "The demo's books"): gateway settlements and banked
    hand-overs feed the banks, bills are paid from what is there, and no book shows a balance below zero."""
    from books.models import BankMovement, Bill
    from tests.books.test_seed_books import assert_journal_balances, assert_no_book_goes_negative

    assert Bill.objects.filter(status="paid", paid_from="bank").exists()
    assert BankMovement.objects.filter(kind__in=("deposit", "settlement")).exists()  # money reached the banks
    assert_no_book_goes_negative()
    assert_journal_balances()
