"""Settings for the JKP case system, read from the environment.

Unset, everything falls back to the embedded default: a SQLite file in var/, Celery tasks
run inline, e-mail printed to the console, DEBUG on and generated development keys.
Production sets DATABASE_URL, REDIS_URL, SECRET_KEY, FIELD_ENCRYPTION_KEY, BLIND_INDEX_KEY,
ALLOWED_HOSTS and DEBUG=false (see README).
"""

import base64
import binascii
from pathlib import Path
from typing import Any

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from jkp_site.localsecrets import load_or_create

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("JKP_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

DEBUG = env.bool("DEBUG", default=not env.str("SECRET_KEY", default=""))
DATA_KEYS = ("FIELD_ENCRYPTION_KEY", "BLIND_INDEX_KEY")


def _data_key(name: str, value: str) -> str:
    """A data key is urlsafe base64 of 32 bytes; anything else stops the start."""
    try:
        ok = len(base64.urlsafe_b64decode(value.encode())) == 32
    except (ValueError, binascii.Error):
        ok = False
    if not ok:
        raise ImproperlyConfigured(f"{name} must be urlsafe base64 of 32 random bytes.")
    return value


if DEBUG:
    # The embedded default: development keys generated once into var/ (never in production).
    _dev = load_or_create(VAR_DIR / "dev-secrets.json")
    SECRET_KEY = env.str("SECRET_KEY", default=_dev["SECRET_KEY"])
    FIELD_ENCRYPTION_KEY = env.str("FIELD_ENCRYPTION_KEY", default=_dev["FIELD_ENCRYPTION_KEY"])
    BLIND_INDEX_KEY = env.str("BLIND_INDEX_KEY", default=_dev["BLIND_INDEX_KEY"])
else:
    # Fail closed: with DEBUG off every key comes from the environment, or the site does not
    # start. A generated key would silently make the stored NIKs unreadable after a restart.
    _missing = [name for name in ("SECRET_KEY", *DATA_KEYS) if not env.str(name, default="")]
    if _missing:
        raise ImproperlyConfigured(
            "DEBUG is off, so these settings must come from the environment: " + ", ".join(_missing)
        )
    SECRET_KEY = env.str("SECRET_KEY")
    FIELD_ENCRYPTION_KEY = env.str("FIELD_ENCRYPTION_KEY")
    BLIND_INDEX_KEY = env.str("BLIND_INDEX_KEY")
_data_key("FIELD_ENCRYPTION_KEY", FIELD_ENCRYPTION_KEY)
_data_key("BLIND_INDEX_KEY", BLIND_INDEX_KEY)

# The admin's history pages show past versions; nothing is reverted there (services only).
SIMPLE_HISTORY_REVERT_DISABLED = True

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Ground, then the domain from the bottom up, then the faces (see README, "Layout").
    "jkp_site.core",
    "jkp_site.outbox",
    "participants",
    "claims",
    "training",
    "benefits",
    "reports",
    "imports",
    "portal",
    "api",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "jkp_site.core.net.ClientIPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "jkp_site.core.locale.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "jkp_site.core.session_policy.SessionPolicyMiddleware",
    "jkp_site.core.twofactor.StaffSecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "jkp_site.urls"
WSGI_APPLICATION = "jkp_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jkp_site.core.context_processors.roles",
                "jkp_site.core.context_processors.degraded",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# DATABASE_URL=postgres://user:pass@host:5432/jkp in production; a SQLite file otherwise.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'jkp.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False  # services own their transactions
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)

# A staff page reads a claim joined to a handful of tables (its worker, termination, employer,
# office...). PostgreSQL's exhaustive search of their join orders cost more than running the
# query (the queue page's rows: 4.0 ms to plan, 0.6 ms to run); it reorders joins within
# groups of PG_JOIN_COLLAPSE_LIMIT (PostgreSQL's default is 8): 1.2 ms to plan. README:
# "PostgreSQL settings".
PG_JOIN_COLLAPSE_LIMIT = env.int("PG_JOIN_COLLAPSE_LIMIT", default=4)


def _postgresql_options(config: dict) -> None:
    if config["ENGINE"] == "django.db.backends.postgresql":
        options = config.setdefault("OPTIONS", {})
        given = options.get("options", "")
        options["options"] = f"{given} -c join_collapse_limit={PG_JOIN_COLLAPSE_LIMIT}".strip()


