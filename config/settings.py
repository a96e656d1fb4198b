"""ispbill settings: every value comes from the environment (see .env.example).

The defaults are the embedded demo setup: SQLite in var/, no Redis (Celery on
Kombu's filesystem transport), DEBUG on. Production sets DJANGO_DEBUG=false and
then SECRET_KEY and FIELD_ENCRYPTION_KEYS become mandatory.
"""

import hashlib
import os
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import environ
from csp.constants import NONCE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("ISPBILL_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=True)

# Demo-only fallbacks: refused when DEBUG is off.
_DEV_SECRET_KEY = "dev-only-insecure-secret-key-change-me"
_DEV_FIELD_KEY = "ZGV2LW9ubHktZmllbGQta2V5LWRvLW5vdC11c2UtISE="

SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else "")
# Comma-separated Fernet keys; the first encrypts, all decrypt (rotation: prepend a new key,
# run `manage.py rotate_field_keys`, then drop the old one).
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[_DEV_FIELD_KEY] if DEBUG else [])
if not DEBUG and (not SECRET_KEY or SECRET_KEY == _DEV_SECRET_KEY):
    raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_DEBUG is false.")
if not DEBUG and (not FIELD_ENCRYPTION_KEYS or _DEV_FIELD_KEY in FIELD_ENCRYPTION_KEYS):
    raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must be set when DJANGO_DEBUG is false.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["*"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Public base URL, used in links that leave the site (SMS, gateway callbacks).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # the built-in widget templates, for FORM_RENDERER below
    "django_htmx",
    "template_partials",
    "csp",
    "axes",
    "ispbill.core",
    "ispbill.accounts",
    "ispbill.notify",
    "dashboard",
    "customers",
    "books",
    "billing",
    "payments",
    "network",
    "radius",
    "fibre",
    "tickets",
    "fieldservice",
    "resellers",
    "contracts",
    "churn",
    "imports",
    "vouchers",
    "usecases",
    "api",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]
# The demo (seed data, RouterOS simulator, SSLCommerz emulator: the `demo` package) is loaded only
# when this is on; a production install (DJANGO_DEBUG=false) leaves it out unless asked.
DEMO = env.bool("DEMO", default=DEBUG)
# Server-Timing (the application's time per answer) to every visitor; otherwise to signed-in staff only.
SERVER_TIMING_FOR_ALL = env.bool("SERVER_TIMING_FOR_ALL", default=DEBUG)
if DEMO:
    INSTALLED_APPS.append("demo")

MIDDLEWARE = [
    "ispbill.core.after_response.AfterResponseMiddleware",
    "ispbill.core.middleware.ServerTimingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "ispbill.core.middleware.RejectNulBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "ispbill.accounts.middleware.CustomerSessionMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "ispbill.core.middleware.HtmxMessagesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ispbill.core.middleware.RequestContextMiddleware",
    "web.surfaces.SurfaceAccessMiddleware",
    "axes.middleware.AxesMiddleware",
    "ispbill.core.middleware.PrivateCacheMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

# Widgets render through TEMPLATES, so a widget template of our own is found in web/templates like every
# view template (Django's default form renderer looks only in the apps).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "web" / "templates"],  # the surfaces' layouts and every view's template
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "web.surfaces.surface_context",
                # The demo's "still loading" line (demo/loading.py); only with the demo app.
                *(["demo.loading.demo_loading"] if DEMO else []),
            ],
            "builtins": ["ispbill.core.templatetags.money", "ispbill.core.templatetags.dialogs"],
        },
    }
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # web, worker, beat, the simulated routers and `make run`'s background seeding share the file in the
    # demo: wait for locks (a seed step's transaction holds the write lock for tens of seconds on a busy
    # machine), take the write lock up front.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 180, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
    # The session log's IP index covers the stop time (INCLUDE) for PostgreSQL's index-only scans; SQLite
    # builds it without the included column, which serves the same look-ups. Said once here, not as a
    # warning at every start of the demo.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # The hand-written statements of hot paths (ispbill/core/statements.py) are prepared on a connection
    # once it has run them this many times; Django's own queries never are (they bind on the client).
    # 0 turns it off (a PgBouncer in transaction mode cannot keep prepared statements).
    # Binding and preparing every statement (server_side_binding, 28 Nov) saved nothing measurable (the
    # same test modules back to back, README "Tests") and was undone: after five runs PostgreSQL may keep
    # one generic plan for a statement, made from the table sizes of that moment, and the books' journal
    # posting (billing/ledger/sql.py) kept one made while its tables were young: 40-75 ms a run, growing,
    # and the IPN bench's credit task 389 s instead of 76 s. plan_cache_mode=force_custom_plan on every
    # connection cured that but doubled the billing run (PostgreSQL then plans each deferred foreign-key
    # check again at COMMIT). bench/README.md, "SSLCommerz IPN".
    prepare_after = env.int("DB_PREPARE_THRESHOLD", default=5)
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = prepare_after or None
    DATABASES["default"]["TEST"] = {"NAME": env.str("DB_TEST_NAME", default="test_ispbill")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
# Several installs (or pytest-xdist's parallel workers, which name themselves in PYTEST_XDIST_WORKER)
# can share one Redis database: each keeps its keys under its own prefix, and cache.clear() removes
# only those (ispbill/core/cache.py). The file cache of the embedded setup gets a directory each.
CACHE_KEY_PREFIX = env.str("CACHE_KEY_PREFIX", default=os.environ.get("PYTEST_XDIST_WORKER", ""))
if REDIS_URL:
    # A Redis that does not answer holds a request up for at most these seconds; one that is down
    # answers as an empty cache (ispbill/core/cache.py) and the web carries on from the database.
    _redis_timeout = env.float("REDIS_CACHE_TIMEOUT", default=1.0)
    CACHES = {
        "default": {
            "BACKEND": "ispbill.core.cache.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": CACHE_KEY_PREFIX,
            "OPTIONS": {"socket_connect_timeout": _redis_timeout, "socket_timeout": _redis_timeout},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache" / CACHE_KEY_PREFIX),
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
    }

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "ispbill.accounts.backends.SurfaceLoginBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "staff:login"

# Brute-force lockout: AXES_FAILURE_LIMIT failures lock the account (from every address) and the
# address (for every account) for the cool-off. On the portal one customer is one account whatever
# spelling of the account number or phone was typed (web.accounts.axes.lockout_username).
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_CALLABLE = "web.accounts.axes.lockout_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "web.accounts.views.lockout"
AXES_VERBOSE = False

# Sessions are read from the cache (Redis in production) and written through to the database: every
# signed-in page view skipped a database round trip, and a flushed cache loses no one's sign-in.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
# The chosen language travels in a cookie too: HTTPS only in production, like the session.
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SAMESITE = "Lax"

# HTTPS: browsers are told to use nothing else for a year once they have seen the site over TLS (on by
# default in production; set 0 while first trying TLS out). The TLS proxy in front must pass
# X-Forwarded-Proto for SECURE_SSL_REDIRECT and secure cookies to see HTTPS.
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 12)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-ancestors": [SELF],
        "form-action": [SELF],
        "base-uri": [SELF],
    }
}

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("bn", "বাংলা")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date style for both languages: ispbill/formats/<language>/formats.py.
FORMAT_MODULE_PATH = ["ispbill.formats"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Dhaka")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env.bool("STATIC_MANIFEST", default=False)
        else "whitenoise.storage.CompressedStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# Set beside USE_FINDERS, from the same DEBUG: left to WhiteNoise it follows settings.DEBUG when its
# middleware starts, which the test runner has turned off, and every middleware start (each test
# client's) then scanned all the static files through the finders, 34 ms each time. Autorefresh finds a
# file when it is asked for, as the development server does.
WHITENOISE_AUTOREFRESH = DEBUG

# Backups (`manage.py backup` / `restore`, docs/operations.md): the key that encrypts them (32 random
# bytes, URL-safe base64; no default: a backup refuses to run without it), where they go, and how many
# `backup` keeps (0 = all).
BACKUP_ENCRYPTION_KEY = env.str("BACKUP_ENCRYPTION_KEY", default="")
BACKUP_DIR = Path(env.str("BACKUP_DIR", default=str(VAR_DIR / "backups")))
BACKUP_KEEP = env.int("BACKUP_KEEP", default=0)
# The REST API and webhooks (api/, docs/api.md). Tokens authenticate; no session, so no CSRF.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["api.drf.TokenRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "api.drf.IdCursorPagination",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.drf.api_exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ispbill API",
    "DESCRIPTION": "Customers, subscriptions, packages, invoices, payments, tickets and usage; the customer app's own data. See docs/api.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/",
    # Swagger UI and Redoc from drf-spectacular-sidecar's vendored files (no CDN; the CSP allows only 'self').
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CustomerStatusEnum": "customers.models.Customer.Status",
        "SubscriptionStatusEnum": "customers.models.Subscription.Status",
        "InvoiceStatusEnum": "billing.models.Invoice.Status",
        "PaymentStatusEnum": "payments.models.Payment.Status",
        "TicketStatusEnum": "tickets.models.Ticket.Status",
    },
}
# Webhooks: deliveries queued per pump run (every WEBHOOK_PUMP_SECONDS, on the `webhooks` queue, so a backlog
# never holds up other jobs), attempts before a delivery is given up, the first retry's delay (doubling each
# time, at most WEBHOOK_RETRY_MAX_SECONDS), the receiver's timeout, and whether http:// to loopback is allowed
# (the demo and tests; production endpoints must be https).
WEBHOOK_PUMP_BATCH = env.int("WEBHOOK_PUMP_BATCH", default=2000)
WEBHOOK_PUMP_SECONDS = env.int("WEBHOOK_PUMP_SECONDS", default=10)
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=8)
WEBHOOK_RETRY_BASE_SECONDS = env.int("WEBHOOK_RETRY_BASE_SECONDS", default=30)
WEBHOOK_RETRY_MAX_SECONDS = env.int("WEBHOOK_RETRY_MAX_SECONDS", default=6 * 3600)
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=10.0)
WEBHOOK_ALLOW_LOOPBACK = env.bool("WEBHOOK_ALLOW_LOOPBACK", default=DEBUG)
CELERY_TASK_ROUTES = {"api.tasks.deliver_webhooks": {"queue": "webhooks"}}

