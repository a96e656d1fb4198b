from django.urls import path

from . import jobs_views, views

staff = [
    path("", views.home, name="home"),
    path("analytics/", views.analytics, name="analytics-dashboard"),
    path("analytics/drill/<slug:metric>/", views.drill, name="analytics-drill"),
    path("analytics/staff/", views.staff_performance, name="analytics-staff"),
    path("analytics/breakdown/", views.breakdown_view, name="analytics-breakdown"),
    path("analytics/report.pdf", views.monthly_report, name="analytics-report"),
    path("api/metrics/", views.api_summary, name="api-metrics-summary"),
    path("api/metrics/months/", views.api_months, name="api-metrics-months"),
    path("api/metrics/staff/", views.api_staff, name="api-metrics-staff"),
    path("api/metrics/<slug:metric>/", views.api_drill, name="api-metrics-drill"),
    path("jobs/", jobs_views.job_list, name="job-list"),
    path("jobs/<int:pk>/", jobs_views.job_detail, name="job-detail"),
    path("jobs/run-again/", jobs_views.job_run_again, name="job-run-again"),
]
