"""The staff REST API (/api/v1/): lists with filters and cursor pagination, details, and the writes
an integration needs, each through the console's own selectors (branch scope), permission names
and services or use cases (money only through the ledger's callers)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

import usecases.payment_record
from billing.documents import invoice_pdf
from billing.models import Invoice
from billing.selectors import invoice_get_for_staff, invoices_visible_to
from customers import services as customer_services
from customers.models import Customer, Package, Subscription
from customers.selectors import (
    areas_visible_to,
    customer_get_for_staff,
    customers_visible_to,
    scope_to_branches,
    subscription_get_for_staff,
)
from ispbill.core.audit import audit_record
from network.models import UsageDaily
from payments.models import Payment
from payments.selectors import payment_get_for_staff, payments_visible_to
from radius.selectors import session_get_for_staff, sessions_visible_to
from tickets import services as ticket_services
from tickets.models import Ticket
from tickets.selectors import ticket_get_for_staff, tickets_visible_to
from usecases.subscription_cancel import subscription_cancel, subscription_cancel_quote
from usecases.subscription_reactivate import subscription_reactivate
from usecases.subscription_suspend import subscription_suspend

from . import serializers as s
from .drf import IdCursorPagination, StaffTokenRequired, ViaMixin


def _filters(request, serializer_class) -> dict:
    """The list's query parameters, validated (a wrong type is a 400, never a silent empty list)."""
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return {key: value for key, value in serializer.validated_data.items() if value not in (None, "") and key not in ("cursor", "page_size")}


class StaffViewSet(ViaMixin, viewsets.GenericViewSet):
    # `area` is the token scope a view needs; `perms` maps an action to the console permissions it needs.
    # (A comment, not a docstring: drf-spectacular would publish a class docstring as every endpoint's description.)

    permission_classes = [StaffTokenRequired]
    lookup_value_converter = "int"
    area = ""
    perms: dict[str, tuple[str, ...]] = {}
    filter_serializer = s.ListFilterSerializer

    def required_perms(self, request) -> tuple[str, ...]:
        return self.perms.get(self.action, self.perms.get("*", ("no.such_permission",)))

    def filtered(self, queryset, filters: dict):
        return queryset.filter(**filters)

    def list(self, request):
        queryset = self.filtered(self.get_queryset(), _filters(request, self.filter_serializer))
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)



class WithDetail:
    # `GET …/<id>/` through the view's `get_object_for` (a staff selector: another branch's row is a 404).
    # (A comment, not a docstring: drf-spectacular would publish a class docstring as every endpoint's description.)

    def retrieve(self, request, pk=None):
        return Response(self.get_serializer(self.get_object_for(request, pk)).data)


def _pk(pk) -> int:
    try:
        value = int(pk)
    except (TypeError, ValueError):
        value = 0
    if not 0 < value < 2**63:
        raise Http404
    return value


# Customers -------------------------------------------------------------------------------------------


class CustomerFilters(s.ListFilterSerializer):
    status = serializers.ChoiceField(choices=Customer.Status.choices, required=False)
    branch = serializers.IntegerField(min_value=1, required=False)
    area = serializers.IntegerField(min_value=1, required=False)
    account_number = serializers.CharField(max_length=32, required=False)
    external_ref = serializers.CharField(max_length=64, required=False)
    updated_since = serializers.DateTimeField(required=False)


@extend_schema_view(
    list=extend_schema(summary="List customers", description="Customers in the branches the token's user may see, filtered by the query parameters. Newest first, 50 a page (page_size up to 200); follow the next link to page on.", parameters=[CustomerFilters]),
    retrieve=extend_schema(summary="A customer", description="One customer. A customer outside the user's branches answers 404."),
    create=extend_schema(summary="Create a customer", description='Creates a customer in an area the user may see and gives it the next account number. Invalid fields answer 400 with a message per field and create nothing.', request=s.CustomerCreateSerializer, responses={201: s.CustomerSerializer}),
)
class CustomerViewSet(WithDetail, StaffViewSet):
    area = "customers"
    perms = {"list": ("customers.view_customer",), "retrieve": ("customers.view_customer",), "create": ("customers.add_customer",)}
    serializer_class = s.CustomerSerializer
    filter_serializer = CustomerFilters

    def get_queryset(self):
        return customers_visible_to(self.request.user)

    def filtered(self, queryset, filters):
        renames = {"branch": "branch_id", "area": "area_id", "updated_since": "updated_at__gte"}
        return queryset.filter(**{renames.get(key, key): value for key, value in filters.items()})

    def get_object_for(self, request, pk):
        return customer_get_for_staff(user=request.user, pk=_pk(pk))

    def create(self, request):
        data = s.CustomerCreateSerializer(data=request.data, areas=areas_visible_to(request.user))
        data.is_valid(raise_exception=True)
        customer = customer_services.customer_create(actor=request.user, **data.validated_data)
        return Response(s.CustomerSerializer(customer).data, status=status.HTTP_201_CREATED)


