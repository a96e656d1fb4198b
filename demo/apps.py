from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo: seed data, the RouterOS simulator and the SSLCommerz emulator.

    Installed only when settings.DEMO is on (the embedded default, off with DJANGO_DEBUG=false):
    a production install loads none of it, and nothing outside this package imports it.
    """

    name = "demo"
    verbose_name = "Demo"
