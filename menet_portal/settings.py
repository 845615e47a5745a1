"""Settings for the MENET portal.

Everything that differs between the zero-setup demo, the test suite and production
comes from environment variables (see README.md, "Production configuration").
The defaults are the demo: SQLite, Celery eager, e-mail to the console.
"""

import datetime
from pathlib import Path

import environ
import xstatic.pkg.bootstrap
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (see README.md, Production configuration)."
        )
    SECRET_KEY = "insecure-demo-key-only-for-debug"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_tables2",
    "simple_history",
    "axes",
    "csp",
    "menet_portal",
    "events",
    "trainings",
    "participants",
    "reports",
    "privacy",
    "public_site",
    "programme_setup",
    "evidence",
    "feedback",
    "plan",
    "photos",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Hungarian unless the user chose English with the switch (the browser's language is ignored).
    "menet_portal.language.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "menet_portal.middleware.SessionIdleTimeoutMiddleware",
    "menet_portal.middleware.ControlCharacterPathMiddleware",
    "menet_portal.middleware.NoStoreMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the Hungarian lock-out page.
    "axes.middleware.AxesMiddleware",
]

# Benchmarks only (bench/pages.py, bench/load.py): a floor view at /_bench/floor/ and an exact
# per-request SQL count in the X-Bench-Queries header (menet_portal/bench.py). Never in production.
BENCH_VIEWS = env.bool("BENCH_VIEWS", default=False)
if BENCH_VIEWS:
    MIDDLEWARE.insert(0, "menet_portal.bench.QueryCountMiddleware")

ROOT_URLCONF = "menet_portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "menet_portal.context_processors.navigation",
            ],
        },
    },
]

# Django's renderer, with its input, select and option templates written out in Python (the
# filter bars' widgets were 4–6 ms of every list page): menet_portal/form_rendering.py.
FORM_RENDERER = "menet_portal.form_rendering.PortalFormRenderer"

WSGI_APPLICATION = "menet_portal.wsgi.application"