# Subscriptions ---------------------------------------------------------------------------------------


class SubscriptionFilters(s.ListFilterSerializer):
    customer = serializers.IntegerField(min_value=1, required=False)
    status = serializers.ChoiceField(choices=Subscription.Status.choices, required=False)
    package = serializers.IntegerField(min_value=1, required=False)


@extend_schema_view(
    list=extend_schema(summary="List subscriptions", description='Subscriptions of the customers the user may see, filtered by the query parameters. Newest first, 50 a page (page_size up to 200); follow the next link to page on.', parameters=[SubscriptionFilters]),
    retrieve=extend_schema(summary="A subscription", description="One subscription. One outside the user's branches answers 404."),
    suspend=extend_schema(summary="Suspend a subscription", description='Suspends an active subscription with a reason; the router change follows within moments. A subscription that cannot be suspended answers 400 and stays as it was.', request=s.SuspendSerializer, responses={200: s.SubscriptionSerializer}),
    reactivate=extend_schema(summary="Reactivate a suspended subscription", description='Reactivates a suspended subscription with a reason; the router change follows within moments. One that is not suspended answers 400 and stays as it was.', request=s.LifecycleSerializer, responses={200: s.SubscriptionSerializer}),
    cancel=extend_schema(
        summary="Cancel a subscription",
        description="The console's cancellation: router change, unused-days credit, equipment collection, contract "
        "termination. When an early-termination fee is due, say whether it is charged or waived and send the quoted total.",
        request=s.CancelSerializer, responses={200: s.SubscriptionSerializer},
    ),
    cancel_quote=extend_schema(summary="What cancelling today would charge and credit", description='The early-termination fee due (if any), the credit for unused days and the net, for cancelling today. Send the fee back as quoted_fee when cancelling.', responses={200: s.CancelQuoteSerializer}),
)
class SubscriptionViewSet(WithDetail, StaffViewSet):
    area = "customers"
    perms = {
        "list": ("customers.view_subscription",), "retrieve": ("customers.view_subscription",),
        # The console's lifecycle dialog asks for exactly this (web/customers/views/subscriptions.py).
        "suspend": ("customers.lifecycle_subscription",), "reactivate": ("customers.lifecycle_subscription",),
        "cancel": ("customers.lifecycle_subscription",), "cancel_quote": ("customers.lifecycle_subscription",),
    }
    serializer_class = s.SubscriptionSerializer
    filter_serializer = SubscriptionFilters

    def get_queryset(self):
        return scope_to_branches(Subscription.objects.all(), self.request.user, field="customer__branch")

    def filtered(self, queryset, filters):
        renames = {"customer": "customer_id", "package": "package_id"}
        return queryset.filter(**{renames.get(key, key): value for key, value in filters.items()})

    def get_object_for(self, request, pk):
        return subscription_get_for_staff(user=request.user, pk=_pk(pk))

    @action(detail=True, methods=["post"])
    def suspend(self, request, pk=None):
        subscription = self.get_object_for(request, pk)
        data = s.SuspendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        done = subscription_suspend(actor=request.user, subscription=subscription, **data.validated_data)
        return Response(s.SubscriptionSerializer(done).data)

    @action(detail=True, methods=["post"])
    def reactivate(self, request, pk=None):
        subscription = self.get_object_for(request, pk)
        data = s.LifecycleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        done = subscription_reactivate(actor=request.user, subscription=subscription, **data.validated_data)
        return Response(s.SubscriptionSerializer(done).data)

    @action(detail=True, methods=["get"], url_path="cancel-quote")
    def cancel_quote(self, request, pk=None):
        quote = subscription_cancel_quote(subscription=self.get_object_for(request, pk))
        return Response(s.CancelQuoteSerializer({"fee_due": quote.fee.due, "fee": quote.fee.gross, "credit": quote.credit, "net": quote.net}).data)

    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """The console's rules (web/customers/views/subscriptions.py, CancelForm): a due fee is charged only
        by who may bill (billing.add_onetimecharge) and waived only by who may waive (contracts.waive_fee_contract),
        with a reason, at the total quoted."""
        subscription = self.get_object_for(request, pk)
        data = s.CancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        quote = subscription_cancel_quote(subscription=subscription)
        waive_reason = ""
        if quote.fee.due:
            if not request.user.has_perm("billing.add_onetimecharge"):
                raise PermissionDenied
            if "fee" not in fields:
                raise ValidationError({"fee": "An early-termination fee is due: charge or waive it."})
            if fields.get("quoted_fee") != quote.fee.gross:
                raise ValidationError({"quoted_fee": f"The fee is {quote.fee.gross} now: send the quoted total."})
            if fields["fee"] == "waive":
                if not request.user.has_perm("contracts.waive_fee_contract"):
                    raise PermissionDenied
                waive_reason = fields["fee_waive_reason"].strip()
                if not waive_reason:
                    raise ValidationError({"fee_waive_reason": "Give a reason for waiving the fee."})
        done = subscription_cancel(actor=request.user, subscription=subscription, reason=fields["reason"], fee_waive_reason=waive_reason)
        return Response(s.SubscriptionSerializer(done).data)


