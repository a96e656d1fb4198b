"""One path for a lifecycle transition's effects (billing/transition_effects.py): who calls it, and
that nobody queues a transition's router change or message by hand. An AST scan of the project's
packages (import-linter's root_packages), migrations left out; tests are not scanned."""

import ast
import tomllib
from pathlib import Path

import pytest

from billing.transition_effects import transition_effects_apply
from customers.models import Subscription
from network.models import ProvisioningTask
from tests.factories import make_subscription

ROOT = Path(__file__).resolve().parents[2]

EFFECTS = "transition_effects_apply"
# The modules that make a lifecycle transition and so call the effects function. A new caller is added
# here on purpose, in the same commit that makes it one.
CALLERS = {
    "billing.run",  # the run's suspensions for non-payment
    "billing.services",  # a settled debt's reactivations (suspensions_lift_if_settled)
    "fieldservice.services",  # an installation completed activates the connection
    "usecases.import_commit",
    "usecases.import_undo",
    "usecases.reseller_renewal",
    "usecases.subscription_activate",
    "usecases.subscription_cancel",
    "usecases.subscription_reactivate",
    "usecases.subscription_suspend",
}
# customers' transitions, whose rows carry `previous_lifecycle` for the effects function.
# (`subscription_adopt` is left out on purpose: an adopted connection is on its router already.)
TRANSITIONS = {
    "subscription_status_activate", "subscription_status_suspend", "subscription_status_reactivate",
    "subscription_status_cancel", "subscription_release", "subscriptions_create_existing",
}
# What the effects function does, each called from one module alone.
ONLY_FROM = {
    "provisioning_enqueue_transitions": "billing.transition_effects",
    "notify_subscription_change": "billing.transition_effects",
    "provisioning_enqueue_many": "network.services",  # inside provisioning_enqueue_transitions
}

NAMES = {EFFECTS, *TRANSITIONS, *ONLY_FROM}


def _sources():
    packages = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]["root_packages"]
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT)
            text = path.read_text(encoding="utf-8")
            # Only a module naming one of the functions can call it: the others are not parsed (speed).
            if "migrations" not in relative.parts and any(name in text for name in NAMES):
                yield ".".join(relative.with_suffix("").parts).removesuffix(".__init__"), ast.parse(text)


def _called(node) -> set[str]:
    """The names called anywhere inside `node`: `f(...)` and `anything.f(...)`."""
    names = set()
    for call in ast.walk(node):
        if isinstance(call, ast.Call):
            if isinstance(call.func, ast.Name):
                names.add(call.func.id)
            elif isinstance(call.func, ast.Attribute):
                names.add(call.func.attr)
    return names


def callers_of(name: str, sources) -> set[str]:
    return {module for module, tree in sources if name in _called(tree)}


def hand_written(sources) -> list[str]:
    """Places that break the rule: a function that makes a transition without the effects function,
    or a call to one of the effects' parts from elsewhere."""
    found = []
    for module, tree in sources:
        called = _called(tree)
        for name in sorted(called & set(ONLY_FROM)):
            if module != ONLY_FROM[name]:
                found.append(f"{module} calls {name} (only {ONLY_FROM[name]} may)")
        if module == "customers.services" or not called & TRANSITIONS:
            continue  # where the transitions are written, or a module that makes none
        for function in ast.walk(tree):
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                called = _called(function)
                if called & TRANSITIONS and EFFECTS not in called:
                    found.append(f"{module}.{function.name} makes a transition ({', '.join(sorted(called & TRANSITIONS))}) without {EFFECTS}")
    return found


@pytest.fixture(scope="module")
def sources():
    """Each module of the project, parsed once: (dotted name, tree)."""
    return list(_sources())


def test_the_effects_function_is_called_by_the_modules_that_make_transitions_and_no_others(sources):
    assert callers_of(EFFECTS, sources) == CALLERS


def test_no_transition_queues_its_router_change_or_message_by_hand(sources):
    found = hand_written(sources)
    assert found == [], "go through billing.transition_effects.transition_effects_apply:\n" + "\n".join(f"  {line}" for line in found)


def test_the_scan_catches_the_pair_written_by_hand():
    """The rule's own check: the pattern it exists to stop is reported, the path it asks for is not."""
    by_hand = '''
def renew(*, actor, subscription):
    activated = customer_services.subscription_status_activate(actor=actor, subscription=subscription, reason="r")
    network_services.provisioning_enqueue_transitions(subscriptions=[activated], actor=actor)
    notify_subscription_change(subscription=activated, previous=activated.previous_lifecycle, amount_due=0)
'''
    through = '''
def renew(*, actor, subscription):
    activated = customer_services.subscription_status_activate(actor=actor, subscription=subscription, reason="r")
    transition_effects_apply(actor=actor, subscriptions=[activated])
'''
    assert hand_written([("resellers.renew", ast.parse(by_hand))]) == [
        "resellers.renew calls notify_subscription_change (only billing.transition_effects may)",
        "resellers.renew calls provisioning_enqueue_transitions (only billing.transition_effects may)",
        "resellers.renew.renew makes a transition (subscription_status_activate) without transition_effects_apply",
    ]
    assert hand_written([("resellers.renew", ast.parse(through))]) == []


def test_many_transitions_get_one_outbox_entry_each_and_a_pending_cancellation_none(admin):
    """The set-based path (an import's chunk, a reseller's batch): each subscription gets the entry for
    its own transition, written together; one that was never on the router gets none."""
    from customers import services as customer_services

    first, second = make_subscription(actor=admin), make_subscription(actor=admin)
    never = make_subscription(actor=admin)
    activated = [customer_services.subscription_status_activate(actor=admin, subscription=s, reason="Installed") for s in (first, second)]
    withdrawn = customer_services.subscription_status_cancel(actor=admin, subscription=never, reason="Changed their mind")

    assert transition_effects_apply(actor=admin, subscriptions=[*activated, withdrawn]) == 2

    tasks = ProvisioningTask.objects.filter(subscription__in=[first, second, never]).order_by("subscription_id")
    assert [(t.subscription_id, t.action, t.desired["name"]) for t in tasks] == [
        (first.pk, ProvisioningTask.Action.PROVISION, first.username), (second.pk, ProvisioningTask.Action.PROVISION, second.username),
    ]
    assert Subscription.objects.get(pk=never.pk).status == Subscription.Status.CANCELLED
