from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"

    def ready(self):
        from . import notifications  # noqa: F401 - registers auto-pay's events with ispbill/notify