# The ISP's own choices.
ISP_NAME = env.str("ISP_NAME", default="Demo Net Ltd.")
ACCOUNT_NUMBER_PREFIX = env.str("ACCOUNT_NUMBER_PREFIX", default="CT")
PHONE_DEFAULT_REGION = env.str("PHONE_DEFAULT_REGION", default="BD")
CURRENCY = env.str("CURRENCY", default="BDT")
CURRENCY_SYMBOL = env.str("CURRENCY_SYMBOL", default="৳")
# "south_asian" writes 12,34,567.00; "international" writes 1,234,567.00.
MONEY_GROUPING = env.str("MONEY_GROUPING", default="south_asian")
STAFF_LIST_PAGE_SIZE = env.int("STAFF_LIST_PAGE_SIZE", default=25)

# Billing: document number prefixes, and the defaults Settings → Billing starts from (the
# database row wins once an admin saves it).
INVOICE_NUMBER_PREFIX = env.str("INVOICE_NUMBER_PREFIX", default="INV")
RECEIPT_NUMBER_PREFIX = env.str("RECEIPT_NUMBER_PREFIX", default="RCPT")
# Mushak-6.3 tax invoices and Mushak-6.7 credit notes are numbered in series of their own (docs/vat.md).
TAX_CHALLAN_PREFIX = env.str("TAX_CHALLAN_PREFIX", default="MUS")
CREDIT_NOTE_CHALLAN_PREFIX = env.str("CREDIT_NOTE_CHALLAN_PREFIX", default="MCN")
# Debit notes: DN-2026-00001 (what the customer owes, payable like an invoice) and their Mushak-6.8 series.
DEBIT_NOTE_NUMBER_PREFIX = env.str("DEBIT_NOTE_NUMBER_PREFIX", default="DN")
DEBIT_NOTE_CHALLAN_PREFIX = env.str("DEBIT_NOTE_CHALLAN_PREFIX", default="MDN")
# A payment with VAT deducted at source whose certificate (Mushak-6.6) has not come after this many days is
# listed as open (docs/vat.md, "VAT deducted at source").
VDS_CERTIFICATE_DAYS = env.int("VDS_CERTIFICATE_DAYS", default=30)
BILLING_DEFAULTS = {
    "mode": env.str("BILLING_MODE", default="calendar"),
    "allowed_anchor_days": [int(day) for day in env.list("BILLING_ANCHOR_DAYS", default=["1", "5", "25", "30"])],
    "default_anchor_day": env.int("BILLING_DEFAULT_ANCHOR_DAY", default=1),
    "issue_days_before": env.int("BILLING_ISSUE_DAYS_BEFORE", default=7),
    "due_days": env.int("BILLING_DUE_DAYS", default=7),
    "grace_days": env.int("BILLING_GRACE_DAYS", default=3),
    "vat_rate": env.str("VAT_RATE", default="15"),
    "prices_include_vat": env.bool("PRICES_INCLUDE_VAT", default=False),
    "vat_registration_number": env.str("VAT_REGISTRATION_NUMBER", default=""),
    "late_fee": env.str("LATE_FEE", default="0"),
    "reconnection_fee": env.str("RECONNECTION_FEE", default="0"),
    "invoice_at_activation": env.bool("BILLING_INVOICE_AT_ACTIVATION", default=True),
}

# Celery: Redis when REDIS_URL is set; otherwise Kombu's filesystem transport so the
# zero-service demo still runs a worker and the beat schedule.
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
else:
    _queue_dir = VAR_DIR / "celery"
    for sub in ("queue", "processed", "control"):
        (_queue_dir / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://localhost/"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir / "queue"),
        "data_folder_out": str(_queue_dir / "queue"),
        "processed_folder": str(_queue_dir / "processed"),
        # Exchange bindings and the worker's remote-control mailbox; Kombu's default is ./control.
        "control_folder": str(_queue_dir / "control"),
        "store_processed": False,
    }
