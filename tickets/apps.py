from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "tickets"

    def ready(self):
        from . import notifications  # noqa: F401 - registers the ticket events with ispbill/notify
