from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API & webhooks"
    # The bearer scheme is registered with drf-spectacular by api/urls_api.py (which imports api.schema),
    # not here: drf-spectacular and DRF's fields cost about 1 s of CPU to import, and a process that
    # never loads the URLs (a Celery worker, most `manage.py` commands) does not need them. The schema
    # is generated only from the URLs, so the scheme is always registered before it is needed.