# pytest-xdist's workers share one Redis database: each queues tasks on a default queue of its own, so a
# test that reads what it queued never reads a task the other worker's test queued at the same moment.
if os.environ.get("PYTEST_XDIST_WORKER"):
    CELERY_TASK_DEFAULT_QUEUE = f"celery-{os.environ['PYTEST_XDIST_WORKER']}"
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="billing@example.net")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=15)

# Notifications (ispbill/notify): which backend sends each channel, and the providers' settings.
# Backends: "console" (writes to the log; the default), "http" (SMS gateway), "cloud_api"
# (WhatsApp), "django" (e-mail through EMAIL_BACKEND), or a dotted path to a backend class.
NOTIFY_BACKENDS = {
    "sms": env.str("NOTIFY_SMS_BACKEND", default="console"),
    "whatsapp": env.str("NOTIFY_WHATSAPP_BACKEND", default="console"),
    "email": env.str("NOTIFY_EMAIL_BACKEND", default="console"),
}
NOTIFY_DEFAULT_CHANNELS = env.list("NOTIFY_DEFAULT_CHANNELS", default=["sms", "email"])
NOTIFY_DUE_REMINDER_DAYS = env.int("NOTIFY_DUE_REMINDER_DAYS", default=3)
# "৳" is not in the GSM-7 alphabet: one in an SMS makes it Unicode, 70 characters a part instead of 160.
NOTIFY_SMS_CURRENCY_SYMBOL = env.str("NOTIFY_SMS_CURRENCY_SYMBOL", default="Tk ")

# Customer one-time codes (first sign-in, forgotten password, new phone / e-mail): lifetime, wrong
# tries per code, and sends per phone and per IP address within OTP_SEND_WINDOW_MINUTES.
OTP_TTL_MINUTES = env.int("OTP_TTL_MINUTES", default=10)
OTP_MAX_ATTEMPTS = env.int("OTP_MAX_ATTEMPTS", default=5)
OTP_SENDS_PER_PHONE = env.int("OTP_SENDS_PER_PHONE", default=3)
OTP_SENDS_PER_IP = env.int("OTP_SENDS_PER_IP", default=10)
# Sign-in codes to one customer from every address together (OTP_SENDS_PER_PHONE is per address).
OTP_SENDS_PER_ACCOUNT = env.int("OTP_SENDS_PER_ACCOUNT", default=10)
OTP_SEND_WINDOW_MINUTES = env.int("OTP_SEND_WINDOW_MINUTES", default=60)
# A portal session's "last seen" is written at most this often (one UPDATE per session per period).
PORTAL_SESSION_TOUCH_SECONDS = env.int("PORTAL_SESSION_TOUCH_SECONDS", default=300)
NOTIFY_MAX_ATTEMPTS = env.int("NOTIFY_MAX_ATTEMPTS", default=5)
NOTIFY_RETRY_BASE_SECONDS = env.int("NOTIFY_RETRY_BASE_SECONDS", default=60)
NOTIFY_RETRY_MAX_SECONDS = env.int("NOTIFY_RETRY_MAX_SECONDS", default=3600)
SMS_GATEWAY = {
    "url": env.str("SMS_GATEWAY_URL", default=""),
    "method": env.str("SMS_GATEWAY_METHOD", default="GET"),
    "post_format": env.str("SMS_GATEWAY_POST_FORMAT", default="form"),
    "api_key": env.str("SMS_GATEWAY_API_KEY", default=""),
    "sender_id": env.str("SMS_GATEWAY_SENDER_ID", default=""),
    "param_to": env.str("SMS_GATEWAY_PARAM_TO", default="number"),
    "param_message": env.str("SMS_GATEWAY_PARAM_MESSAGE", default="message"),
    "param_api_key": env.str("SMS_GATEWAY_PARAM_API_KEY", default="api_key"),
    "param_sender_id": env.str("SMS_GATEWAY_PARAM_SENDER_ID", default="senderid"),
    "param_reference": env.str("SMS_GATEWAY_PARAM_REFERENCE", default=""),
    "extra_params": env.str("SMS_GATEWAY_EXTRA_PARAMS", default=""),
    "number_format": env.str("SMS_GATEWAY_NUMBER_FORMAT", default="international"),
    "success_json_field": env.str("SMS_GATEWAY_SUCCESS_JSON_FIELD", default=""),
    "success_json_value": env.str("SMS_GATEWAY_SUCCESS_JSON_VALUE", default=""),
    "success_regex": env.str("SMS_GATEWAY_SUCCESS_REGEX", default=""),
    "message_id_field": env.str("SMS_GATEWAY_MESSAGE_ID_FIELD", default=""),
    "timeout": env.float("SMS_GATEWAY_TIMEOUT", default=10.0),
}
# Usage polling and fair usage (network app): how often each router's byte counters are read, and
# how long raw samples, hourly and daily totals are kept. Daily totals feed FUP and the usage charts
# (12 months back), so keep them for at least a year.
USAGE_POLL_SECONDS = env.int("USAGE_POLL_SECONDS", default=300)
USAGE_SAMPLE_RETENTION_DAYS = env.int("USAGE_SAMPLE_RETENTION_DAYS", default=14)
USAGE_HOURLY_RETENTION_DAYS = env.int("USAGE_HOURLY_RETENTION_DAYS", default=90)
USAGE_DAILY_RETENTION_DAYS = env.int("USAGE_DAILY_RETENTION_DAYS", default=800)