_postgresql_options(DATABASES["default"])

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

# --- Authentication -------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "jkp_site.core.throttle.SprayGuardBackend",
    "jkp_site.core.backends.PermissionBackend",
    # Workers sign in to the portal with their KPJ number whatever their user name.
    "portal.backends.KpjBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Failed logins: five tries per user name, from whatever addresses, then an hour's cool-off
# (the per-address limit on user names tried is LOGIN_SPRAY_LIMIT, below).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True

# --- Internationalisation: Indonesian first, English available ------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True
# Named date formats per kind (jkp_site/formats): templates ask for a kind, never a pattern.
FORMAT_MODULE_PATH = ["jkp_site.formats"]

# --- Static files and uploads ---------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploaded documents hold personal data: kept outside static/, never served by URL,
# only through the authorised download views.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media-not-served/"
DOCUMENT_MAX_BYTES = env.int("DOCUMENT_MAX_BYTES", default=5 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Celery (Redis broker). No REDIS_URL: every task runs inline. ----------------------------
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
# Publishing must fail fast when Redis is down: the outbox keeps the message and retries.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# The visibility timeout outlasts the longest task (its hard time limit): a message is given to a
# second worker only when the first has surely died, and the sweepers resume stale jobs sooner.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    "visibility_timeout": CELERY_TASK_TIME_LIMIT + 5 * 60,
}
CELERY_BEAT_SCHEDULE: dict = {}
# A job (import, payment batch) silent this long has lost its worker: the sweepers resume it.
JOB_STALE_MINUTES = env.int("JOB_STALE_MINUTES", default=10)
# Instalments claimed per transaction by the payment gathering (a few statements per chunk).
PAYMENT_GATHER_CHUNK = env.int("PAYMENT_GATHER_CHUNK", default=5000)
CELERY_BEAT_SCHEDULE["resume-stale-imports"] = {
    "task": "imports.tasks.resume_stale_imports_task",
    "schedule": 300.0,
}
CELERY_BEAT_SCHEDULE["resume-stale-report-jobs"] = {
    "task": "reports.tasks.resume_stale_report_jobs_task",
    "schedule": 300.0,
}
CELERY_BEAT_SCHEDULE["resume-stale-payment-batches"] = {
    "task": "benefits.tasks.resume_stale_payment_batches_task",
    "schedule": 300.0,
}
CELERY_BEAT_SCHEDULE["resume-stale-reassessment-jobs"] = {
    "task": "claims.tasks.resume_stale_reassessment_jobs_task",
    "schedule": 300.0,
}
CELERY_BEAT_SCHEDULE["retry-notifications"] = {
    "task": "claims.tasks.retry_notifications_task",
    "schedule": 120.0,
}
CELERY_BEAT_SCHEDULE["relay-outbox"] = {
    "task": "jkp_site.outbox.tasks.relay_outbox_task",
    "schedule": 60.0,
}
# The contribution table's monthly partitions (PostgreSQL): months found in DEFAULT get their own.
CELERY_BEAT_SCHEDULE["ensure-contribution-partitions"] = {
    "task": "participants.tasks.ensure_contribution_partitions_task",
    "schedule": crontab(hour=1, minute=30),
}
# Benefits (benefits.conditions, benefits.payments): judge the months every morning, pay on the 1st.
CELERY_BEAT_SCHEDULE["evaluate-due-instalments"] = {
    "task": "benefits.tasks.evaluate_due_instalments_task",
    "schedule": crontab(hour=5, minute=0),
}
CELERY_BEAT_SCHEDULE["monthly-payment-batch"] = {
    "task": "benefits.tasks.run_payment_batch_task",
    "schedule": crontab(day_of_month=1, hour=6, minute=0),
}
# The dashboard and the monthly report read kept figures (reports.models): the months that can
# still change are recomputed from the events this often.
MONTHLY_FIGURES_REFRESH_SECONDS = env.int("MONTHLY_FIGURES_REFRESH_SECONDS", default=600)
CELERY_BEAT_SCHEDULE["refresh-monthly-figures"] = {
    "task": "reports.tasks.refresh_monthly_figures_task",
    "schedule": float(MONTHLY_FIGURES_REFRESH_SECONDS),
}
# Retention (UU PDP 27/2022): imported files (plain NIKs) and the documents of closed cases.
IMPORT_FILE_RETENTION_DAYS = env.int("IMPORT_FILE_RETENTION_DAYS", default=30)
# The largest contribution file an upload takes (a national monthly file is ~500 MB).
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=1024 * 1024 * 1024)
DOCUMENT_RETENTION_DAYS = env.int("DOCUMENT_RETENTION_DAYS", default=5 * 365)
CELERY_BEAT_SCHEDULE["remove-expired-import-files"] = {
    "task": "imports.tasks.remove_expired_import_files_task",
    "schedule": crontab(hour=2, minute=0),
}
CELERY_BEAT_SCHEDULE["remove-expired-documents"] = {
    "task": "claims.tasks.remove_expired_documents_task",
    "schedule": crontab(hour=2, minute=30),
}

