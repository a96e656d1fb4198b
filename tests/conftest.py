import os
import re

import pytest
from django.db import connection
from django.test import override_settings
from hypothesis import settings as hypothesis_settings

from tests import fast_flush, kept_connections, money_guard, template_db
from tests.factories import admin_user, make_customer

# After a test that committed, the database is emptied the fast way (tests/fast_flush.py).
fast_flush.install()
# ...on the connection it used: no new PostgreSQL backend for every committing test (tests/kept_connections.py).
kept_connections.install()
# Each xdist worker's test database is a copy of one migrated template (tests/template_db.py).
template_db.install()

# Property tests assert results, not speed: on a loaded machine (xdist workers, CI) Hypothesis's
# default 200 ms deadline per example failed examples whose results were right. Speed is bench/'s job.
hypothesis_settings.register_profile("ispbill", deadline=None)
hypothesis_settings.load_profile("ispbill")


# The time budget (README, "Tests"): a test whose call takes over BUDGET_SECONDS is split or marked
# `@pytest.mark.slow`; `make test` runs the marked ones in a step of their own (`make test-slow`).
# Unmarked tests over the budget are listed at the end of a run; one over FAIL_SECONDS fails (generous:
# the machine is shared and a loaded run is slower). TEST_BUDGET_FAIL_SECONDS=0 turns the failure off.
BUDGET_SECONDS = 20.0
FAIL_SECONDS = float(os.environ.get("TEST_BUDGET_FAIL_SECONDS", "90"))
_over_budget: list[tuple[str, float]] = []


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or item.get_closest_marker("slow") is not None:
        return
    if FAIL_SECONDS and report.passed and call.duration > FAIL_SECONDS:
        report.outcome = "failed"
        report.longrepr = (
            f"{item.nodeid} took {call.duration:.1f} s, over the {FAIL_SECONDS:.0f} s limit for a test not marked slow: "
            f"split it, make it faster, or mark it @pytest.mark.slow (it then runs in `make test-slow`)."
        )


def pytest_runtest_logreport(report):
    # Runs where the reports arrive (the xdist controller too), so the summary covers every worker.
    if report.when == "call" and report.duration > BUDGET_SECONDS and "slow" not in report.keywords:
        _over_budget.append((report.nodeid, report.duration))


def pytest_terminal_summary(terminalreporter):
    if _over_budget:
        terminalreporter.section(f"tests over the {BUDGET_SECONDS:.0f} s budget, not marked slow")
        for nodeid, seconds in sorted(_over_budget, key=lambda entry: -entry[1]):
            terminalreporter.write_line(f"{seconds:7.1f} s  {nodeid}")


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook reads the groups
def pytest_collection_modifyitems(config, items):
    _keep_shared_fixtures_on_one_worker(items)
    _freeradius_tests_one_at_a_time(items)
    _slow_tests_where_make_test_slow_looks(items)
    # The postgres marker means "row locks and real concurrency": it needs PostgreSQL, which CI always has.
    if os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql")):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL (CI does)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


def pytest_collection_finish(session):
    """The garbage collector tuned as in the web and Celery workers (ispbill/core/runtime.py): Django, the
    apps and every collected test live until the end of the run, yet every full collection walked them
    again, and the default threshold started collection after collection in the ORM's churn. Frozen after
    collection, a worker spent over a tenth less CPU on the same tests (tests/customers, tickets and
    notify in one process, 28 Nov: 193 and 200 s of CPU before, 167 s after)."""
    from ispbill.core.runtime import tune_garbage_collector

    tune_garbage_collector()


SLOW_MARK_IN_SOURCE = re.compile(r"mark\.slow")


def _slow_tests_where_make_test_slow_looks(items):
    """`make test-slow` collects only the modules whose source says `mark.slow` (the Makefile's
    SLOW_TEST_MODULES, a grep): each worker collecting all four hundred modules to run a dozen tests spent
    10-16 s of CPU on it. A test marked slow some other way (a marker kept in a variable, one added by a
    conftest) would be left out of both steps, so every run fails on one."""
    for module in {item.path for item in items if item.get_closest_marker("slow") is not None}:
        if not SLOW_MARK_IN_SOURCE.search(module.read_text()):
            raise pytest.UsageError(
                f"{module} has a test marked slow, but not with `pytest.mark.slow` written in it: `make test-slow` "
                "(SLOW_TEST_MODULES in the Makefile) would not find it. Mark it with pytest.mark.slow in that module.")


@pytest.hookimpl(trylast=True, specname="pytest_collection_modifyitems")  # after pytest-django reorders by database use
def pytest_collection_modifyitems_in_the_end(items):
    _longest_slow_tests_first(items)


