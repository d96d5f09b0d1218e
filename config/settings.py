"""One settings module. Everything that differs between machines comes from the environment.

With nothing set the app runs locally: DEBUG on, SQLite in var/, Celery tasks run inline
(eager) unless REDIS_URL names a broker (`make run` starts an embedded Redis and sets it).
With DEBUG off it refuses to start without a real SECRET_KEY; with DEBUG on and none set,
this checkout's own random key is made once into var/secret_key (git-ignored).
"""

import os
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.dev_secret import dev_secret_key
from config.env import env_bool, env_int, env_list, env_str
from config.production import s3_storage

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"  # local state: SQLite file, collected static, uploads (git-ignored)

DEBUG = env_bool("DEBUG", default=True)
# Nothing is created on disk at import time: the filesystem may be read-only. Production
# processes check their environment at startup (config.production), not here.

# Nothing committed can sign: without SECRET_KEY, DEBUG uses this checkout's random key.
SECRET_KEY = env_str("SECRET_KEY") or (dev_secret_key(VAR_DIR / "secret_key") if DEBUG else "")
if not DEBUG and (not SECRET_KEY or len(SECRET_KEY) < 40):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 40 characters when DEBUG is off."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://localhost:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "accounts",
    "content",
    "planner",
    "scoring",
    "suggestions",
    "kits",
    "workspace",
    "digests",
    "api",
]

MIDDLEWARE = [
    "config.health.HealthCheckMiddleware",  # first: probes by IP skip the host check
    "django.middleware.security.SecurityMiddleware",
    "config.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.security.RejectNulCharactersMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "accounts.middleware.ActiveMembershipMiddleware",
    "accounts.middleware.UserTimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.memberships",
            ],
            # {% url %} as Django's, faster for the rows of a page (config.template_urls)
            "builtins": ["config.template_urls"],
        },
    },
    {
        # The group page (templates/jinja2/), written as its Django templates wrote it, in
        # a fraction of the time (config.jinja)
        "BACKEND": "config.jinja.Jinja2",  # Django's, its templates also in pieces
        "NAME": "jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "config.jinja.environment",
            "context_processors": [
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.memberships",
                "config.jinja.csrf_once",
                "config.jinja.page_urls",
            ],
        },
    },
]

# Django's form renderer, drawing the common widgets in Python (config.form_renderer)
FORM_RENDERER = "config.form_renderer.FormRenderer"

# --- Data -------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the Celery worker share the file: WAL lets them read while one
    # writes, IMMEDIATE transactions avoid "database is locked" on upgrade to a write.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not memory, so a real Celery worker process can see the test database.
    # Named by process, so two test runs in one checkout do not share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parameters bound by the server, and a query run DB_PREPARE_THRESHOLD times on one
    # connection kept prepared there: a page's queries (the same SQL on every view) are
    # then neither parsed nor planned again (1 to 4 ms of an uncached group page). A
    # migration that changes the type of a column a running process has a prepared query
    # on makes that query fail ("cached plan must not change result type") once: the
    # request or task that meets it renews the process's connections
    # (accounts/stale_statements.py).
    # Behind a pooler in transaction mode that cannot keep prepared statements, set
    # DB_PREPARE_THRESHOLD to "off" (or DB_SERVER_SIDE_BINDING=0, as Django's default).
    prepare = env_str("DB_PREPARE_THRESHOLD").strip().lower()
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=env_bool("DB_SERVER_SIDE_BINDING", default=True),
        prepare_threshold=None if prepare == "off" else env_int("DB_PREPARE_THRESHOLD", 2),
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache that answers "miss" instead of raising while Redis is
            # down or restarting (config/cache.py): pages keep working, and say so in logs.
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "consensus"),
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery -----------------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = "UTC"
CELERY_IMPORTS = ("config.health",)
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# --- Celery in production (make worker / make beat) -------------------------------------
CELERY_WORKER_CONCURRENCY = env_int("WORKER_CONCURRENCY", 0) or None  # None: one per CPU
# Beat's small state file goes where the filesystem is writable; losing it is harmless.
CELERY_BEAT_SCHEDULE_FILENAME = env_str("CELERY_BEAT_SCHEDULE_FILENAME") or str(
    Path(tempfile.gettempdir()) / "consensus-celerybeat-schedule"
)

# --- Reliability: deadlines the periodic sweeps enforce (config/celery.py) ---------------
# A kit queued or building with no sign of life for this long is re-queued by the sweep,
# at most KIT_BUILD_MAX_REQUEUES times, then marked failed with the reason.
KIT_BUILD_DEADLINE_SECONDS = env_int("KIT_BUILD_DEADLINE_SECONDS", 300)
KIT_BUILD_MAX_REQUEUES = env_int("KIT_BUILD_MAX_REQUEUES", 2)
# A digest claim older than this belongs to a worker that died; it may be claimed again.
DIGEST_CLAIM_TIMEOUT_SECONDS = env_int("DIGEST_CLAIM_TIMEOUT_SECONDS", 15 * 60)
# A "needs rescoring" marker older than this is drained by the sweep (the debounced task
# normally drains it after scoring.tasks.DEBOUNCE_SECONDS).
RESCORE_SWEEP_AFTER_SECONDS = env_int("RESCORE_SWEEP_AFTER_SECONDS", 60)

# --- Accounts ---------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
# How many reverse proxies add to X-Forwarded-For in front of the app (0: none, use the
# connection's address). Login throttling and share-link rate limits key on the client.
TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 15 * 60)
INVITATION_MAX_AGE_DAYS = env_int("INVITATION_MAX_AGE_DAYS", 7)
ADMIN_ENABLED = env_bool("ADMIN_ENABLED", default=False)  # the Django admin at /admin/

# --- HTTP API and webhooks -------------------------------------------------------------
API_RATE_LIMIT = env_int("API_RATE_LIMIT", 600)  # requests per key per window
API_RATE_WINDOW_SECONDS = env_int("API_RATE_WINDOW_SECONDS", 60)
API_FILE_LINK_SECONDS = env_int("API_FILE_LINK_SECONDS", 300)  # kit download links
# Webhook endpoints on private, loopback or link-local addresses (tests, local receivers).
WEBHOOK_ALLOW_PRIVATE = env_bool("WEBHOOK_ALLOW_PRIVATE", default=False)

# --- Email ------------------------------------------------------------------------------
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = 20
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Consensus Planner <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Internationalisation ---------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or VAR_DIR / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or VAR_DIR / "media")
ASSET_FILE_MAX_BYTES = env_int("ASSET_FILE_MAX_BYTES", 20 * 1024 * 1024)  # library uploads
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", default=not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# --- Files through Django's storage API: private S3-compatible object storage -----------
# With AWS_STORAGE_BUCKET_NAME set, uploads and kits live in the bucket, never public:
# members get them through the authorising views, which redirect to a URL signed for
# FILE_URL_SECONDS (content.delivery). Otherwise they live under MEDIA_ROOT.
AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME")
FILE_URL_SECONDS = env_int("FILE_URL_SECONDS", 60)
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = s3_storage(os.environ, url_seconds=FILE_URL_SECONDS)
# In development and tests WhiteNoise finds files as they change; in production it serves
# what `make release` collected (and never needs STATIC_ROOT to exist before that).
WHITENOISE_AUTOREFRESH = DEBUG
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Security ---------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from <body hx-headers>, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz(/live|/ready)?$"]
    if env_bool("BEHIND_TLS_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)

# --- Logging: one JSON object per line on stdout ----------------------------------------
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "config.logformat.JsonFormatter"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "celery": {"level": LOG_LEVEL},
    },
}