CACHES = {
    "default": (
        {
            # Django's Redis cache that answers a miss instead of a 500 when Redis is down.
            "BACKEND": "jkp_site.core.resilience.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- REST API (api) ----------------------------------------------------------------
# Integrating systems authenticate with a bearer token each; there are no API sessions, so
# neither session authentication nor the browsable (cookie-based) renderer is enabled.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.IntegrationTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.api_exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "JKP case system API",
    "DESCRIPTION": "Integration API for BPJS Ketenagakerjaan, Kemnaker and employer systems.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
# With the file-based backend (development, the recovery tests) each e-mail is a file here.
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="JKP <noreply@jkp.invalid>")
# The public address of the site, for links in e-mails (read outside any request).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# Text messages (jkp_site.core.sms): the console in development; none until a gateway is
# named in production, and then the portal offers a phone number beside the e-mail address.
SMS_BACKEND = env.str("SMS_BACKEND", default="jkp_site.core.sms.ConsoleBackend" if DEBUG else "")

# --- Security -------------------------------------------------------------------------------
# No page loads anything from another origin: every asset is vendored under static/.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SILENCED_SYSTEM_CHECKS: list[str] = []

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_nik": {"()": "jkp_site.core.logs.RedactNIK"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_nik"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # The development server's request lines go through the same redacting handler.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "axes": {"level": "WARNING"},
        "celery": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Identity and sessions (ASVS L2) ---
# Staff (every branch role and superusers) sign in with a second factor: a TOTP app
# (django-otp) with ten single-use recovery codes. Always on in production; off by default in
# the demo (DEBUG), where STAFF_OTP_REQUIRED=true turns it on.
STAFF_OTP_REQUIRED = env.bool("STAFF_OTP_REQUIRED", default=not DEBUG)
OTP_TOTP_ISSUER = "JKP BPJS Ketenagakerjaan"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Sessions (jkp_site.core.session_policy): idle and absolute limits, staff and workers apart.
STAFF_SESSION_IDLE_MINUTES = env.int("STAFF_SESSION_IDLE_MINUTES", default=30)
STAFF_SESSION_MAX_HOURS = env.int("STAFF_SESSION_MAX_HOURS", default=12)
WORKER_SESSION_IDLE_MINUTES = env.int("WORKER_SESSION_IDLE_MINUTES", default=15)
WORKER_SESSION_MAX_HOURS = env.int("WORKER_SESSION_MAX_HOURS", default=8)
SESSION_COOKIE_AGE = max(STAFF_SESSION_MAX_HOURS, WORKER_SESSION_MAX_HOURS) * 3600
# Password reset links (Django's signed token): single use, valid this many seconds.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=60 * 60)
# The client address (jkp_site.core.net.client_ip): the Nth address from the right of
# X-Forwarded-For behind N trusted proxies; REMOTE_ADDR with 0.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "jkp_site.core.net.client_ip"
REST_FRAMEWORK["NUM_PROXIES"] = TRUSTED_PROXY_COUNT
# axes.W006 asks for the address among axes' lockout parameters. Locking by address would let
# one person's typos lock a whole branch office behind one address; the per-address limit is
# the spraying guard below instead (distinct user names per address).
SILENCED_SYSTEM_CHECKS = [*globals().get("SILENCED_SYSTEM_CHECKS", []), "axes.W006"]
# Password spraying (jkp_site.core.throttle): this many distinct user names failing from one
# address within the window block that address for the window.
LOGIN_SPRAY_LIMIT = env.int("LOGIN_SPRAY_LIMIT", default=20)
LOGIN_SPRAY_WINDOW_MINUTES = env.int("LOGIN_SPRAY_WINDOW_MINUTES", default=15)
# Portal activation (portal.throttle): failures per address in the window, and short locks
# per (NIK, address) that double from the threshold on.
PORTAL_ACTIVATION_LIMIT = env.int("PORTAL_ACTIVATION_LIMIT", default=5)
PORTAL_ACTIVATION_WINDOW = env.int("PORTAL_ACTIVATION_WINDOW", default=60 * 60)
PORTAL_ACTIVATION_PAIR_THRESHOLD = env.int("PORTAL_ACTIVATION_PAIR_THRESHOLD", default=3)
PORTAL_ACTIVATION_PAIR_LOCK = env.int("PORTAL_ACTIVATION_PAIR_LOCK", default=60)
PORTAL_ACTIVATION_PAIR_MAX_LOCK = env.int("PORTAL_ACTIVATION_PAIR_MAX_LOCK", default=60 * 60)
# Every log line carries the client address (added to the filters and handler above).
_filters = LOGGING["filters"]
_handlers = LOGGING["handlers"]
if isinstance(_filters, dict) and isinstance(_handlers, dict):
    _filters["client_ip"] = {"()": "jkp_site.core.net.ClientIPLogFilter"}
    _console = _handlers["console"]
    _console["filters"] = [*_console.get("filters", []), "client_ip"]
    _console["formatter"] = "default"
LOGGING["formatters"] = {
    "default": {"format": "%(asctime)s %(levelname)s %(name)s [%(client_ip)s] %(message)s"}
}

# === Operations (issue 15): queues, logs, metrics, errors, storage, replica, key ring ======
# Each block below only adds to the ones above; deploy/ and the README's runbook use them.

# --- Celery queues --------------------------------------------------------------------------
# Money and bulk imports never wait behind e-mails: each has a queue of its own, and production
# runs a worker per queue (deploy/entrypoint.sh worker payments, ... imports, ...
# notifications,default). Every task of the project is routed by name (tests/ops checks it).
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "benefits.tasks.evaluate_due_instalments_task": {"queue": "payments"},
    "benefits.tasks.run_payment_batch_task": {"queue": "payments"},
    "benefits.tasks.resume_stale_payment_batches_task": {"queue": "payments"},
    "imports.tasks.run_import_job_task": {"queue": "imports"},
    "participants.tasks.ensure_contribution_partitions_task": {"queue": "imports"},
    "imports.tasks.resume_stale_imports_task": {"queue": "imports"},
    "imports.tasks.remove_expired_import_files_task": {"queue": "imports"},
    "claims.tasks.notify_case_event_task": {"queue": "notifications"},
    "claims.tasks.retry_notifications_task": {"queue": "notifications"},
    "jkp_site.core.tasks.send_password_reset_task": {"queue": "notifications"},
    "portal.tasks.send_phone_code_task": {"queue": "notifications"},
    "claims.tasks.remove_expired_documents_task": {"queue": "default"},
    "claims.tasks.reassess_claim_task": {"queue": "default"},
    "claims.tasks.run_reassessment_job_task": {"queue": "default"},
    "claims.tasks.resume_stale_reassessment_jobs_task": {"queue": "default"},
    "reports.tasks.run_report_job_task": {"queue": "default"},
    "reports.tasks.resume_stale_report_jobs_task": {"queue": "default"},
    "reports.tasks.refresh_monthly_figures_task": {"queue": "default"},
    "jkp_site.outbox.tasks.relay_outbox_task": {"queue": "default"},
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # the worker logs through LOGGING below (JSON)
CELERY_WORKER_SEND_TASK_EVENTS = False
CELERY_TASK_SEND_SENT_EVENT = False

# --- Static files at release ---------------------------------------------------------------
# STATIC_ROOT from the environment (the image keeps it in /app/staticfiles). Source maps
# (several MB of the API docs' bundles, fetched only by a browser's developer tools) are not
# compressed: brotli on them was most of collectstatic's time at each release.
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(STATIC_ROOT)))
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (
    *("jpg", "jpeg", "png", "gif", "webp", "zip", "gz", "tgz", "bz2", "tbz", "xz", "br"),
    *("swf", "flv", "woff", "woff2", "3gp", "3gpp", "asf", "avi", "m4v", "mov", "mp4"),
    *("mpeg", "mpg", "webm", "wmv", "map"),
)

