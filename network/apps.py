from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "network"

    def ready(self) -> None:
        from . import notify_events  # noqa: F401  the fair-usage messages, registered with ispbill/notify