# --- Database ---------------------------------------------------------------
# Demo default: a SQLite file next to manage.py. Tests and production: PostgreSQL,
# e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/menet
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
# Behind PgBouncer in transaction mode a server-side cursor (QuerySet.iterator() of the exports) could
# outlive its transaction on another server connection: DB_DISABLE_SERVER_SIDE_CURSORS=1 there
# (docs/deployment.md, "PostgreSQL").
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool("DB_DISABLE_SERVER_SIDE_CURSORS", default=False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # jit=off: PostgreSQL's JIT compiles the portal's short OLTP queries at a loss. Measured on the
    # national-scale demo data (docs/performance.md): the coordinator's participant list query took
    # 9.3 s with JIT and 1.4 s without on the same loaded machine (EXPLAIN ANALYZE, interleaved).
    # PG_OPTIONS replaces the whole string (e.g. "-c jit=off -c work_mem=16MB").
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options", env.str("PG_OPTIONS", default="-c jit=off")
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The demo runs the dev server with threads; wait for a lock instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "menet_portal.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-axes first: a locked-out username + address is refused before the password is checked.
# LibraryModelBackend is ModelBackend whose per-request user look-up reads the library too (one
# query fewer per page); new log-ins are stored with it. Django's ModelBackend stays listed so the
# sessions made before the switch (stored with its path) stay valid; it can go once those have
# expired (SESSION_MAX_AGE_HOURS). Until then a refused password is checked by both.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "menet_portal.auth_backends.LibraryModelBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# A password reset link works once, for this long (and only until the password changes).
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT_MINUTES", default=60) * 60

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Language and time ------------------------------------------------------
LANGUAGE_CODE = "hu"
LANGUAGES = [("hu", _("Magyar")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Date formats per language: 2026. december 1. in Hungarian, 1 December 2026 in English.
FORMAT_MODULE_PATH = ["menet_portal.formats"]
# The language switch's choice is kept for a year (and on a logged-in user's profile).
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/Budapest"
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------
# Bootstrap comes from the XStatic-Bootstrap package on PyPI and is served by the
# portal itself (whitenoise): no CDN, no third-party request from any page.
STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", xstatic.pkg.bootstrap.BASE_DIR),
]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env.bool("STATIC_MANIFEST", default=not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# In DEBUG (the demo) whitenoise serves straight from the finders, no collectstatic needed.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"  # tables scroll inside their box on a phone

# --- E-mail -------------------------------------------------------------------
# Console by default (the demo prints e-mails); production: EMAIL_URL=smtp+tls://user:pw@host:587
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="MENET portál <menet@mke.hu>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery ---------------------------------------------------------------------
# Without REDIS_URL the demo runs every task eagerly, in the web process.
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL or "cache+memory://")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE: dict = {}

# --- Security -------------------------------------------------------------------
# Shared library PCs: a session ends with the browser, after SESSION_IDLE_TIMEOUT minutes without a
# request (menet_portal.middleware), and at the latest after SESSION_MAX_AGE_HOURS.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = env.int("SESSION_MAX_AGE_HOURS", default=12) * 3600
SESSION_COOKIE_HTTPONLY = True
# A refused CSRF token gets the portal's Hungarian page (templates/403_csrf.html), not Django's English one.
CSRF_FAILURE_VIEW = "menet_portal.views.csrf_failure"
# Content-Security-Policy (django-csp): every script, style, image and font comes from the portal
# itself; no inline script, style or event handler (they live in static/), no framing. Bootstrap's
# CSS draws its icons as data: SVG images, hence img-src data:.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username from
# one address, that pair is locked for AXES_COOLOFF_MINUTES; staff can unlock it sooner
# (/belepes/zarolasok/ or the admin). Locking the pair, not the address, keeps a shared library
# PC usable for colleagues while one account is under attack.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Behind the TLS proxy of the production start, REMOTE_ADDR is the proxy's: with
# TRUSTED_PROXY_COUNT=1 the client's address is the one that proxy appended to X-Forwarded-For.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "menet_portal.accounts.client_ip_address"

# Uploads (imports): refuse anything larger than 5 MB early.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # 403, 404, CSRF failures: one line each, no traceback (menet_portal/log.py).
    "filters": {"one_line_client_errors": {"()": "menet_portal.log.OneLineClientErrors"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["one_line_client_errors"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# The privacy notice participants consent to; stored with every consent.
CONSENT_TEXT_VERSION = env.str("CONSENT_TEXT_VERSION", default="2026-01")

# --- Notifications (menet_portal/notifications, docs/reminders.md) ------------------------------
# The address e-mails link back to (opt-out links, the portal's pages).
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000")
# A queue name per deployment lets several portals (or test runs) share one Redis.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
# Redis down at commit time must not hang a registration: give up publishing quickly, the
# outbox row stays scheduled and the next dispatch pass queues it.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_BEAT_SCHEDULE = {
    "dispatch-due-messages": {
        "task": "menet_portal.tasks.dispatch_due_messages",
        "schedule": env.int("OUTBOX_DISPATCH_SECONDS", default=120),
    },
}
# --- Data protection (privacy/, docs/privacy.md) --------------------------------------------
# Nightly jobs: anonymise people past their programme's retention period, drop stale uploads,
# and catch duplicate checks that could not be queued.
CELERY_BEAT_SCHEDULE.update({
    "apply-retention": {"task": "privacy.tasks.apply_retention", "schedule": crontab(hour=2, minute=30)},
    "purge-stale-imports": {"task": "participants.tasks.purge_stale_imports", "schedule": crontab(hour=2, minute=45)},
    "scan-recent-for-duplicates": {"task": "privacy.tasks.scan_recent_for_duplicates",
                                   "schedule": crontab(hour=3, minute=0)},
})
# People recorded without any registration are anonymised this many months after their last change.
PRIVACY_UNREGISTERED_RETENTION_MONTHS = env.int("PRIVACY_UNREGISTERED_RETENTION_MONTHS", default=24)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=5)
OUTBOX_RETRY_BASE_SECONDS = env.int("OUTBOX_RETRY_BASE_SECONDS", default=60)
OUTBOX_REQUEUE_AFTER_SECONDS = env.int("OUTBOX_REQUEUE_AFTER_SECONDS", default=600)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)

# --- Report archive (reports/) -----------------------------------------------------
# Generated PDFs are kept here, outside MEDIA_ROOT: only the archive's download view serves them.
REPORTS_ARCHIVE_ROOT = env.path("REPORTS_ARCHIVE_ROOT", default=BASE_DIR / "report-archive")
# A sheet or list of more people than this renders in a Celery task while the page shows progress
# (WeasyPrint lays out roughly 30 table rows per second on one core: see docs/reports.md).
REPORTS_TASK_THRESHOLD = env.int("REPORTS_TASK_THRESHOLD", default=120)
# WeasyPrint logs every rendering step at INFO; keep its warnings (refused URLs, missing glyphs) only.
LOGGING.setdefault("loggers", {})["weasyprint.progress"] = {"level": "WARNING"}

# --- Background work that must not get stuck (menet_portal/background.py, docs/deployment.md) -------
# A confirmed import or a queued/running report not heard of for this long (or whose queueing failed
# because the broker was down) is queued again by the beat; a worker still holding it is left alone.
STALE_WORK_REQUEUE_AFTER_MINUTES = env.int("STALE_WORK_REQUEUE_AFTER_MINUTES", default=15)
CELERY_BEAT_SCHEDULE.update({
    "requeue-stale-imports": {"task": "participants.tasks.requeue_stale_imports",
                              "schedule": env.int("STALE_WORK_CHECK_SECONDS", default=300)},
    "requeue-stale-reports": {"task": "reports.tasks.requeue_stale_reports",
                              "schedule": env.int("STALE_WORK_CHECK_SECONDS", default=300)},
})

# --- Public site (public_site/, docs/public-site.md) ------------------------------------------------
# An unconfirmed self-registration holds its place this long, then expires and frees it.
PUBLIC_HOLD_HOURS = env.int("PUBLIC_HOLD_HOURS", default=24)
# Self-registrations per hour, counted per client IP and per e-mail address.
PUBLIC_REGISTRATION_RATE = env.int("PUBLIC_REGISTRATION_RATE", default=5)
# Certificate lookups per hour per client IP (codes can't be enumerated).
CERTIFICATE_LOOKUP_RATE = env.int("CERTIFICATE_LOOKUP_RATE", default=30)
# Downloads of one's own data from the personal page per hour, per client IP and per person.
PERSONAL_DATA_RATE = env.int("PERSONAL_DATA_RATE", default=5)
# How long a personal-page link in an e-mail stays valid.
PERSONAL_LINK_DAYS = env.int("PERSONAL_LINK_DAYS", default=400)
CELERY_BEAT_SCHEDULE["expire-unconfirmed-registrations"] = {
    "task": "public.tasks.expire_unconfirmed_registrations",
    "schedule": env.int("PUBLIC_EXPIRY_SECONDS", default=300),
}
# django-axes logs every successful login's counter reset at INFO; lock-outs are WARNING.
LOGGING["loggers"]["axes"] = {"level": "WARNING"}