# Routers in RADIUS mode (network.aaa): where a router is told to send RADIUS, and how ispbill reaches
# the server and the routers' CoA listeners. See .env.example and docs/radius.md.
RADIUS_SERVER_ADDRESS = env.str("RADIUS_SERVER_ADDRESS", default="127.0.0.1")
RADIUS_AUTH_PORT = env.int("RADIUS_AUTH_PORT", default=1812)
RADIUS_ACCT_PORT = env.int("RADIUS_ACCT_PORT", default=1813)
# The site's FreeRADIUS servers as the routers reach them, in the order a router asks them: comma-separated
# `address[:auth_port[:acct_port]]` (network.aaa.radius_servers). Empty: the one server above.
RADIUS_SERVERS = env.str("RADIUS_SERVERS", default="")
RADIUS_INTERIM_INTERVAL = env.int("RADIUS_INTERIM_INTERVAL", default=300)
# How ispbill itself reaches them (the mode switch's probe, "Test a login"): one address or name per server,
# comma-separated, in the same order; empty, or for the servers it does not name: their own addresses.
RADIUS_PROBE_ADDRESS = env.str("RADIUS_PROBE_ADDRESS", default="")
RADIUS_PROBE_SECRET = env.str("RADIUS_PROBE_SECRET", default="")
RADIUS_COA_SOURCE_ADDRESS = env.str("RADIUS_COA_SOURCE_ADDRESS", default="")
# The address or network FreeRADIUS sees the probe come from (clients.conf's entry for ispbill itself).
RADIUS_PROBE_CLIENT_ADDRESS = env.str("RADIUS_PROBE_CLIENT_ADDRESS", default="") or RADIUS_COA_SOURCE_ADDRESS or "127.0.0.1"
RADIUS_COA_TIMEOUT = env.float("RADIUS_COA_TIMEOUT", default=3.0)
RADIUS_COA_ATTEMPTS = env.int("RADIUS_COA_ATTEMPTS", default=2)
# Speed windows (night speed, network/speed_boundary.py): at a window's edge no router is sent more
# than this many speed changes (CoA or queue set) a second; 50,000 connections on 20 routers at 50/s
# take 50 s (docs/speeds.md). Edges missed for longer than the catch-up are left to the reconciler.
SPEED_CHANGES_PER_ROUTER_PER_SECOND = env.float("SPEED_CHANGES_PER_ROUTER_PER_SECOND", default=50.0)
SPEED_EDGE_CATCH_UP_MINUTES = env.int("SPEED_EDGE_CATCH_UP_MINUTES", default=10)
# FreeRADIUS's database role (radius/, `manage.py radius_db_role`): it reads only the authorisation
# views and writes only accounting and post-auth; `radius_config` writes it into the generated
# configuration with the ports above. A session silent for twice RADIUS_INTERIM_INTERVAL is stale.
RADIUS_DB_USER = env.str("RADIUS_DB_USER", default="ispbill_radius")
RADIUS_DB_PASSWORD = env.str("RADIUS_DB_PASSWORD", default="")
# A hot-standby replica of our PostgreSQL in the same site (postgres://host:port/dbname; the role and
# password above are used, a user or password in the URL is ignored): FreeRADIUS answers logins from it
# when the primary does not answer (docs/radius.md, "When the primary is away: the replica"). Empty:
# FreeRADIUS reads the primary only.
RADIUS_REPLICA_DATABASE_URL = env.str("RADIUS_REPLICA_DATABASE_URL", default="")
# Analytics (docs/metrics.md): a subscription suspended for non-payment this many days counts as
# churned (out of MRR, into logo churn); before that it is past due and still in MRR.
ANALYTICS_CHURN_UNPAID_DAYS = env.int("ANALYTICS_CHURN_UNPAID_DAYS", default=30)
# Prepaid Wi-Fi cards (docs/vouchers.md). A card is found by HMAC-SHA256(VOUCHER_HMAC_KEY, code): set
# it once in production and never change it (every card printed so far would stop being found). Unset,
# it is derived from SECRET_KEY, which then must not change either.
VOUCHER_HMAC_KEY = env.str("VOUCHER_HMAC_KEY", default="") or hashlib.sha256(f"vouchers:{SECRET_KEY}".encode()).hexdigest()
# When card revenue counts (docs/metrics.md, "Prepaid cards"): "sale" (the day the ISP sells the
# cards: a batch issued to a distributor) or "use" (the day each card is first used).
VOUCHER_REVENUE_ON = env.str("VOUCHER_REVENUE_ON", default="sale")
if VOUCHER_REVENUE_ON not in ("sale", "use"):
    raise ImproperlyConfigured("VOUCHER_REVENUE_ON is sale or use.")
# What a card's QR code opens: the hotspot's login page with the code filled in ({code} is replaced).
VOUCHER_LOGIN_URL = env.str("VOUCHER_LOGIN_URL", default="http://login.wifi/login?username={code}&password={code}")
# Sign-up at a Wi-Fi zone (docs/vouchers.md, "Wi-Fi zone sign-up"). Visitors behind one zone share its
# public address, so the per-address limit is higher than the portal's; codes per phone and per device
# (MAC) within OTP_SEND_WINDOW_MINUTES; wrong codes per phone or device before it is locked out for the
# rest of the window.
WIFI_OTP_SENDS_PER_PHONE = env.int("WIFI_OTP_SENDS_PER_PHONE", default=3)
WIFI_OTP_SENDS_PER_MAC = env.int("WIFI_OTP_SENDS_PER_MAC", default=5)
WIFI_OTP_SENDS_PER_IP = env.int("WIFI_OTP_SENDS_PER_IP", default=60)
WIFI_OTP_WRONG_PER_PHONE = env.int("WIFI_OTP_WRONG_PER_PHONE", default=8)
# How long a verified phone may buy or reconnect on one browser without a new code.
WIFI_VERIFIED_MINUTES = env.int("WIFI_VERIFIED_MINUTES", default=30)
# Host names the router's login page may have (the Connect button posts the card's code there), beside
# private and link-local addresses and VOUCHER_LOGIN_URL's host.
WIFI_LOGIN_HOSTS = env.list("WIFI_LOGIN_HOSTS", default=[])
WHATSAPP_CLOUD = {
    "base_url": env.str("WHATSAPP_API_BASE_URL", default="https://graph.facebook.com/v21.0"),
    "token": env.str("WHATSAPP_TOKEN", default=""),
    "phone_number_id": env.str("WHATSAPP_PHONE_NUMBER_ID", default=""),
    "timeout": env.float("WHATSAPP_TIMEOUT", default=10.0),
}

