from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ispbill.accounts.customer_security import customer_session_end, customer_session_touch, seen_request
from ispbill.accounts.middleware import portal_language
from ispbill.accounts.services import user_language_set
from web.surfaces import SURFACES_BY_NAME, Surface, public, surface_for_path

from .forms import SurfaceLoginForm


class SurfaceLoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = SurfaceLoginForm
    redirect_authenticated_user = False
    surface: Surface = SURFACES_BY_NAME["staff"]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "surface": self.surface.name}

    def get_success_url(self):
        target = self.get_redirect_url()
        # `next` may only lead back into this surface.
        if target and target.startswith(self.surface.prefix):
            return target
        return self.surface.home_url

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "login_surface": self.surface}

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.get_user()
        if self.surface.name == "portal":
            # "Where you're signed in" starts here; the saved language follows the customer to this device.
            customer_session_touch(user=user, seen=seen_request(self.request))
            language = portal_language(user)
            if language:
                response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language,
                        samesite=settings.LANGUAGE_COOKIE_SAMESITE, secure=settings.LANGUAGE_COOKIE_SECURE)
        return response


class SurfaceLogoutView(auth_views.LogoutView):
    # The technician app keeps pages and queued actions in the phone's browser: signing out tells the
    # browser to drop them (the app's script clears them too, warning first about unsent actions).
    clear_site_data = False

    def post(self, request, *args, **kwargs):
        if request.session.session_key:
            customer_session_end(session_key=request.session.session_key)
        response = super().post(request, *args, **kwargs)
        if self.clear_site_data:
            response["Clear-Site-Data"] = '"cache", "storage"'
        return response


def login_view(surface_name: str):
    return public(SurfaceLoginView.as_view(surface=SURFACES_BY_NAME[surface_name]))


def logout_view(surface_name: str):
    return public(SurfaceLogoutView.as_view(next_page=f"{surface_name}:login", clear_site_data=surface_name == "technician"))


def lockout(request, original_response=None, credentials=None):
    """django-axes calls this after too many failures: the same login page, with the reason."""
    surface = surface_for_path(request.path_info) or SURFACES_BY_NAME["staff"]
    form = SurfaceLoginForm(request, data=None, surface=surface.name)
    minutes = max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    message = ngettext(
        "Too many failed sign-in attempts. Wait %(minutes)d minute, then try again.",
        "Too many failed sign-in attempts. Wait %(minutes)d minutes, then try again.",
        minutes,
    ) % {"minutes": minutes}
    return render(
        request,
        "accounts/login.html",
        {"form": form, "login_surface": surface, "lockout_message": message},
        status=429,
    )


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)


@require_POST
def language_set(request):
    """The menu's language button on the staff console, the technician app and the reseller
    portal: saved on the user (it follows them to any device) and in the cookie."""
    form = LanguageForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Choose English or Bangla."))
    user = user_language_set(user=request.user, language=form.cleaned_data["language"])
    target = str(request.POST.get("next", ""))
    stays = target.startswith(request.surface.prefix) and target.isprintable() and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    response = redirect(target if stays else request.surface.home_url)
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.language,
                        samesite=settings.LANGUAGE_COOKIE_SAMESITE, secure=settings.LANGUAGE_COOKIE_SECURE)
    return response


def surface_urls(surface_name: str):
    urls = [
        path("login/", login_view(surface_name), name="login"),
        path("logout/", logout_view(surface_name), name="logout"),
    ]
    if surface_name != "portal":  # customers choose theirs on their profile (portal:profile-language)
        urls.append(path("language/", language_set, name="language"))
    return urls
