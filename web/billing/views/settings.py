"""Staff console: Settings → Billing, the ISP's billing choices and document branding."""

import base64
import mimetypes

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _t
from django.views.decorators.http import require_http_methods

from billing.selectors import current_billing_settings
from billing.services import billing_settings_update
from ispbill.core.forms import add_service_errors
from web.billing.forms import BillingSettingsForm
from web.surfaces import staff_permission_required


@staff_permission_required("billing.view_billingsettings", "billing.change_billingsettings")
@require_http_methods(["GET", "POST"])
def billingsettings_edit(request):
    cfg = current_billing_settings()
    form = BillingSettingsForm(request.POST or None, request.FILES or None, instance=cfg)
    if request.method == "POST" and form.is_valid():
        try:
            billing_settings_update(actor=request.user, **form.service_kwargs())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _t("Billing settings saved."))
            return redirect("staff:billingsettings-edit")
    status = 400 if form.is_bound and form.errors else 200
    context = {"form": form, "cfg": cfg, "logo_data_uri": _logo_data_uri(cfg)}
    return render(request, "billing/billingsettings_form.html", context, status=status)


def _logo_data_uri(cfg) -> str:
    """The stored logo inline (media files are not served by the web app)."""
    if not cfg.logo:
        return ""
    try:
        with cfg.logo.open("rb") as logo:
            content = logo.read()
    except (OSError, ValueError):
        return ""
    kind = mimetypes.guess_type(cfg.logo.name)[0] or "image/png"
    return f"data:{kind};base64,{base64.b64encode(content).decode()}"


urlpatterns = [path("settings/billing/", billingsettings_edit, name="billingsettings-edit")]
