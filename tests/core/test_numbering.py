import threading

import pytest
from django.db import connection, transaction

from ispbill.core.models import NumberSequence
from ispbill.core.numbering import allocate_block, allocate_number


@pytest.mark.django_db
def test_numbers_are_consecutive_per_prefix_and_year():
    with transaction.atomic():
        assert allocate_number(prefix="CT", year=2026) == "CT-2026-00001"
        assert allocate_number(prefix="CT", year=2026) == "CT-2026-00002"
        assert allocate_number(prefix="INV", year=2026) == "INV-2026-00001"
        assert allocate_number(prefix="CT", year=2027) == "CT-2027-00001"


@pytest.mark.django_db
def test_block_allocation_continues_the_series():
    with transaction.atomic():
        allocate_number(prefix="INV", year=2026)
        assert allocate_block(prefix="INV", count=3, year=2026) == ["INV-2026-00002", "INV-2026-00003", "INV-2026-00004"]
        assert allocate_number(prefix="INV", year=2026) == "INV-2026-00005"


@pytest.mark.django_db
def test_rolled_back_allocation_leaves_no_gap():
    with pytest.raises(RuntimeError), transaction.atomic():
        allocate_number(prefix="CT", year=2026)
        raise RuntimeError("the customer could not be saved")
    with transaction.atomic():
        assert allocate_number(prefix="CT", year=2026) == "CT-2026-00001"


@pytest.mark.django_db(transaction=True)
def test_allocation_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError):
        allocate_number(prefix="CT", year=2026)
    assert not NumberSequence.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_allocation_on_postgres_has_no_duplicates_and_no_gaps():
    """8 threads, each on its own connection, allocate numbers; every third transaction rolls back."""
    assert connection.vendor == "postgresql"
    threads_count, per_thread = 8, 15
    committed: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(threads_count, timeout=120)

    class Rollback(Exception):
        pass

    def worker(index: int) -> None:
        try:
            start.wait()
            for attempt in range(per_thread):
                try:
                    with transaction.atomic():
                        number = allocate_number(prefix="CT", year=2026)
                        if (index + attempt) % 3 == 0:
                            raise Rollback
                    with lock:
                        committed.append(number)
                except Rollback:
                    pass
        except BaseException as exc:  # surfaced below: a thread's failure fails the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors
    values = sorted(int(number.rsplit("-", 1)[1]) for number in committed)
    expected_commits = sum(1 for i in range(threads_count) for a in range(per_thread) if (i + a) % 3 != 0)
    assert len(values) == expected_commits
    assert values == list(range(1, expected_commits + 1)), "numbers must be unique and gap-free"
    assert NumberSequence.objects.get(key="CT:2026").last_value == expected_commits


def test_a_series_past_99999_in_a_year_grows_a_digit(db):
    """Documented in docs/billing.md: INV-2026-99999 is followed by INV-2026-100000, nothing wraps or is refused."""
    from django.db import transaction

    from ispbill.core.models import NumberSequence
    from ispbill.core.numbering import allocate_number

    NumberSequence.objects.create(key="INV:2026", last_value=99_998)
    with transaction.atomic():
        assert allocate_number(prefix="INV", year=2026) == "INV-2026-99999"
        assert allocate_number(prefix="INV", year=2026) == "INV-2026-100000"