# Online payments through SSLCommerz (payments/sslcommerz.py). Settings → Payment gateways in the staff
# console overrides the store id, password and base URL; these are the defaults until an admin saves it.
# SSLCOMMERZ_SANDBOX turns on the demo's emulator at /sandbox/sslcommerz/ (demo/sslcommerz/; its URLs
# exist only when DEMO is on) and makes it the default gateway.
SSLCOMMERZ_SANDBOX = DEMO and env.bool("SSLCOMMERZ_SANDBOX", default=True)
SSLCOMMERZ_SANDBOX_STORE_ID = env.str("SSLCOMMERZ_SANDBOX_STORE_ID", default="ispbilldemo")
SSLCOMMERZ_SANDBOX_STORE_PASSWORD = env.str("SSLCOMMERZ_SANDBOX_STORE_PASSWORD", default="ispbilldemo@ssl")
SSLCOMMERZ_SANDBOX_FAULTS = env.list("SSLCOMMERZ_SANDBOX_FAULTS", default=[])
SSLCOMMERZ_SANDBOX_IPN_DELAY = env.float("SSLCOMMERZ_SANDBOX_IPN_DELAY", default=5.0)
SSLCOMMERZ_SANDBOX_SESSION_SECONDS = env.int("SSLCOMMERZ_SANDBOX_SESSION_SECONDS", default=3600)
SSLCOMMERZ_STORE_ID = env.str("SSLCOMMERZ_STORE_ID", default=SSLCOMMERZ_SANDBOX_STORE_ID if SSLCOMMERZ_SANDBOX else "")
SSLCOMMERZ_STORE_PASSWORD = env.str(
    "SSLCOMMERZ_STORE_PASSWORD", default=SSLCOMMERZ_SANDBOX_STORE_PASSWORD if SSLCOMMERZ_SANDBOX else ""
)
# Empty: the emulator at SITE_URL when SSLCOMMERZ_SANDBOX is on, else https://sandbox.sslcommerz.com.
SSLCOMMERZ_BASE_URL = env.str("SSLCOMMERZ_BASE_URL", default="")
SSLCOMMERZ_CONNECT_TIMEOUT = env.float("SSLCOMMERZ_CONNECT_TIMEOUT", default=5.0)
SSLCOMMERZ_READ_TIMEOUT = env.float("SSLCOMMERZ_READ_TIMEOUT", default=20.0)
SSLCOMMERZ_RECONCILE_AFTER_MINUTES = env.int("SSLCOMMERZ_RECONCILE_AFTER_MINUTES", default=15)
SSLCOMMERZ_SESSION_EXPIRY_MINUTES = env.int("SSLCOMMERZ_SESSION_EXPIRY_MINUTES", default=120)
# bKash Pay Bill (biller): the endpoints under /pay/bkash/paybill/ that bKash calls when a customer pays
# from the app's Pay Bill menu (payments/paybill.py, docs/payments.md "bKash Pay Bill"). Every request
# is signed with HMAC-SHA256 under the shared secret over its timestamp, path and body, and must come
# from an allowed address; an empty secret or allow-list refuses everything (outside the demo).
BKASH_PAYBILL_SANDBOX = DEMO and env.bool("BKASH_PAYBILL_SANDBOX", default=True)
BKASH_PAYBILL_SECRET = env.str("BKASH_PAYBILL_SECRET", default="ispbill-demo-paybill-secret" if BKASH_PAYBILL_SANDBOX else "")
BKASH_PAYBILL_ALLOWED_IPS = env.list(
    "BKASH_PAYBILL_ALLOWED_IPS", default=["127.0.0.1/32", "::1/128"] if BKASH_PAYBILL_SANDBOX else []
)
BKASH_PAYBILL_MAX_SKEW_SECONDS = env.int("BKASH_PAYBILL_MAX_SKEW_SECONDS", default=300)
BKASH_PAYBILL_MIN_AMOUNT = env.str("BKASH_PAYBILL_MIN_AMOUNT", default="1.00")
BKASH_PAYBILL_MAX_AMOUNT = env.str("BKASH_PAYBILL_MAX_AMOUNT", default="100000.00")
# How many days back a cashier may date a receipt; older dates need payments.backdate_payment (managers)
# and are written to the audit log.
RECEIPT_BACKDATE_DAYS = env.int("RECEIPT_BACKDATE_DAYS", default=31)
# Pay now pressed again for the same choice within this many minutes reuses the open gateway session.
SSLCOMMERZ_SESSION_REUSE_MINUTES = env.int("SSLCOMMERZ_SESSION_REUSE_MINUTES", default=30)
# New gateway sessions one customer may open per hour (reused sessions do not count).
ONLINE_PAYMENT_STARTS_PER_HOUR = env.int("ONLINE_PAYMENT_STARTS_PER_HOUR", default=6)

