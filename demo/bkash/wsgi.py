"""The bKash emulator served on its own, in front of a load (bench/autopay.py runs it under gunicorn:
`gunicorn demo.bkash.wsgi`): ispbill's settings and URLs with only the middleware the emulator's
pages use. Every API call of the auto-pay bench went through the whole staff-and-portal stack
(surfaces, login throttling, HTMX, CSP, the customer session, Server-Timing), twice per charge, and
none of it took part in the answer. The endpoints, their checks and their answers are the same."""

import os

import django
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup(set_prefix=False)

EMULATOR_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
settings.MIDDLEWARE = EMULATOR_MIDDLEWARE
application = WSGIHandler()