# Packages --------------------------------------------------------------------------------------------


class PackageFilters(s.ListFilterSerializer):
    is_active = serializers.BooleanField(required=False, allow_null=True, default=None)


@extend_schema_view(list=extend_schema(summary="List packages", description="The ISP's packages, active and retired. Newest first, 50 a page (page_size up to 200); follow the next link to page on.", parameters=[PackageFilters]), retrieve=extend_schema(summary="A package", description='One package: price, speeds and billing cycle.'))
class PackageViewSet(WithDetail, StaffViewSet):
    area = "customers"
    perms = {"list": ("customers.view_package",), "retrieve": ("customers.view_package",)}
    serializer_class = s.PackageSerializer
    filter_serializer = PackageFilters

    def get_queryset(self):
        return Package.objects.all()

    def get_object_for(self, request, pk):
        return get_object_or_404(Package, pk=_pk(pk))


# Invoices --------------------------------------------------------------------------------------------


class InvoiceFilters(s.ListFilterSerializer):
    customer = serializers.IntegerField(min_value=1, required=False)
    status = serializers.ChoiceField(choices=Invoice.Status.choices, required=False)
    issued_from = serializers.DateField(required=False)
    issued_to = serializers.DateField(required=False)


@extend_schema_view(
    list=extend_schema(summary="List invoices", description='Invoices of the customers the user may see, filtered by the query parameters. Newest first, 50 a page (page_size up to 200); follow the next link to page on.', parameters=[InvoiceFilters]),
    retrieve=extend_schema(summary="An invoice", description="One invoice with its totals and status. One outside the user's branches answers 404."),
    pdf=extend_schema(summary="An invoice as PDF", description='The invoice as the PDF document the customer receives.', responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY)}),
)
class InvoiceViewSet(WithDetail, StaffViewSet):
    area = "billing"
    perms = {"list": ("billing.view_invoice",), "retrieve": ("billing.view_invoice",), "pdf": ("billing.view_invoice",)}
    serializer_class = s.InvoiceSerializer
    filter_serializer = InvoiceFilters

    def get_queryset(self):
        return invoices_visible_to(self.request.user)

    def filtered(self, queryset, filters):
        renames = {"customer": "customer_id", "issued_from": "issue_date__gte", "issued_to": "issue_date__lte"}
        return queryset.filter(**{renames.get(key, key): value for key, value in filters.items()})

    def get_object_for(self, request, pk):
        return invoice_get_for_staff(user=request.user, pk=_pk(pk))

    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        return invoice_pdf(self.get_object_for(request, pk)).response()


