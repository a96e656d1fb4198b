"""Factories for test data. Where the path matters (numbers, audit, status), tests go through services."""

from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from customers import services as customer_services
from customers.models import Area, Branch, Package
from network.models import Router
from resellers.models import Reseller
from usecases.subscription_activate import subscription_activate
from usecases.subscription_create import subscription_create

PASSWORD = "test-pass-123"


class BranchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Branch
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Branch {n}")
    code = factory.Sequence(lambda n: f"B{n}")


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    branch = factory.SubFactory(BranchFactory)
    name = factory.Sequence(lambda n: f"Area {n}")


class PackageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Package

    name = factory.Sequence(lambda n: f"Home {n * 5 + 5} Mbps")
    download_mbps = 20
    upload_mbps = 20
    price = Decimal("1000.00")
    router_profile = factory.Sequence(lambda n: f"profile-{n}")


class RouterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Router

    name = factory.Sequence(lambda n: f"router-{n}")
    host = "127.0.0.1"
    branch = factory.SubFactory(BranchFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    kind = "staff"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.set([Group.objects.get(name=name) for name in extracted])

    @factory.post_generation
    def branch_scope(self, create, extracted, **kwargs):
        """`branch_scope=[branch]` limits a staff user to those branches."""
        if create and extracted is not None:
            self.all_branches = False
            self.branches.set(extracted)
        if create:
            self.save()


def admin_user(**kwargs):
    return UserFactory(roles=["Admin"], **kwargs)


class ResellerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reseller

    name = factory.Sequence(lambda n: f"Reseller {n}")
    phone = "+8801711000000"
    branch = factory.SubFactory(BranchFactory)
    user = factory.SubFactory(UserFactory, kind="reseller")


_phone_counter = iter(range(10_000_000))


def next_phone() -> str:
    return f"+88017{next(_phone_counter):08d}"


def make_customer(*, area=None, actor=None, portal_password: str | None = None, **kwargs):
    area = area or AreaFactory()
    defaults = {"name": "Rahim Uddin", "phone": next_phone(), "address": "House 1, Road 2"}
    customer = customer_services.customer_create(actor=actor, area=area, **{**defaults, **kwargs})
    if portal_password:
        customer_services.customer_portal_access_set(actor=actor, customer=customer, password=portal_password)
        customer.refresh_from_db()
    return customer


_username_counter = iter(range(10_000_000))


def make_subscription(*, customer=None, package=None, router=None, actor=None, activate: bool = False, **kwargs):
    customer = customer or make_customer()
    router = router or RouterFactory(branch=customer.branch)
    subscription = subscription_create(
        actor=actor,
        customer=customer,
        package=package or PackageFactory(),
        router=router,
        username=kwargs.pop("username", f"pppoe{next(_username_counter)}"),
        password=kwargs.pop("password", "secret-1"),
        **kwargs,
    )
    if activate:
        subscription = subscription_activate(actor=actor, subscription=subscription, reason="installed")
    return subscription
