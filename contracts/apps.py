from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "contracts"

    def ready(self):
        from . import notifications  # noqa: F401 - registers the contract messages
