from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "ispbill.dashboard"
    label = "dashboard"
