"""Bearer-token authentication for the REST API (kept apart from the views: DRF imports it while
its own views module is still loading)."""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from ispbill.core.request_context import via

from .models import ApiToken
from .tokens import token_actor, token_find, token_touch


class TokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer isb_…`. A staff token authenticates as its user narrowed to the token
    (api/tokens.token_actor); a customer token as the customer's login, with `request.customer`."""

    keyword = b"bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Send one token: Authorization: Bearer <token>.")
        try:
            raw = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("Invalid token.")
        token = token_find(raw)
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid or revoked token.")
        token_touch(token)
        # Every audit entry this request writes names the token (ispbill.core.audit).
        via.set(f"api:{token.name}"[:120])
        if token.kind == ApiToken.Kind.CUSTOMER:
            user = token.user
            user.api_token = token
            request._request.customer = token.customer
            return user, token
        return token_actor(token), token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'