# --- Structured logs ------------------------------------------------------------------------
# LOG_FORMAT=json (the default with DEBUG off): one JSON object a line with the request id,
# actor, branch and client address (jkp_site.core.jsonlog); "text" for a terminal. The
# RedactNIK filter stays on every handler.
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
MIDDLEWARE.insert(0, "jkp_site.core.requestid.RequestIdMiddleware")
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "jkp_site.core.requestid.ActorMiddleware",
)
_log_filters, _log_formatters = LOGGING["filters"], LOGGING["formatters"]
if isinstance(_log_filters, dict) and isinstance(_log_formatters, dict):
    _log_filters["log_context"] = {"()": "jkp_site.core.requestid.LogContextFilter"}
    _log_formatters["json"] = {"()": "jkp_site.core.jsonlog.JsonFormatter"}
    _log_formatters["default"] = {
        "format": "%(asctime)s %(levelname)s %(name)s [%(client_ip)s %(request_id)s %(actor)s "
        "%(branch)s] %(message)s"
    }
if isinstance(_handlers, dict):
    for _handler in _handlers.values():
        _handler["filters"] = [*_handler.get("filters", []), "log_context"]
        _handler["formatter"] = "json" if LOG_FORMAT == "json" else "default"

# --- Metrics (Prometheus) -------------------------------------------------------------------
# GET /metrics (jkp_site.metrics): refused (404) unless the scraper sends
# "Authorization: Bearer $METRICS_TOKEN" or comes from METRICS_ALLOWED_NETWORKS (CIDRs,
# comma-separated; the address as jkp_site.core.net.client_ip sees it). Neither set: refused.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=[])

