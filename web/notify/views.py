"""Staff console: message templates (grid, editor with live preview) and the message log with retry."""

import json

from django.conf import settings
from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from ispbill.accounts.selectors import user_branch_ids
from ispbill.core.forms import add_service_errors
from ispbill.notify import message_templates, selectors, services
from ispbill.notify.events import event_spec
from ispbill.notify.models import Message
from web.surfaces import staff_permission_required

from .forms import MessageFilterForm, MessageTemplateForm

# Templates -------------------------------------------------------------------------------------------

@staff_permission_required("notify.view_messagetemplate")
def messagetemplate_list(request):
    return render(request, "notify/messagetemplate_list.html", {"rows": selectors.template_grid()})


def _editor_context(template, form, preview) -> dict:
    return {
        "template": template,
        "spec": event_spec(template.event),
        "form": form,
        "preview": preview,
        "variables": selectors.template_variables(template),
        "default": message_templates.default_text(template),
        "customised": selectors.is_customised(template),
        "syntax_help": _(
            "Click a variable to insert it at the cursor. Conditions: {% if amount_due %} … {% else %} … "
            "{% endif %}. Filters: upper, lower, title, capfirst, default, truncatechars, truncatewords, yesno."
        ),
    }


@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
@staff_permission_required("notify.view_messagetemplate", "notify.change_messagetemplate")
def messagetemplate_edit(request, pk: int):
    """GET: the editor. POST with `preview`: render the text being typed with sample data, save
    nothing (HTMX swaps just the preview; without JS the whole page comes back). POST: save."""
    template = selectors.message_template_get(pk=pk)
    form = MessageTemplateForm(request.POST or None, template=template)
    if request.method == "POST" and request.POST.get("preview"):
        form.is_valid()
        preview = selectors.template_preview(
            template=template, subject=request.POST.get("subject", ""), body=request.POST.get("body", "")
        )
        context = _editor_context(template, form, preview)
        if request.htmx:
            return render(request, "notify/messagetemplate_form.html#preview", context)
        return render(request, "notify/messagetemplate_form.html", context)
    if request.method == "POST" and form.is_valid():
        try:
            message_templates.message_template_update(actor=request.user, template=template, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            flash.success(request, _("Template “%(name)s” saved.") % {"name": template})
            return redirect("staff:messagetemplate-list")
    preview = selectors.template_preview(
        template=template,
        subject=form["subject"].value() or "" if "subject" in form.fields else "",
        body=form["body"].value() or "",
    )
    return render(request, "notify/messagetemplate_form.html", _editor_context(template, form, preview))


@require_POST
@staff_permission_required("notify.view_messagetemplate", "notify.change_messagetemplate")
def messagetemplate_reset(request, pk: int):
    template = selectors.message_template_get(pk=pk)
    try:
        message_templates.message_template_reset(actor=request.user, template=template)
    except ValidationError as error:
        flash.error(request, " ".join(error.messages))
    else:
        flash.success(request, _("The shipped wording of “%(name)s” is back.") % {"name": template})
    return redirect("staff:messagetemplate-edit", pk=template.pk)


# Message log -----------------------------------------------------------------------------------------

@vary_on_headers("HX-Request")
@staff_permission_required("notify.view_message")
def message_list(request):
    filters = MessageFilterForm(request.GET or None)
    criteria = filters.filters()
    log = selectors.message_log(branch_ids=user_branch_ids(request.user), **criteria)
    counts = selectors.message_status_counts(selectors.message_log(branch_ids=user_branch_ids(request.user), **{**criteria, "status": ""}))
    page = Paginator(log.prefetch_related("related"), settings.STAFF_LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    status_counts = [(status, label, counts[status]) for status, label in Message.Status.choices]
    context = {"page": page, "filters": filters, "status_counts": status_counts, "query": query.urlencode()}
    if request.htmx:
        return render(request, "notify/message_list.html#message-list", context)
    return render(request, "notify/message_list.html", context)


@staff_permission_required("notify.view_message")
def message_detail(request, pk: int):
    delivery = selectors.message_get_for_staff(branch_ids=user_branch_ids(request.user), pk=pk)
    return render(request, "notify/message_detail.html", {"delivery": delivery})


@require_POST
@staff_permission_required("notify.view_message", "notify.retry_message")
def message_retry(request, pk: int):
    delivery = selectors.message_get_for_staff(branch_ids=user_branch_ids(request.user), pk=pk)
    try:
        queued = services.message_retry(actor=request.user, message=delivery)
    except ValidationError as error:
        flash.error(request, " ".join(error.messages))
    else:
        if queued.pk != delivery.pk:  # it held a secret: a new one went out, the old one stopped working
            flash.success(request, _("A new code is on its way to %(to)s; the one in this message no longer works.") % {"to": queued.to})
        else:
            flash.success(request, _("The message to %(to)s is queued again.") % {"to": delivery.to})
    if request.htmx:
        return HttpResponse(status=204, headers={"HX-Trigger": json.dumps({"messagesChanged": None})})
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = reverse("staff:message-detail", args=[delivery.pk])
    return redirect(back)