# bKash Tokenized Checkout, direct (payments/bkash.py, payments/bkash_flow.py). Settings → Payment
# gateways overrides these. BKASH_SANDBOX turns on the demo's emulator at /sandbox/bkash/ (demo/bkash/)
# and points the defaults at it.
BKASH_SANDBOX = DEMO and env.bool("BKASH_SANDBOX", default=True)
BKASH_SANDBOX_APP_KEY = env.str("BKASH_SANDBOX_APP_KEY", default="ispbill-demo-app-key")
BKASH_SANDBOX_APP_SECRET = env.str("BKASH_SANDBOX_APP_SECRET", default="ispbill-demo-app-secret")
BKASH_SANDBOX_USERNAME = env.str("BKASH_SANDBOX_USERNAME", default="ispbilldemo")
BKASH_SANDBOX_PASSWORD = env.str("BKASH_SANDBOX_PASSWORD", default="ispbilldemo@bkash")
# Seconds the emulator holds an execute it completed when the "execute timeout" switch is on.
BKASH_SANDBOX_EXECUTE_DELAY = env.float("BKASH_SANDBOX_EXECUTE_DELAY", default=35.0)
# The fee the emulator's merchant statement shows bKash keeping, in percent of each payment.
BKASH_SANDBOX_FEE_PERCENT = env.float("BKASH_SANDBOX_FEE_PERCENT", default=1.85)
# The commission the Nagad emulator's daily report shows Nagad keeping, in percent of each payment.
NAGAD_SANDBOX_FEE_PERCENT = env.float("NAGAD_SANDBOX_FEE_PERCENT", default=1.5)
# Percent of the emulator's API calls that fail at random (half before the work, half after): benches.
BKASH_SANDBOX_FAIL_PERCENT = env.float("BKASH_SANDBOX_FAIL_PERCENT", default=0.0)
# A refund request whose answer was lost, and of which the gateway still knows nothing after this
# long, is closed as failed (payments/online_refunds.py).
REFUND_LOST_AFTER_MINUTES = env.int("REFUND_LOST_AFTER_MINUTES", default=10)
# Off until an admin turns it on (the demo's seed does, for the emulator).
BKASH_ENABLED = env.bool("BKASH_ENABLED", default=False)
BKASH_APP_KEY = env.str("BKASH_APP_KEY", default=BKASH_SANDBOX_APP_KEY if BKASH_SANDBOX else "")
BKASH_APP_SECRET = env.str("BKASH_APP_SECRET", default=BKASH_SANDBOX_APP_SECRET if BKASH_SANDBOX else "")
BKASH_USERNAME = env.str("BKASH_USERNAME", default=BKASH_SANDBOX_USERNAME if BKASH_SANDBOX else "")
BKASH_PASSWORD = env.str("BKASH_PASSWORD", default=BKASH_SANDBOX_PASSWORD if BKASH_SANDBOX else "")
# Empty: the emulator at SITE_URL when BKASH_SANDBOX is on.
BKASH_BASE_URL = env.str("BKASH_BASE_URL", default="")
BKASH_CONNECT_TIMEOUT = env.float("BKASH_CONNECT_TIMEOUT", default=5.0)
BKASH_READ_TIMEOUT = env.float("BKASH_READ_TIMEOUT", default=30.0)
BKASH_RECONCILE_AFTER_MINUTES = env.int("BKASH_RECONCILE_AFTER_MINUTES", default=10)
BKASH_PAYMENT_EXPIRY_MINUTES = env.int("BKASH_PAYMENT_EXPIRY_MINUTES", default=60)
BKASH_MAX_AGREEMENTS = env.int("BKASH_MAX_AGREEMENTS", default=3)
# The fee until an admin saves the bKash settings: percent, and whether the customer pays it.
BKASH_FEE_PERCENT = Decimal(env.str("BKASH_FEE_PERCENT", default="0"))
BKASH_FEE_PASSED = env.bool("BKASH_FEE_PASSED", default=False)
# Nagad online checkout (payments/nagad.py, payments/nagad_flow.py). Settings → Payment gateways
# overrides these. NAGAD_SANDBOX turns on the demo's emulator at /sandbox/nagad/ (demo/nagad/) and points
# the defaults at it. Keys are bare base64 DER (as Nagad hands them out) or PEM. The demo's two key
# pairs (Nagad's and the demo merchant's) were generated once for the emulator and are public: they
# protect nothing and are used only when NAGAD_SANDBOX is on.
NAGAD_SANDBOX = DEMO and env.bool("NAGAD_SANDBOX", default=True)
_DEMO_NAGAD_PRIVATE_KEY = (
    "MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQDdpAM+cpd4i+s4vwxbHyVLLDLJkEpQyJ9PLvGpYAV43qQu3GeAL34LABd5ov"
    "YRr8QjgrgD0KWnD5Hqg00zhW2G75EoOOZKt39z7GA0iQwquvMFJ5OzsgU0X/WL+AbsBnljRjVCYqcWNU+I2SzK0RpuKFUQ8HaMvb0kwQjV+rEG"
    "CNZQzyrypgjVBPf0lv/UbLb824fK8VnmivIjzYJ2aNCY539zjWJKlR43h4Y/3rnxrStR0vAopHDzGfcsrVnMAiejXUJIea5HCWXbU8WrE+YE2H"
    "KW9gsagc+KbTJgKeWhHxEkZe2W2KuDB47pJrafWPW56rdd8d40nga/9Jafy4lvAgMBAAECggEAHXJD6BELZL2aI7DmMFkD+GfH25Wq+e6dk8SV"
    "4L3cHEHgKEWqDpLAuS9q7wMilBj5AwrD7eXTjE16QmDtadHpSksbyu88UWLtsPYPlgs7LZYm4WFvsykMnfe9xLnQGZ2GlRTn0IkQz9eHWJQZ6l"
    "w7mbUMEDMSXQJ8VZy70sn6qOVWYHQrUlkxSUF4M4QLUMPxi60YgBb85nrXRqIJn45k7JH7y0kmgSrQk54PmxMpIfYdgJxzgOadPkN3qlshylyP"
    "UpctItGJ0NUuem2NmQyEYwPR492SFS2t7aLxuSW/Wp+IhO1hHHyAE2MyWvwoxhjOVZIIlugD5f22cIj6bfHDwQKBgQDvQur7WPMyIhAuEauYft"
    "fyb9/rVk25JCd93KMNN1GimxBEGfkPda7k/YjT4/jxAqszn6U2e+23DwxRHCtJbl6KENVJ6KV46ZFyEivXkbMAPakjSjRBBj4xIxUKN4GSTuwa"
    "Ch12NwP6EgOvX7HN47VZzsgd/qcmcXgQt0DRiqVmYQKBgQDtJYOjOMaT8bTbJUWVWnvL8ROZApr0bDDF4gtfeMap8yuxJ4KSNlOxfvPPwbFilT"
    "y6UD4+4hMDfJj0qQUw3pWZqFUdCc8xCDu6hdrPEA4H7VeQOlaIo3UCp2oNSHTMkAEvIO5KVcHrGfLqf5eNI6ym7tu8idF4owYTuOxeeSNhzwKB"
    "gQDt3eaFuloV1l2ln3WspzaD1YuViXi9/t6wN6F26y9i7KyQOA4vu30ENbdJiVUeLtwL98Sl1TFxFCnXnZy/ZVXiB3g1AXE5M2ShNsWVjEmcjL"
    "DR39zxZIaCDXHGdYaA8auy+6lstKdkf3JgcU/w9FiAj57OizSceKS4Yae0axWjIQKBgCS1tu/wXQUP2IBH/8KD9D/4vKDl/1iw2sf3Gu2Xg6FR"
    "TEUrKZI6qLAER/e0MyJgmbr5qvkPBAR5KDBPbcdH3X6gyTQqjZE4hg50pA+Dm7hsbC6eaUDTlMxpYAhYXARCknxaK6kEJ3WeWbUlNS+bAyIAPb"
    "Gs3+k9yzYIXUaul+SPAoGBAJndmsNEWNJfocds+p5SZSFIHSDcwCI7aJIse74cxxJBfvmj+WnW/7bbEfuy4oyakBNzdCzDam8GF75EDUy1LQg7"
    "lENaph40gX9bkBR2TrtZ1zhoNxiFfT+zKLzgQOsOkNSCGkhbPeee4OxcdOqoV5ePiAEB53OQS1ZaJGE/ck+u"
)
_DEMO_NAGAD_PUBLIC_KEY = (
    "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA3aQDPnKXeIvrOL8MWx8lSywyyZBKUMifTy7xqWAFeN6kLtxngC9+CwAXeaL2Ea/EI4"
    "K4A9Clpw+R6oNNM4Vthu+RKDjmSrd/c+xgNIkMKrrzBSeTs7IFNF/1i/gG7AZ5Y0Y1QmKnFjVPiNksytEabihVEPB2jL29JMEI1fqxBgjWUM8q"
    "8qYI1QT39Jb/1Gy2/NuHyvFZ5oryI82CdmjQmOd/c41iSpUeN4eGP9658a0rUdLwKKRw8xn3LK1ZzAIno11CSHmuRwll21PFqxPmBNhylvYLGo"
    "HPim0yYCnloR8RJGXtltirgweO6Sa2n1j1ueq3XfHeNJ4Gv/SWn8uJbwIDAQAB"
)
_DEMO_MERCHANT_PRIVATE_KEY = (
    "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDI1vA4UNkrtA4/6SVgcD+Nh3RfySHcriAmkQXgVvV7V3s6i7sJFGKHaCAgbQ"
    "OWXo4Iv0rdUoGS7MksKxNkrUvJpuSpsbGGy+lI18mb/X7XYge5hq3iY/7krlZTSJFOI60ylkgar+esFhTZQbWCHC+YMOQb6rklRfjd/V21WjU/"
    "lKrizhj38XDOC2ICqfoXtvAC/6ewijX3LdJ4alhMyuLJWdQ/2Mm0y17aKEfCF1xsDLoRhlSVDWBxG+Vx83g4kFRtMdO6baPZYF23QVqjZE+CuI"
    "fW1BT6qvwc4fk1nCUOmFAE2dXaNisw42b2RwtqykGNXd1Massne7omHRpgxkmtAgMBAAECggEADh5F7r+INLFImyeJkBjz7sAJ5z3dWoUHD478"
    "ScPzJ8ODjx8Je97p+jjQoVbofKaS93xzB9Hn9+sbTTaN+3LPNBK+Wkt6fk5RTOSWcJfGVd+3SUx1Zse+wFadDOe6BzMs1rSHxxB8ibVXq9oZp1"
    "bR5bHyJyA9+afMkdZgwwHfYmOyKgALz9I6GPhP+Vxo73IelHjOig0PXriY6FJDZV9eoSuHbvdzLqXNBy4mcTtITQotT9ASd0CdugKq+YBH69hE"
    "oKKmW64NFSd4hra0BFlDlTzqyrdxKVI0lDfPj3A8R0Ha/ZmcdKcCIr5X28Z3lliwGZzcZXHJUxr2ldlSvHuFxQKBgQDlBIoXmgtHaPsSwN3cn7"
    "7FnEnCM2eDn80zGx6ycZOeSOwq3XKoJwj42YR5yN3cMEmkDLjimhuxH0wfMLsveqjG1OpuhNMkS3fEuRAluRH40gmExEMgrh4uPE+Xlvr+OpVi"
    "U4j0fHCm7k6kT76Rn3Qg9fmzmjf5yLuv8PME7ASkOwKBgQDggILrF2/rF7DY+MKYucInCMefNCRXHIh8MdUG14+7KgMMp/ngiMJcY+3lrgBZCl"
    "X8vG6ho6SO44smNezpNs8h9zqBB8sFoKjhHATvLNIJbFz+F3+t9q17x8RZU4NwURYyWVGnumCBqYVyIF/yYujbSCdtTg42LQBLEMXOrHnzNwKB"
    "gQCx11CU+15+2Zr++R5QUQyHz9HHKLvdjp5+bTTtRR1o8R/UOZrr0UQ6Wk9xcvY2IplM90QrU5jldnRaVDFHsWyW2oghwqtjp+cdsMhFQu4d1p"
    "zlqLKoEg4FwXfdM7U87qlKbawQjwG735raJcLKupQndFuviLanFaYJ/oX48H66OQKBgDmgAvrBG1Mm05f90kVNeQ537HVq9uD9S/NE/z8wWY5b"
    "LEk1XKhLskfwxoGr9h7kzkl/PI506KpcsbzvHo6GKQi44uV30J7zLCYMASA7SvZsQDpgYb+Pj9wz3KxpCVXtGlt2HcWFy3u8vaobsUUQKmEO1j"
    "/yRyeUyXx7I6r3Dp5lAoGAP3xmTiAYeXypRVJSCthdTU+dih/isf6D31Yb5x3Nx82gXdGpfPbg3yWzyR2OTFsG/b1ByFDiJRe1wY3yF2UYxCJA"
    "N7/PUXiMvmVpmL2mF9V6h/dHXiQ8NVYm9sNmpqk3Eid3XpMNHo4ZuXKOHNQN6Oiv2haYtStR8642v67TnEs="
)
_DEMO_MERCHANT_PUBLIC_KEY = (
    "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAyNbwOFDZK7QOP+klYHA/jYd0X8kh3K4gJpEF4Fb1e1d7Oou7CRRih2ggIG0Dll6OCL"
    "9K3VKBkuzJLCsTZK1LyabkqbGxhsvpSNfJm/1+12IHuYat4mP+5K5WU0iRTiOtMpZIGq/nrBYU2UG1ghwvmDDkG+q5JUX43f1dtVo1P5Sq4s4Y"
    "9/FwzgtiAqn6F7bwAv+nsIo19y3SeGpYTMriyVnUP9jJtMte2ihHwhdcbAy6EYZUlQ1gcRvlcfN4OJBUbTHTum2j2WBdt0Fao2RPgriH1tQU+q"
    "r8HOH5NZwlDphQBNnV2jYrMONm9kcLaspBjV3dTGrLJ3u6Jh0aYMZJrQIDAQAB"
)
NAGAD_SANDBOX_MERCHANT_ID = env.str("NAGAD_SANDBOX_MERCHANT_ID", default="683002007104225")
NAGAD_SANDBOX_MERCHANT_NUMBER = env.str("NAGAD_SANDBOX_MERCHANT_NUMBER", default="01711428036")
# The emulator's own keys (its private key decrypts what we send; its public key is the one a merchant
# is given) and the demo merchant's public key (the emulator checks our signatures with it).
NAGAD_SANDBOX_NAGAD_PRIVATE_KEY = _DEMO_NAGAD_PRIVATE_KEY
NAGAD_SANDBOX_NAGAD_PUBLIC_KEY = _DEMO_NAGAD_PUBLIC_KEY
# The demo merchant's own key pair (the private half is what a merchant keeps; here it is public).
NAGAD_SANDBOX_MERCHANT_PRIVATE_KEY = _DEMO_MERCHANT_PRIVATE_KEY
NAGAD_SANDBOX_MERCHANT_PUBLIC_KEY = env.str("NAGAD_SANDBOX_MERCHANT_PUBLIC_KEY", default=_DEMO_MERCHANT_PUBLIC_KEY)
# Seconds the emulator holds its first answer to verify/payment when the "timeout" switch is on.
NAGAD_SANDBOX_VERIFY_DELAY = env.float("NAGAD_SANDBOX_VERIFY_DELAY", default=35.0)
# Tests only: the emulator plays an impostor whose answers are not signed with Nagad's key.
NAGAD_SANDBOX_FORGE_SIGNATURES = False
# Off until an admin turns it on (the demo's seed does, for the emulator).
NAGAD_ENABLED = env.bool("NAGAD_ENABLED", default=False)
NAGAD_MERCHANT_ID = env.str("NAGAD_MERCHANT_ID", default=NAGAD_SANDBOX_MERCHANT_ID if NAGAD_SANDBOX else "")
NAGAD_MERCHANT_NUMBER = env.str("NAGAD_MERCHANT_NUMBER", default=NAGAD_SANDBOX_MERCHANT_NUMBER if NAGAD_SANDBOX else "")
NAGAD_MERCHANT_PRIVATE_KEY = env.str("NAGAD_MERCHANT_PRIVATE_KEY", default=NAGAD_SANDBOX_MERCHANT_PRIVATE_KEY if NAGAD_SANDBOX else "")
NAGAD_PUBLIC_KEY = env.str("NAGAD_PUBLIC_KEY", default=_DEMO_NAGAD_PUBLIC_KEY if NAGAD_SANDBOX else "")
# …/api/dfs of Nagad (live https://api.mynagad.com/api/dfs); empty: the emulator at SITE_URL when NAGAD_SANDBOX is on.
NAGAD_BASE_URL = env.str("NAGAD_BASE_URL", default="")
NAGAD_CONNECT_TIMEOUT = env.float("NAGAD_CONNECT_TIMEOUT", default=5.0)
NAGAD_READ_TIMEOUT = env.float("NAGAD_READ_TIMEOUT", default=30.0)
NAGAD_RECONCILE_AFTER_MINUTES = env.int("NAGAD_RECONCILE_AFTER_MINUTES", default=10)
NAGAD_PAYMENT_EXPIRY_MINUTES = env.int("NAGAD_PAYMENT_EXPIRY_MINUTES", default=60)
# The fee until an admin saves the Nagad settings: percent, and whether the customer pays it.
NAGAD_FEE_PERCENT = Decimal(env.str("NAGAD_FEE_PERCENT", default="0"))
NAGAD_FEE_PASSED = env.bool("NAGAD_FEE_PASSED", default=False)
# Auto-pay (usecases/autopay.py): charge the primary saved wallet this many days before an invoice's
# due date, tell the customer AUTOPAY_NOTICE_DAYS before that, and after a failure try again after
# each of AUTOPAY_RETRY_DAYS days (then stop and tell the customer).
AUTOPAY_DAYS_BEFORE = env.int("AUTOPAY_DAYS_BEFORE", default=3)
AUTOPAY_NOTICE_DAYS = env.int("AUTOPAY_NOTICE_DAYS", default=2)
AUTOPAY_RETRY_DAYS = [int(d) for d in env.list("AUTOPAY_RETRY_DAYS", default=["1", "2"])]
# A charge claimed longer ago than this and not finished is taken over (after asking bKash) by the next run.
AUTOPAY_CLAIM_STALE_MINUTES = env.int("AUTOPAY_CLAIM_STALE_MINUTES", default=10)
# A run claims, charges and records AUTOPAY_CHUNK attempts at a time, with AUTOPAY_GATEWAY_THREADS of
# bKash's calls in flight at once (kept-alive connections); at most AUTOPAY_RUN_LIMIT attempts a run.
AUTOPAY_CHUNK = env.int("AUTOPAY_CHUNK", default=500)
AUTOPAY_GATEWAY_THREADS = env.int("AUTOPAY_GATEWAY_THREADS", default=16)
AUTOPAY_RUN_LIMIT = env.int("AUTOPAY_RUN_LIMIT", default=200_000)