# Payments --------------------------------------------------------------------------------------------


class PaymentFilters(s.ListFilterSerializer):
    customer = serializers.IntegerField(min_value=1, required=False)
    method = serializers.ChoiceField(choices=Payment.Method.choices, required=False)
    received_from = serializers.DateTimeField(required=False)
    received_to = serializers.DateTimeField(required=False)


@extend_schema_view(
    list=extend_schema(summary="List payments", description='Payments of the customers the user may see, filtered by the query parameters. Newest first, 50 a page (page_size up to 200); follow the next link to page on.', parameters=[PaymentFilters]),
    retrieve=extend_schema(summary="A payment", description="One payment with its receipt number. One outside the user's branches answers 404."),
    create=extend_schema(
        summary="Record a payment",
        description="Applied to the customer's oldest open invoices by the ledger; the rest stays as credit. "
        "Send an idempotency_key to make a retry safe.",
        request=s.PaymentCreateSerializer, responses={201: s.PaymentSerializer},
    ),
)
class PaymentViewSet(WithDetail, StaffViewSet):
    area = "payments"
    perms = {"list": ("payments.view_payment",), "retrieve": ("payments.view_payment",), "create": ("payments.add_payment",)}
    serializer_class = s.PaymentSerializer
    filter_serializer = PaymentFilters

    def get_queryset(self):
        return payments_visible_to(self.request.user)

    def filtered(self, queryset, filters):
        renames = {"customer": "customer_id", "received_from": "received_at__gte", "received_to": "received_at__lt"}
        return queryset.filter(**{renames.get(key, key): value for key, value in filters.items()})

    def get_object_for(self, request, pk):
        return payment_get_for_staff(user=request.user, pk=_pk(pk))

    def create(self, request):
        data = s.PaymentCreateSerializer(data=request.data, customers=customers_visible_to(request.user))
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        customer = fields.pop("customer")
        received_at = fields.get("received_at")
        days_back = (timezone.localdate() - timezone.localdate(received_at)).days if received_at else 0
        # The console's rule (web/payments/forms.py): older than RECEIPT_BACKDATE_DAYS needs the permission and is audited.
        backdated = days_back > settings.RECEIPT_BACKDATE_DAYS
        if backdated and not request.user.has_perm("payments.backdate_payment"):
            raise PermissionDenied
        payment = usecases.payment_record.payment_record(actor=request.user, customer=customer, **fields)
        if backdated:
            audit_record(actor=request.user, action="payment.backdated", obj=payment,
                         after={"received_on": timezone.localdate(received_at).isoformat(), "days_back": days_back})
        return Response(s.PaymentSerializer(payment).data, status=status.HTTP_201_CREATED)


# Tickets ---------------------------------------------------------------------------------------------


class TicketFilters(s.ListFilterSerializer):
    customer = serializers.IntegerField(min_value=1, required=False)
    status = serializers.ChoiceField(choices=Ticket.Status.choices, required=False)
    updated_since = serializers.DateTimeField(required=False)


@extend_schema_view(
    list=extend_schema(summary="List tickets", description='Support tickets of the customers the user may see, filtered by the query parameters. Newest first, 50 a page (page_size up to 200); follow the next link to page on.', parameters=[TicketFilters]),
    retrieve=extend_schema(summary="A ticket", description="One support ticket. One outside the user's branches answers 404."),
    create=extend_schema(summary="Open a ticket", description='Opens a support ticket for a customer the user may see. Invalid fields answer 400 with a message per field and create nothing.', request=s.TicketCreateSerializer, responses={201: s.TicketSerializer}),
)
class TicketViewSet(WithDetail, StaffViewSet):
    area = "tickets"
    perms = {"list": ("tickets.view_ticket",), "retrieve": ("tickets.view_ticket",), "create": ("tickets.add_ticket",)}
    serializer_class = s.TicketSerializer
    filter_serializer = TicketFilters

    def get_queryset(self):
        return tickets_visible_to(self.request.user)

    def filtered(self, queryset, filters):
        renames = {"customer": "customer_id", "updated_since": "updated_at__gte"}
        return queryset.filter(**{renames.get(key, key): value for key, value in filters.items()})

    def get_object_for(self, request, pk):
        return ticket_get_for_staff(user=request.user, pk=_pk(pk))

    def create(self, request):
        data = s.TicketCreateSerializer(data=request.data, customers=customers_visible_to(request.user))
        data.is_valid(raise_exception=True)
        ticket = ticket_services.ticket_create(actor=request.user, source=Ticket.Source.STAFF, **data.validated_data)
        return Response(s.TicketSerializer(ticket).data, status=status.HTTP_201_CREATED)


