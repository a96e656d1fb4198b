"""The customer's own account on the portal: sign-in by code, profile, contact changes, password,
language, notification preferences and where they are signed in."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from customers import portal_access
from ispbill.accounts import customer_security as security
from ispbill.accounts.models import CustomerSession
from ispbill.notify.events import Channel
from ispbill.notify.selectors import preferences_for
from ispbill.notify.services import notification_preference_set
from web.surfaces import public

PENDING_SIGN_IN = "_portal_code_for"
SENT_ANSWER = gettext_lazy(
    "If that account exists and has a phone number, we have sent it a code by SMS. It is valid for %(minutes)d minutes."
)


class IdentifierForm(forms.Form):
    identifier = forms.CharField(label=gettext_lazy("Account number or phone"), max_length=40)


class CodeForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Code"), max_length=6, min_length=6,
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}))


class CodePasswordForm(SetPasswordForm):
    code = forms.CharField(label=gettext_lazy("Code"), max_length=6, min_length=6,
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}))
    field_order = ["code", "new_password1", "new_password2"]


class PhoneForm(forms.Form):
    phone = forms.CharField(label=gettext_lazy("New phone number"), max_length=20,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))


class EmailForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("New e-mail address"))


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=settings.LANGUAGES)
    bangla_numerals = forms.BooleanField(label=gettext_lazy("Show numbers in Bangla digits (০১২৩)"), required=False)


def _ip(request):
    return request.META.get("REMOTE_ADDR") or None


def _start_session(request, user):
    login(request, user, backend="ispbill.accounts.backends.SurfaceLoginBackend")
    security.customer_session_touch(user=user, seen=security.seen_request(request))


# Sign in by code (public) --------------------------------------------------------------------------

@public
def code_request(request):
    form = IdentifierForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        identifier = form.cleaned_data["identifier"]
        try:
            portal_access.sign_in_code_request(identifier=identifier, ip=_ip(request))
        except security.RateLimited:
            form.add_error(None, _("Too many codes were asked for. Wait an hour, then try again."))
            return render(request, "accounts/portal_code_request.html", {"form": form}, status=429)
        request.session[PENDING_SIGN_IN] = identifier
        messages.info(request, SENT_ANSWER % {"minutes": settings.OTP_TTL_MINUTES})
        return redirect("portal:login-code-verify")
    return render(request, "accounts/portal_code_request.html", {"form": form})


@public
def code_verify(request):
    identifier = request.session.get(PENDING_SIGN_IN)
    if not identifier:
        return redirect("portal:login-code")
    form = CodePasswordForm(None, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = portal_access.sign_in_code_redeem(
                identifier=identifier, code=form.cleaned_data["code"], new_password=form.cleaned_data["new_password1"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            _start_session(request, user)
            messages.success(request, _("Your new password is set and you are signed in."))
            return redirect("portal:home")
    return render(request, "accounts/portal_code_verify.html", {"form": form, "identifier": identifier})


# Profile -------------------------------------------------------------------------------------------

def _profile_context(request, **forms_):
    customer = request.customer
    return {
        "customer": customer,
        "phone_form": forms_.get("phone_form") or PhoneForm(),
        "email_form": forms_.get("email_form") or EmailForm(),
        "code_forms": {
            kind: forms_.get(f"{kind}_code_form") or CodeForm(prefix=kind)
            for kind in ("phone", "email")
        },
        "pending": {kind: portal_access.pending_contact_change(customer=customer, kind=kind) for kind in ("phone", "email")},
        "language_form": forms_.get("language_form") or LanguageForm(initial={
            "language": request.user.language or request.LANGUAGE_CODE, "bangla_numerals": request.user.bangla_numerals,
        }),
        "password_form": forms_.get("password_form") or PasswordChangeForm(request.user),
    }


def profile(request):
    return render(request, "accounts/portal_profile.html", _profile_context(request))


@require_POST
def contact_change(request, kind):
    form = (PhoneForm if kind == "phone" else EmailForm)(request.POST)
    if form.is_valid():
        try:
            value = portal_access.contact_change_request(customer=request.customer, kind=kind, value=form.cleaned_data[kind], ip=_ip(request))
        except security.RateLimited:
            form.add_error(None, _("Too many codes were asked for. Wait an hour, then try again."))
        except ValidationError as error:
            form.add_error(kind if not hasattr(error, "error_dict") else None, error)
        else:
            messages.info(request, _("We sent a code to %(value)s. Enter it below to confirm the change.") % {"value": value})
            return redirect("portal:profile")
    return render(request, "accounts/portal_profile.html", _profile_context(request, **{f"{kind}_form": form}), status=400)


@require_POST
def contact_confirm(request, kind):
    form = CodeForm(request.POST, prefix=kind)
    if form.is_valid():
        try:
            portal_access.contact_change_confirm(customer=request.customer, kind=kind, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your phone number is changed.") if kind == "phone" else _("Your e-mail address is changed."))
            return redirect("portal:profile")
    return render(request, "accounts/portal_profile.html", _profile_context(request, **{f"{kind}_code_form": form}), status=400)


@require_POST
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST)
    if form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        security.customer_session_touch(user=user, seen=security.seen_request(request))
        security.customer_sessions_revoke_others(user=user, current_key=request.session.session_key)
        messages.success(request, _("Your password is changed. Your other sessions are signed out."))
        return redirect("portal:profile")
    return render(request, "accounts/portal_profile.html", _profile_context(request, password_form=form), status=400)


@require_POST
def language_set(request):
    form = LanguageForm(request.POST)
    if not form.is_valid():
        return render(request, "accounts/portal_profile.html", _profile_context(request, language_form=form), status=400)
    user = portal_access.customer_preferences_set(
        user=request.user, language=form.cleaned_data["language"], bangla_numerals=form.cleaned_data["bangla_numerals"],
    )
    response = redirect(request.POST.get("next") if str(request.POST.get("next", "")).startswith("/portal/") else "portal:profile")
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.language,
                        samesite=settings.LANGUAGE_COOKIE_SAMESITE, secure=settings.LANGUAGE_COOKIE_SECURE)
    return response


# Notification preferences ------------------------------------------------------------------------------

def notifications(request):
    customer = request.customer
    rows = preferences_for(customer)
    if request.method == "POST":
        errors = []
        for row in rows:
            chosen = {c for c in Channel.ORDER if request.POST.get(f"{row['spec'].key}:{c}") == "on"}
            current = set(row["channels"])
            if chosen == current and not row["customised"]:
                continue
            try:
                notification_preference_set(actor=request.user, customer=customer, event=row["spec"].key, channels=chosen)
            except ValidationError as error:
                errors.append(f"{row['spec'].label}: {' '.join(error.messages)}")
        if not errors:
            messages.success(request, _("Your notification choices are saved."))
            return redirect("portal:notifications")
        for error in errors:
            messages.error(request, error)
        rows = preferences_for(customer)
    channels = [(code, label) for code, label in Channel.CHOICES]
    for row in rows:
        row["cells"] = [
            {"channel": code, "label": label, "on": code in row["channels"], "available": code in row["available"]}
            for code, label in channels
        ]
    return render(request, "accounts/portal_notifications.html", {"rows": rows, "channels": channels, "customer": customer})


# Sessions -------------------------------------------------------------------------------------------

def sessions(request):
    rows = CustomerSession.objects.filter(user=request.user)
    return render(request, "accounts/portal_sessions.html", {"rows": rows, "current_key": request.session.session_key})


def session_revoke(request, pk):
    # Another customer's session is a 404 before the method is even looked at.
    if not CustomerSession.objects.filter(user=request.user, pk=pk).exists():
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        security.customer_session_revoke(user=request.user, session_id=pk)
    except CustomerSession.DoesNotExist:
        raise Http404 from None
    messages.success(request, _("That session is signed out."))
    return redirect("portal:sessions")


@require_POST
def sessions_revoke_others(request):
    count = security.customer_sessions_revoke_others(user=request.user, current_key=request.session.session_key)
    messages.success(request, _("Signed out of %(count)d other sessions.") % {"count": count})
    return redirect("portal:sessions")


portal = [
    path("login/code/", code_request, name="login-code"),
    path("login/code/verify/", code_verify, name="login-code-verify"),
    path("profile/", profile, name="profile"),
    path("profile/phone/", contact_change, {"kind": "phone"}, name="profile-phone"),
    path("profile/phone/confirm/", contact_confirm, {"kind": "phone"}, name="profile-phone-confirm"),
    path("profile/email/", contact_change, {"kind": "email"}, name="profile-email"),
    path("profile/email/confirm/", contact_confirm, {"kind": "email"}, name="profile-email-confirm"),
    path("profile/password/", password_change, name="profile-password"),
    path("profile/language/", language_set, name="profile-language"),
    path("notifications/", notifications, name="notifications"),
    path("sessions/", sessions, name="sessions"),
    path("sessions/<int:pk>/revoke/", session_revoke, name="session-revoke"),
    path("sessions/revoke-others/", sessions_revoke_others, name="sessions-revoke-others"),
]
