"""The customer portal's own data for the customer's app (/api/portal/): every read goes through the
portal's owner-scoped selectors with the token's customer, so a customer token never reaches another
customer's rows (another's id is a 404, as on the portal)."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from billing.documents import invoice_pdf
from billing.selectors import invoice_get_for_customer, invoices_for_customer
from customers.selectors import portal_subscriptions
from network.models import UsageDaily
from payments.selectors import payments_for_customer
from radius.selectors import portal_sessions
from tickets import services as ticket_services
from tickets.models import Ticket
from tickets.selectors import portal_tickets, ticket_get_for_customer

from . import serializers as s
from .drf import CustomerTokenRequired, ViaMixin
from .tokens import customer_token_create, customer_token_refresh, token_revoke
from .views import SessionCursorPagination, _filters, _pk


class PortalSignInThrottle(AnonRateThrottle):
    """Sign-ins per address (django-axes also locks the account after AXES_FAILURE_LIMIT failures)."""

    rate = "20/min"


class PortalTokenView(ViaMixin, viewsets.ViewSet):
    # The app's sign-in: the portal's login and password for a token; POST revoke/ signs the app out.
    # (A comment, not a docstring: drf-spectacular would publish a class docstring as every endpoint's description.)

    def get_permissions(self):
        return [AllowAny()] if self.action == "create" else [CustomerTokenRequired()]

    def get_throttles(self):
        return [PortalSignInThrottle()] if self.action == "create" else super().get_throttles()

    @extend_schema(
        summary="Sign the app in", request=s.PortalTokenRequestSerializer, responses={201: s.TokenSerializer}, auth=[],
        description="Exchanges the customer's portal login (account number or phone) and password for a bearer token, "
                    "shown once, and its expiry `expires_at` (refresh it before then). Send it as 'Authorization: Bearer <token>' "
                    "on every other /api/portal/ call. Wrong details answer 401; sign-ins are limited per address and an "
                    "account locks after repeated failures.",
    )
    def create(self, request):
        data = s.PortalTokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(request._request, username=data.validated_data["login"], password=data.validated_data["password"], surface="portal")
        customer = getattr(user, "customer", None) if user is not None else None
        if customer is None:
            raise AuthenticationFailed("Wrong account number, phone or password.")
        token, raw = customer_token_create(customer=customer, name=data.validated_data["name"])
        return Response(s.TokenSerializer({"token": raw, "name": token.name, "expires_at": token.expires_at}).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Keep the app signed in (a new expiry)",
        description=(
            "A customer token expires `expires_at` after its sign-in (the ISP sets the lifetime; 90 days unless "
            "changed). While the token still answers, POST here with it to move its expiry to the same lifetime "
            "from now; the token itself does not change. Call it when the app starts, or once a day. An expired, "
            "revoked or unknown token answers 401 and is not extended: the customer signs in again. A token stops "
            "answering at once when the customer's password changes (on the portal, by a sign-in code, or set by "
            "the ISP's staff) or when the customer signs the app out on the portal's Signed-in apps page. "
            "No body is needed; one sent is ignored."
        ),
        request=None, responses={200: s.TokenRefreshSerializer},
    )
    @action(detail=False, methods=["post"], url_path="refresh")
    def refresh(self, request):
        try:
            token = customer_token_refresh(token=request.auth)
        except ValidationError:
            raise AuthenticationFailed("This sign-in has ended: sign in again.")
        return Response(s.TokenRefreshSerializer({"expires_at": token.expires_at}).data)

    @extend_schema(summary="Sign the app out (revoke this token)", description="Revokes the token this request is signed with: later calls with it answer 401. The customer's other tokens keep working.", request=None, responses={204: None})
    @action(detail=False, methods=["post"], url_path="revoke")
    def revoke(self, request):
        token_revoke(actor=request.user, token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PortalViewSet(ViaMixin, viewsets.GenericViewSet):
    permission_classes = [CustomerTokenRequired]
    lookup_value_converter = "int"
    filter_serializer = s.ListFilterSerializer

    @property
    def customer(self):
        return self.request.auth.customer

    def list(self, request):
        _filters(request, self.filter_serializer)
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class PortalMeView(ViaMixin, viewsets.ViewSet):
    permission_classes = [CustomerTokenRequired]

    @extend_schema(summary="The signed-in customer", description='The customer the token belongs to: account number, name, contact details and status.', responses={200: s.CustomerSerializer})
    def list(self, request):
        return Response(s.CustomerSerializer(request.auth.customer).data)


@extend_schema_view(list=extend_schema(summary="My connections", description="The customer's connections: package, connection type, username, status, activation and paid-through date. Newest first, 50 a page (page_size up to 200); follow the next link to page on.", parameters=[s.ListFilterSerializer]))
class PortalSubscriptionViewSet(PortalViewSet):
    serializer_class = s.PortalSubscriptionSerializer

    def get_queryset(self):
        return portal_subscriptions(customer=self.customer)


@extend_schema_view(
    list=extend_schema(summary="My invoices", description="The customer's invoices with their totals, due date and status. Newest first, 50 a page (page_size up to 200); follow the next link to page on.", parameters=[s.ListFilterSerializer]),
    retrieve=extend_schema(summary="One of my invoices", description="One of the customer's invoices. An id that is not the customer's answers 404."),
    pdf=extend_schema(summary="One of my invoices as PDF", description="The invoice as a PDF document, as the customer receives it. An id that is not the customer's answers 404.", responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY)}),
)
class PortalInvoiceViewSet(PortalViewSet):
    serializer_class = s.InvoiceSerializer

    def get_queryset(self):
        return invoices_for_customer(customer_id=self.customer.pk)

    def retrieve(self, request, pk=None):
        return Response(self.get_serializer(invoice_get_for_customer(customer=self.customer, pk=_pk(pk))).data)

    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        return invoice_pdf(invoice_get_for_customer(customer=self.customer, pk=_pk(pk))).response()


@extend_schema_view(list=extend_schema(summary="My payments", description='Payments the customer made: receipt number, amount, method, reference, status and when it was received. Newest first, 50 a page (page_size up to 200); follow the next link to page on.', parameters=[s.ListFilterSerializer]))
class PortalPaymentViewSet(PortalViewSet):
    serializer_class = s.PaymentSerializer

    def get_queryset(self):
        return payments_for_customer(self.customer)


@extend_schema_view(
    list=extend_schema(summary="My tickets", description="The customer's support tickets and their status. Newest first, 50 a page (page_size up to 200); follow the next link to page on.", parameters=[s.ListFilterSerializer]),
    retrieve=extend_schema(summary="One of my tickets", description="One of the customer's support tickets. An id that is not the customer's answers 404."),
    create=extend_schema(summary="Open a ticket", description="Opens a support ticket for the customer, as the portal's support page does. Invalid fields answer 400 with a message per field.", request=s.PortalTicketCreateSerializer, responses={201: s.TicketSerializer}),
)
class PortalTicketViewSet(PortalViewSet):
    serializer_class = s.TicketSerializer

    def get_queryset(self):
        return portal_tickets(customer=self.customer)

    def retrieve(self, request, pk=None):
        return Response(self.get_serializer(ticket_get_for_customer(customer=self.customer, pk=_pk(pk))).data)

    def create(self, request):
        data = s.PortalTicketCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # As the portal's own form does (web/tickets/views/portal.py): the customer's login is the actor.
        ticket = ticket_services.ticket_create(actor=request.user, customer=self.customer, source=Ticket.Source.PORTAL, **data.validated_data)
        return Response(s.TicketSerializer(ticket).data, status=status.HTTP_201_CREATED)


@extend_schema_view(list=extend_schema(summary="My daily usage", description='Bytes uploaded and downloaded per connection per local day. Newest first, 50 a page (page_size up to 200); follow the next link to page on.', parameters=[s.ListFilterSerializer]))
class PortalUsageViewSet(PortalViewSet):
    serializer_class = s.UsageSerializer

    def get_queryset(self):
        return UsageDaily.objects.filter(subscription__customer=self.customer).select_related("subscription")


@extend_schema_view(list=extend_schema(summary="My connection's sessions", description="The customer's sessions: when each connection was online, with which address and how much data. Newest first, 50 a page (page_size up to 200); follow the next link to page on.", parameters=[s.ListFilterSerializer]))
class PortalSessionViewSet(PortalViewSet):
    serializer_class = s.PortalSessionSerializer
    pagination_class = SessionCursorPagination

    def get_queryset(self):
        return portal_sessions(customer=self.customer)
