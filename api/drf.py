"""The REST API's plumbing on Django REST Framework: bearer-token authentication, scope and
permission checks (the console's own permission names), per-token throttling, cursor pagination,
and the answer to a service's ValidationError (400 with its messages, nothing written)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import status
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import exception_handler

from ispbill.core.request_context import via

from .models import READ, WRITE, ApiToken

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class StaffTokenRequired(BasePermission):
    """A staff token whose scope opens the view's area (read for GET, read-write otherwise), and whose
    user holds the console permission the view names for the action (`required_perms`)."""

    message = "This token may not do that."

    def has_permission(self, request, view):
        token = getattr(request, "auth", None)
        if not isinstance(token, ApiToken) or token.kind != ApiToken.Kind.STAFF:
            return False
        access = token.access(view.area)
        if not access or (request.method not in SAFE_METHODS and access != WRITE):
            self.message = f"This token's scope does not allow {'writing' if access == READ else 'reading'} {view.area}."
            return False
        perms = view.required_perms(request)
        return request.user.has_perms(perms)


class CustomerTokenRequired(BasePermission):
    message = "This endpoint is for a customer's token."

    def has_permission(self, request, view):
        token = getattr(request, "auth", None)
        return isinstance(token, ApiToken) and token.kind == ApiToken.Kind.CUSTOMER and token.customer_id is not None


class TokenRateThrottle(SimpleRateThrottle):
    """Requests per minute per token (ApiToken.rate_per_minute), counted in the cache (Redis in
    production); over it, 429 with Retry-After."""

    scope = "token"

    def get_rate(self):
        return None  # set per request from the token

    def allow_request(self, request, view):
        token = getattr(request, "auth", None)
        if not isinstance(token, ApiToken):
            return True
        self.rate = f"{token.rate_per_minute}/min"
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        # The hash's start too: a test database's ids repeat, a shared cache outlives them.
        return f"api-throttle:{request.auth.pk}:{request.auth.token_hash[:12]}"


class IdCursorPagination(CursorPagination):
    """Newest first by id: stable under inserts, one index range scan per page whatever the depth
    (an offset would read and skip every row before the page)."""

    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def api_exception_handler(exc, context):
    """A service's ValidationError is the client's mistake: 400 with its messages."""
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
    return exception_handler(exc, context)


class ViaMixin:
    # Every API view: the audit's `via` is this request's only.
    # (A comment, not a docstring: drf-spectacular would publish a class docstring as every endpoint's description.)

    def dispatch(self, request, *args, **kwargs):
        reset = via.set("")
        try:
            return super().dispatch(request, *args, **kwargs)
        finally:
            via.reset(reset)
