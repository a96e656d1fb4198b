"""One authentication backend for every surface.

The login form says which surface it serves; a customer signs in with an account
number or a phone number, everyone else with a username, and nobody signs in to
a surface that is not theirs.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

from ispbill.core.phone import normalize_phone

from .models import User

SURFACE_KINDS = {
    "staff": {User.Kind.STAFF},
    "portal": {User.Kind.CUSTOMER},
    "reseller": {User.Kind.RESELLER},
    "technician": {User.Kind.TECHNICIAN},
}


class SurfaceLoginBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, surface=None, **kwargs):
        if not username or password is None:
            return None
        user = self._find_user(username.strip(), surface)
        if user is None:
            get_user_model()().set_password(password)  # same work as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def _find_user(self, identifier: str, surface: str | None) -> User | None:
        users = User.objects.all()
        if surface is None:  # Django admin: superusers only
            return users.filter(username=identifier, is_superuser=True).first()
        users = users.filter(kind__in=SURFACE_KINDS[surface])
        if surface == "portal":
            found = users.filter(customer__account_number__iexact=identifier).first()
            if found is None:
                try:
                    phone = normalize_phone(identifier)
                except ValidationError:
                    return None
                # A phone shared by several accounts (a family) cannot identify one: use the account number.
                matches = list(users.filter(customer__phone=phone)[:2])
                found = matches[0] if len(matches) == 1 else None
            return found
        return users.filter(username=identifier).first()
