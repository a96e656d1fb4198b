from django.apps import AppConfig

from customers import hooks


class ChurnConfig(AppConfig):
    name = "churn"

    def ready(self):
        from . import offers

        hooks.line_credits_provider(offers.offer_line_credits)

        from . import (
            notifications,  # noqa: F401 - registers the retention SMS
            retention_tasks,  # noqa: F401 - the retention job (Celery finds only `tasks` modules itself)
        )
