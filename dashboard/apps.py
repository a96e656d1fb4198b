from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "dashboard"
    label = "dashboard"

    def ready(self):
        from . import notifications  # noqa: F401 - registers the late-job message with ispbill/notify