# The one logging configuration of every process: Celery keeps its hands off the root logger
# (CELERY_WORKER_HIJACK_ROOT_LOGGER) and each record is written once, by the root's handler, with
# its time in UTC. Django's own "django" logger would print a second copy of every request error
# in DEBUG (its default console handler, then the root's), so it only propagates here.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"()": "ispbill.core.logging.UTCFormatter", "format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "filters": {
        "first_time_only": {"()": "ispbill.core.logging.FirstTimeOnly"},
        "database_down_without_traceback": {"()": "ispbill.core.logging.DatabaseDownWithoutTraceback"},
        "quiet_requests": {
            "()": "ispbill.core.logging.QuietRequests",
            "prefixes": [
                STATIC_URL, "/favicon.ico",
                # The demo's payment gateway emulators (demo/): the worker's server-to-server calls (a payment's
                # status, a refund's) every few minutes. Their pages a visitor opens are still logged.
                *(["/sandbox/sslcommerz/gwprocess/v4/api.php", "/sandbox/sslcommerz/validator/", "/sandbox/bkash/v1.2.0-beta/",
                   "/sandbox/nagad/api/"] if DEMO else []),
            ],
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        # A 503 while PostgreSQL is down is logged once, as one line, by ispbill/core/errors.py.
        "django.request": {"level": "INFO", "filters": ["database_down_without_traceback"]},
        # runserver's request lines (the demo's web process), without the static files a page brings.
        "django.server": {"handlers": [], "level": "INFO", "propagate": True, "filters": ["quiet_requests"]},
        # WeasyPrint and fontTools narrate every PDF step at INFO; WeasyPrint repeats a warning about a
        # missing library for every font of every PDF: once per process is enough.
        **{name: {"level": "WARNING"} for name in ("axes", "fontTools")},
        "weasyprint": {"level": "WARNING", "filters": ["first_time_only"]},
        # The worker's "task received / succeeded" lines (two per task run; `make run` keeps them out of
        # the way of the logins it prints: Procfile.dev).
        **{name: {"level": env.str("CELERY_TASK_LOG_LEVEL", default="INFO")} for name in ("celery.worker.strategy", "celery.app.trace")},
    },
}
if DEMO:
    # The console message backend's lines are the demo's phone and mailbox (a sign-in code, a receipt):
    # printed even where a process logs warnings only (`make run`'s worker: Procfile.dev).
    LOGGING["loggers"]["ispbill.notify"] = {"level": "INFO"}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# LOG_FORMAT=json: one JSON object per line (python-json-logger), same fields and UTC times.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
