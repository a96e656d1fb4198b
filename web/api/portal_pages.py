"""The customer portal's "Signed-in apps" page (My account): the customer's mobile-app sign-ins (the
tokens api/portal_views.py gives the app), each with its sign-out. Owner-scoped: only the signed-in
customer's own valid tokens are listed or can be signed out; another customer's is a 404."""

from django.contrib import messages
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from api import tokens
from api.models import ApiToken


def apps(request):
    return render(request, "api/portal_apps.html", {"apps": tokens.customer_apps(customer=request.customer)})


def app_revoke(request, pk: int):
    # Another customer's token (or one no longer signed in) is a 404 before the method is looked at.
    try:
        token = tokens.customer_app_get(customer=request.customer, pk=pk)
    except ApiToken.DoesNotExist:
        raise Http404 from None
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    tokens.token_revoke(actor=request.user, token=token)
    messages.success(request, _("%(name)s is signed out.") % {"name": token.name})
    return redirect("portal:apps")


portal = [
    path("apps/", apps, name="apps"),
    path("apps/<int:pk>/revoke/", app_revoke, name="app-revoke"),
]
