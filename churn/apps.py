from django.apps import AppConfig


class ChurnConfig(AppConfig):
    name = "churn"

    def ready(self):
        from . import (
            notifications,  # noqa: F401 - registers the retention SMS
            retention_tasks,  # noqa: F401 - the retention job (Celery finds only `tasks` modules itself)
        )
