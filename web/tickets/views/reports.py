"""Managers' reports: survey analytics, the SLA dashboard and its monthly compliance PDF."""

from datetime import date

from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import path
from django.utils import timezone

from ispbill.core.pdf import html_to_pdf
from tickets import selectors
from web.surfaces import staff_permission_required


def _month(request) -> date:
    months = selectors.sla_months()
    chosen = request.GET.get("month", "")
    for month in months:
        if f"{month:%Y-%m}" == chosen:
            return month
    return months[0]


@staff_permission_required("tickets.view_survey")
def survey_analytics(request):
    return render(request, "tickets/survey_analytics.html", {"stats": selectors.survey_analytics(user=request.user)})


@staff_permission_required("tickets.view_sla_reports")
def sla_dashboard(request):
    month = _month(request)
    return render(request, "tickets/sla_dashboard.html", {
        "report": selectors.sla_report(user=request.user, month=month), "months": selectors.sla_months(), "month": month,
    })


@staff_permission_required("tickets.view_sla_reports")
def sla_report_pdf(request):
    month = _month(request)
    html = render_to_string("tickets/sla_report_pdf.html", {
        "report": selectors.sla_report(user=request.user, month=month), "generated_at": timezone.localtime(),
    }, request=request)
    content = html_to_pdf(html)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="sla-compliance-{month:%Y-%m}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("tickets/surveys/", survey_analytics, name="survey-analytics"),
    path("tickets/sla/", sla_dashboard, name="sla-dashboard"),
    path("tickets/sla/report.pdf", sla_report_pdf, name="sla-report"),
]