# Usage -----------------------------------------------------------------------------------------------


class UsageFilters(s.ListFilterSerializer):
    customer = serializers.IntegerField(min_value=1, required=False)
    subscription = serializers.IntegerField(min_value=1, required=False)
    day_from = serializers.DateField(required=False)
    day_to = serializers.DateField(required=False)

    def validate(self, attrs):
        if attrs.get("day_from") and attrs.get("day_to") and attrs["day_to"] - attrs["day_from"] > timedelta(days=800):
            raise ValidationError({"day_to": "At most 800 days at once."})
        return attrs


@extend_schema_view(list=extend_schema(
    summary="Daily usage per subscription",
    description="Bytes up and down per subscription per local day (the rollups the usage charts read). "
    "RADIUS sessions are at /api/v1/sessions/.",
    parameters=[UsageFilters],
))
class UsageViewSet(StaffViewSet):
    area = "network"
    perms = {"list": ("network.view_usagedaily",)}
    serializer_class = s.UsageSerializer
    filter_serializer = UsageFilters

    def get_queryset(self):
        return scope_to_branches(UsageDaily.objects.select_related("subscription"), self.request.user, field="subscription__customer__branch")

    def filtered(self, queryset, filters):
        renames = {"customer": "subscription__customer_id", "subscription": "subscription_id", "day_from": "day__gte", "day_to": "day__lte"}
        return queryset.filter(**{renames.get(key, key): value for key, value in filters.items()})



# RADIUS sessions --------------------------------------------------------------------------------------


class SessionCursorPagination(IdCursorPagination):
    ordering = "-radacctid"  # the session's id (FreeRADIUS's radacctid): newest first, stable under inserts


class SessionFilters(s.ListFilterSerializer):
    customer = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False)
    subscription = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False)
    router = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False)
    online = serializers.BooleanField(required=False, allow_null=True, default=None, help_text="true: open sessions only; false: ended ones only")
    started_from = serializers.DateTimeField(required=False)
    started_to = serializers.DateTimeField(required=False)

    def validate(self, attrs):
        if attrs.get("started_from") and attrs.get("started_to") and attrs["started_to"] < attrs["started_from"]:
            raise ValidationError({"started_to": "Before started_from."})
        return attrs


@extend_schema_view(
    list=extend_schema(
        summary="RADIUS sessions",
        description="Accounting sessions from the RADIUS routers (who was online when, with which address and how much "
        "data), newest first. Octets are totals with the 32-bit counters' wraps added. Needs the network scope.",
        parameters=[SessionFilters],
    ),
    retrieve=extend_schema(summary="A RADIUS session", description="One accounting session. One outside the user's branches answers 404."),
)
class SessionViewSet(WithDetail, StaffViewSet):
    area = "network"
    perms = {"list": ("radius.view_session",), "retrieve": ("radius.view_session",)}
    serializer_class = s.SessionSerializer
    filter_serializer = SessionFilters
    pagination_class = SessionCursorPagination

    def get_queryset(self):
        return sessions_visible_to(self.request.user)

    def filtered(self, queryset, filters):
        filters = dict(filters)
        online = filters.pop("online", None)
        if online is not None:
            queryset = queryset.filter(acctstoptime__isnull=online)
        renames = {
            "customer": "subscription__customer_id", "subscription": "subscription_id", "router": "router_id",
            "started_from": "acctstarttime__gte", "started_to": "acctstarttime__lt",
        }
        return queryset.filter(**{renames.get(key, key): value for key, value in filters.items()})

    def get_object_for(self, request, pk):
        return session_get_for_staff(user=request.user, pk=_pk(pk))