def _longest_slow_tests_first(items):
    """`make test-slow` is a dozen tests of 5 to 95 s: xdist hands them out in collection order, so the
    longest (the page walks in tests/e2e and tests/crawl, late in the alphabet) started last and ran on
    alone while the other workers idled (207 s for 454 s of work on three workers, 27 Nov). A slow test
    says how long it takes, `@pytest.mark.slow(seconds=75)` (each measured alone on 28 Nov's evening machine), and
    they go first, longest first; the sort is stable, so everything else keeps its order. It runs after
    every other collection hook (pytest-django's moves the committing tests to the end)."""

    def seconds(item) -> float:
        marker = item.get_closest_marker("slow")
        return float(marker.kwargs.get("seconds", 0)) if marker is not None else 0.0

    items.sort(key=lambda item: -seconds(item))


def _keep_shared_fixtures_on_one_worker(items):
    """A test module whose tests share a module- or class-scoped fixture of ours (a seeded demo, a live
    server with routers) runs on one xdist worker (`make test` passes `--dist loadgroup`). Spread over
    both, each worker built the fixture: the demo logins' seeded demo (150 s under load) and the backup's
    (130–235 s) were each built twice a run."""
    for item in items:
        definitions = getattr(item, "_fixtureinfo", None)
        if definitions is None:
            continue
        shared = any(
            fixture.scope in ("module", "class") and fixture.baseid.startswith("tests")
            for fixtures in definitions.name2fixturedefs.values() for fixture in fixtures
        )
        if shared:
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))


# The fixtures that start a real FreeRADIUS for the test (tests/radius/conftest.py).
FREERADIUS_FIXTURES = {"freeradius", "radius_supervisor"}


def _freeradius_tests_one_at_a_time(items):
    """The tests that start a real FreeRADIUS mostly wait: for it to start, for its detail file's one-second
    poll, for a timeout. Handed out in collection order, they ran on all three workers at once near the end
    of `make test-main`, and both cores stood 40-70 % idle for a minute (/proc/stat every 10 s, 28 Nov).
    As one group they run on one worker, first (xdist hands out the largest group first), while the others
    keep the cores busy. A test already grouped with its module keeps its module's group."""
    for item in items:
        if FREERADIUS_FIXTURES & set(getattr(item, "fixturenames", ())) and item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group("freeradius"))


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite the test database is a file (one per xdist worker), not Django's in-memory default.

    With an in-memory database the live server of the browser tests shares the test's one connection
    across two threads, and a page that polls while the test writes meets "database table is locked".
    A file gives each thread its own connection, waiting on each other's locks as in production.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.getbasetemp() / f"test-{worker}.sqlite3")
    else:
        database.setdefault("OPTIONS", {})["options"] = _without_waiting_for_the_disk(database["OPTIONS"].get("options", ""))


def _without_waiting_for_the_disk(options: str) -> str:
    """The test connections' commits do not wait for the WAL to reach the disk (synchronous_commit off).

    A test that commits (transaction=True, every browser test through the live server, the fast flush)
    commits each statement; on this machine a commit that waits for fdatasync took 5.9 ms against 1.5 ms
    without (2,000 autocommitted inserts under load 8). What the tests check is unchanged: a commit is
    still atomic and visible to every other connection at once; only a crash of the server could lose
    the last ones, and a test database outlives no crash. Servers the tests start (FreeRADIUS, a Celery
    worker) connect on their own and keep the server's default.

    Nor does a test's connection wait for a lock for ever (lock_timeout 120 s): a test thread waiting on a
    row that the test's own transaction holds, while the test waits for that thread, would otherwise hang
    the worker until CI's time limit, where this fails the test with the lock named."""
    return f"{options} -c synchronous_commit=off -c lock_timeout=120s".strip()


@pytest.fixture(autouse=True)
def _money_written_by_the_ledger_alone():
    """Fails the test in which a module other than the ledger wrote a money table (tests/money_guard.py)."""
    money_guard.install()
    money_guard.violations.clear()
    yield
    report = os.environ.get("MONEY_GUARD_REPORT")
    if report:
        with open(f"{report}-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}.txt", "a") as out:
            out.writelines(f"{op} {table} {where}\n" for op, table, where in money_guard.violations)
        return
    written = sorted(set(money_guard.violations))
    assert not written, "money written outside the ledger module (billing/ledger/), or STATE: an online payment's status outside payments/gateway_state.py:\n" + "\n".join(
        f"  {op} {table} from {where}" for op, table, where in written
    )


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """Production hashing is deliberately slow; tests check behaviour, not hash strength."""
    override = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    override.enable()
    yield
    override.disable()


@pytest.fixture(autouse=True)
def _outside_a_task_to_start_with():
    """Celery's eager apply marks the whole process as inside a task while it runs and puts back what it
    found; two overlapping in two threads (a live server's requests) leave the mark set, and every later
    result.get() on the worker fails (tests/test_eager_celery.py). A test starts outside a task."""
    yield
    from celery._state import _set_task_join_will_block

    _set_task_join_will_block(False)