# --- Error tracking (Sentry) ----------------------------------------------------------------
# Only with SENTRY_DSN set. No personal data: send_default_pii off, and every event passes
# jkp_site.core.errors.before_send (NIK-like digit runs redacted, request bodies and cookies
# dropped).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk

    from jkp_site.core.errors import before_send

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        release=env.str("SENTRY_RELEASE", default="") or None,
        send_default_pii=False,
        max_request_body_size="never",
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        before_send=before_send,
    )

# --- Shared document store ------------------------------------------------------------------
# With AWS_STORAGE_BUCKET_NAME set, documents, import files and report files live on an
# S3-compatible store (django-storages) that every web and worker node shares; otherwise on
# MEDIA_ROOT (one node). Objects stay private: downloads are streamed through the authorised
# views, never linked.
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    _s3_storage: Any = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
            "location": env.str("AWS_LOCATION", default=""),
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 60,
            "file_overwrite": False,
            "object_parameters": {"ServerSideEncryption": "AES256"}
            if env.bool("AWS_S3_SERVER_SIDE_ENCRYPTION", default=True)
            else {},
        },
    }
    STORAGES["default"] = _s3_storage

# --- Read replica ---------------------------------------------------------------------------
# DATABASE_REPLICA_URL adds the "replica" database. Reads go there only inside an explicit
# jkp_site.db_router.reading_replica() (the dashboard, the monthly report, the API feeds):
# never a write, never a read that must see the caller's own write.
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
READ_REPLICA_ALIAS = "replica" if DATABASE_REPLICA_URL else ""
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = env.db_url_config(DATABASE_REPLICA_URL)
    DATABASES["replica"]["ATOMIC_REQUESTS"] = False
    DATABASES["replica"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    _postgresql_options(DATABASES["replica"])
DATABASE_ROUTERS = ["jkp_site.db_router.ReplicaRouter"]

# --- Data key rotation ----------------------------------------------------------------------
# FIELD_ENCRYPTION_OLD_KEYS: retired encryption keys, comma-separated, still accepted for
# reading while `manage.py rotate_data_keys` re-encrypts every value with FIELD_ENCRYPTION_KEY.
# Each must be a valid key (a malformed one stops the start, like the keys above).
FIELD_ENCRYPTION_OLD_KEYS = [
    _data_key("FIELD_ENCRYPTION_OLD_KEYS", key)
    for key in env.list("FIELD_ENCRYPTION_OLD_KEYS", default=[])
]
