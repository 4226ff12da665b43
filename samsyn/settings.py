"""samsyn settings: everything that varies between machines comes from the environment.

See docs/operations.md for the full list of variables.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from samsyn.lib.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("SAMSYN_DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY") or ""
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY (or SECRET_KEY_FILE) must be set when SAMSYN_DEBUG is off."
        )
    SECRET_KEY = "insecure-development-key-only-for-debug-and-tests-0123456789"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "samsyn.organisations",
    "samsyn.audit",
    "samsyn.consent",
    "samsyn.cases",
    "samsyn.assessments",
    "samsyn.plans",
    "samsyn.meetings",
    "samsyn.reminders",
    "samsyn.portal",
    "samsyn.followup",
    "samsyn.api",
    "samsyn.retention",
    "samsyn.rectification",
    "samsyn.dataprotection",
    "samsyn.webhooks",
    "samsyn.imports",
    "django_tasks",
    "django_tasks_db",
    "samsyn.accounts",
    "samsyn.core",
]

MIDDLEWARE = [
    "samsyn.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "samsyn.accounts.middleware.SecondFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "samsyn.core.middleware.ConsentRaceMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so that a lockout answers before any view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "samsyn.urls"
WSGI_APPLICATION = "samsyn.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "samsyn" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "samsyn.core.context_processors.navigation",
            ],
        },
    }
]

# Database: embedded SQLite (WAL) unless DATABASE_URL says otherwise.
_database_url = env_str("DATABASE_URL")
if _database_url:
    # Connections are kept for a minute, and checked before a request reuses one: after the
    # database restarts, a kept connection is dead, and without the check each worker's next
    # request failed with a 500 although the database was back (make load, issue 11).
    DATABASES = {
        "default": dj_database_url.parse(_database_url, conn_max_age=60, conn_health_checks=True)
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH") or str(BASE_DIR / "var" / "samsyn.sqlite3"),
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "organisations.Person"
AUTHENTICATION_BACKENDS = [
    # axes first: it refuses locked-out credentials before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "samsyn.accounts.backends.UsernameOrEmailBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:start"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions live in the database (stateless app servers) and expire after inactivity.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_TIMEOUT_MINUTES = env_int("SAMSYN_SESSION_TIMEOUT_MINUTES", 30, minimum=1)
SESSION_COOKIE_AGE = SESSION_TIMEOUT_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True  # sliding window: the timeout counts from the last request
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_NAME = "samsyn_session"
# The youth and guardian portal (docs/decisions.md): a portal session lasts at most this many
# hours from the last request; after PORTAL_PIN_IDLE_MINUTES without a request it is locked
# until the PIN is given; PORTAL_PIN_ATTEMPTS wrong PINs end it. Invitations expire quickly.
PORTAL_SESSION_HOURS = env_int("SAMSYN_PORTAL_SESSION_HOURS", 8, minimum=1)
PORTAL_PIN_IDLE_MINUTES = env_int("SAMSYN_PORTAL_PIN_IDLE_MINUTES", 10, minimum=1)
PORTAL_PIN_ATTEMPTS = 5
PORTAL_INVITATION_HOURS = env_int("SAMSYN_PORTAL_INVITATION_HOURS", 72, minimum=1)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "samsyn.core.views.csrf_failure"

# Second factor (django-otp).
OTP_TOTP_ISSUER = env_str("SAMSYN_OTP_ISSUER", "samsyn")
OTP_TOTP_THROTTLE_FACTOR = 1
RECOVERY_CODE_COUNT = 10

# Login throttling (django-axes): five wrong passwords lock the account for a while.
AXES_FAILURE_LIMIT = env_int("SAMSYN_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("SAMSYN_LOGIN_COOLOFF_MINUTES", 15, minimum=1))
# Locked per account, whatever the address: a municipal office shares one NAT address, and
# locking it would stop every colleague after one person's typos (docs/decisions.md).
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env_int("SAMSYN_PROXY_COUNT", 0, minimum=0) or None

# Internationalisation: Swedish first, English second.
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "samsyn" / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Stockholm"
LANGUAGE_COOKIE_NAME = "samsyn_language"
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# Uploaded scans of signed consents: never served as static files; read through the app.
MEDIA_ROOT = Path(env_str("SAMSYN_MEDIA_ROOT") or str(BASE_DIR / "var" / "media"))
MEDIA_URL = "/media-not-served/"
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "samsyn" / "static"]
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
WHITENOISE_USE_FINDERS = DEBUG

# Security headers.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("SAMSYN_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("SAMSYN_BEHIND_TLS_PROXY", False) else None
)
SECURE_HSTS_SECONDS = env_int("SAMSYN_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SAMSYN_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SAMSYN_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# Structured logs: one JSON object per line, never personal data (ids and codes only).
LOG_LEVEL = env_str("SAMSYN_LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "samsyn.lib.logging.RequestIdFilter"}},
    "formatters": {"json": {"()": "samsyn.lib.logging.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Audit: records older than this are sealed into hash blocks (see docs/decisions.md).
AUDIT_SEAL_GRACE_SECONDS = env_int("SAMSYN_AUDIT_SEAL_GRACE_SECONDS", 300, minimum=0)
AUDIT_SEAL_BLOCK_SIZE = env_int("SAMSYN_AUDIT_SEAL_BLOCK_SIZE", 1000, minimum=1)

# Background work (reminders): django-tasks with the database backend; `manage.py db_worker`
# runs the queue. No extra server is needed.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# The address people reach samsyn at, for links in e-mail ("https://samsyn.kommun.se").
SAMSYN_BASE_URL = (env_str("SAMSYN_BASE_URL") or "").rstrip("/")

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "samsyn@localhost")

# Aggregate reports hide counts from 1 to this minus one ("<5") and enough others that the
# hidden ones cannot be worked out (samsyn.lib.suppression).
SAMSYN_SUPPRESSION_THRESHOLD = env_int("SAMSYN_SUPPRESSION_THRESHOLD", 5, minimum=2)

# Follow-up reports over areas with at least this many cases run in the background, with a
# progress page (samsyn.followup.jobs); smaller ones in the request. Both are stored until the
# data changes. The runner: "thread" (a thread of the web process) or "task" (django-tasks,
# for `manage.py db_worker`).
SAMSYN_REPORT_BACKGROUND_FROM = env_int("SAMSYN_REPORT_BACKGROUND_FROM", 2000, minimum=0)
SAMSYN_REPORT_RUNNER = env_str("SAMSYN_REPORT_RUNNER", "thread")
if SAMSYN_REPORT_RUNNER not in ("thread", "task"):
    raise ImproperlyConfigured('SAMSYN_REPORT_RUNNER must be "thread" or "task".')

# Webhooks (samsyn.webhooks, D51): first attempts in a thread of the web process or as a
# django-tasks task; retries by `manage.py deliver_webhooks`. Receivers must be public https
# addresses, unless listed here (CIDR) or loopback is allowed (always with debug).
SAMSYN_WEBHOOK_RUNNER = env_str("SAMSYN_WEBHOOK_RUNNER", "thread")
if SAMSYN_WEBHOOK_RUNNER not in ("thread", "task"):
    raise ImproperlyConfigured('SAMSYN_WEBHOOK_RUNNER must be "thread" or "task".')
SAMSYN_WEBHOOK_PRIVATE_NETWORKS = env_list("SAMSYN_WEBHOOK_PRIVATE_NETWORKS", [])
try:
    import ipaddress

    for _network in SAMSYN_WEBHOOK_PRIVATE_NETWORKS:
        ipaddress.ip_network(_network, strict=False)
except ValueError as _error:
    raise ImproperlyConfigured(f"SAMSYN_WEBHOOK_PRIVATE_NETWORKS: {_error}") from None
SAMSYN_WEBHOOK_ALLOW_LOOPBACK = env_bool("SAMSYN_WEBHOOK_ALLOW_LOOPBACK", False)