@pytest.fixture(autouse=True)
def _english_to_start_with():
    """A request in Bangla leaves Bangla active in the thread (the test client does not reset it);
    the next test starts in the default language, as every real request does."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(autouse=True)
def _first_invoice_by_the_night_run(settings):
    """The suite was written for the first invoice issued by the night's billing run, and most of its
    tests activate connections as a step (tests.factories.make_subscription(activate=True)) and then
    run billing on dates of their own: the settings row a test makes on first use keeps that rule.
    Invoice at activation, the default of a new install (BILLING_INVOICE_AT_ACTIVATION), is turned on
    by the tests of it (tests/billing/test_first_invoice.py, the browser test), and
    tests/billing/test_settings_defaults.py checks the install's default."""
    settings.BILLING_DEFAULTS = {**settings.BILLING_DEFAULTS, "invoice_at_activation": False}


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_cached_reads():
    """Values cached by an earlier test are of a database that test rolled back."""
    from django.core.cache import cache

    from churn.selectors import RISK_VERSION_KEY
    from dashboard.selectors import SNAPSHOT_VERSION_KEY
    from network.outages import ANY_ACTIVE_CACHE_KEY
    from payments.online import gateway_config_forget

    gateway_config_forget()
    cache.delete_many([ANY_ACTIVE_CACHE_KEY, SNAPSHOT_VERSION_KEY, RISK_VERSION_KEY])  # one round trip a test


@pytest.fixture
def eager_celery():
    """Tasks queued with .delay() (on commit, as the code queues them) run at once in the test's thread,
    as a worker would run them, and a task's exception fails the test. The one eager fixture."""
    from config.celery import app
    from ispbill.core.jobs import registered_tasks

    # Every app's tasks registered, as a worker has them when it starts (autodiscovery): a task looked up
    # by name (config/celery.py's worker_ready handler) was missing when no earlier test on this xdist
    # worker had imported its module.
    registered_tasks()
    previous = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield app
    app.conf.task_always_eager, app.conf.task_eager_propagates = previous


@pytest.fixture
def eager_outbox(eager_celery):
    """The outbox's router changes run at once (eager_celery), on router connections of this test's own."""
    from network.routeros import close_all_connections

    close_all_connections()
    yield
    close_all_connections()


@pytest.fixture
def fresh_router_connections():
    """The test starts without kept RouterOS API connections, and leaves none to the next one
    (a module takes it with `pytestmark = pytest.mark.usefixtures("fresh_router_connections")`)."""
    from network.routeros import close_all_connections

    close_all_connections()
    yield
    close_all_connections()


@pytest.fixture
def empty_cache():
    """The default cache is empty when the test starts and when it ends (rate limits, lockouts)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def private_cache(settings):
    """Rate limits count in the cache: each test gets its own, never the shared file cache."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "growth-tests"}}
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def admin(db):
    return admin_user()


@pytest.fixture
def staff_client(client, admin):
    client.force_login(admin)
    return client


@pytest.fixture
def customer(db):
    return make_customer()


@pytest.fixture(scope="module")
def demo_base_of_30_customers(django_db_setup, django_db_blocker, tmp_path_factory):
    """`seed_demo` at 30 customers with three months of history, committed for the module and removed at its
    end: seeded once a run and copied into every later module that asks, on any worker (tests/seeded_demo.py),
    where the later steps' tests each seeded a base of their own (8-15 s apiece)."""
    from tests.seeded_demo import demo_base_of_30_customers as seed

    media = tmp_path_factory.mktemp("demo-base-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        seed(media=media, tmp_path_factory=tmp_path_factory)
    yield
    with django_db_blocker.unblock():
        fast_flush.flush()


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture(autouse=True, scope="session")
def _force_login_without_the_lockout_log():
    """`client.force_login` skips django-axes' successful-login bookkeeping (three statements: expired
    attempts cleared, an access-log row, the user's failures reset), 9 ms a call on a slow machine and
    some thousands of calls a run. force_login is a test's shortcut past the login form, whose lockout
    tests/accounts exercises through real logins; those, and every login a browser makes through a live
    server's thread, still go through axes: the skip is for this thread, during force_login only."""
    import threading

    from axes.handlers.proxy import AxesProxyHandler
    from django.test import Client

    forcing = threading.local()
    logged_in = AxesProxyHandler.__dict__["user_logged_in"].__func__
    original_force_login = Client.force_login

    def user_logged_in(cls, *args, **kwargs):
        if getattr(forcing, "active", False):
            return None
        return logged_in(cls, *args, **kwargs)

    def force_login(self, user, backend=None):
        forcing.active = True
        try:
            return original_force_login(self, user, backend)
        finally:
            forcing.active = False

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(AxesProxyHandler, "user_logged_in", classmethod(user_logged_in))
        patch.setattr(Client, "force_login", force_login)
        yield