if LOG_FORMAT == "json":
    LOGGING["formatters"]["json"] = {
        "()": "ispbill.core.logging.UTCJsonFormatter",
        "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
    }
    LOGGING["handlers"]["console"]["formatter"] = "json"

# The job log (ispbill/core/jobs.py, docs/operations.md) and the Prometheus endpoint.
JOBS_LOG_RETENTION_DAYS = env.int("JOBS_LOG_RETENTION_DAYS", default=90)
JOBS_LOG_FREQUENT_RETENTION_DAYS = env.int("JOBS_LOG_FREQUENT_RETENTION_DAYS", default=7)
JOBS_LOST_AFTER_HOURS = env.int("JOBS_LOST_AFTER_HOURS", default=6)
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")

# Field service (fieldservice/): an installation order for every new subscription; the target time
# from order to completed installation (reports); the largest photo the technician app may upload.
FIELDSERVICE_AUTO_INSTALLATION_ORDERS = env.bool("FIELDSERVICE_AUTO_INSTALLATION_ORDERS", default=True)
FIELDSERVICE_INSTALL_TARGET_HOURS = env.int("FIELDSERVICE_INSTALL_TARGET_HOURS", default=72)
FIELDSERVICE_PHOTO_MAX_BYTES = env.int("FIELDSERVICE_PHOTO_MAX_BYTES", default=2 * 1024 * 1024)
# The dispatch board's map (Leaflet): the tile server's URL template and its attribution. The tile
# server's origin is added to the CSP's img-src. Default: OpenStreetMap's standard tiles.
MAP_TILE_URL = env.str("MAP_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_ATTRIBUTION = env.str("MAP_ATTRIBUTION", default="© OpenStreetMap contributors")
_map_origin = "/".join(MAP_TILE_URL.split("/")[:3]).replace("{s}", "*")
if _map_origin.startswith(("https://", "http://")):
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(_map_origin)
# Gemini (churn/gemini.py, optional): drafts a retention call script and SMS. The key is an admin
# setting (Settings → Gemini, stored encrypted); GEMINI_API_KEY is the fallback when none is saved.
# Timeout in milliseconds for one request, and how many attempts (retries on 408, 429, 5xx, timeouts).
GEMINI_API_KEY = env.str("GEMINI_API_KEY", default="")
GEMINI_TIMEOUT_MS = env.int("GEMINI_TIMEOUT_MS", default=10_000)
GEMINI_ATTEMPTS = env.int("GEMINI_ATTEMPTS", default=2)
# Tests only: an httpx2 transport (httpx2.MockTransport) the adapter hands to google-genai, so requests
# reach a test double at the HTTP boundary instead of the network. Never set in production.
GEMINI_HTTP_TRANSPORT = None

# The books (docs/accounts.md, "Expenses and purchases"): a supplier's bill whose total (VAT included)
# is above this many taka waits for a second person with the approval permission before it is posted
# (books/services.py bill_create reads it). 0: every bill needs a second person.
BOOKS_BILL_APPROVAL_LIMIT = Decimal(env.str("BOOKS_BILL_APPROVAL_LIMIT", default="50000"))
