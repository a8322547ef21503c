"""Django settings for Fieldmark, read from the environment.

Defaults run everything on one machine with no services installed (SQLite, the embedded
MongoDB-wire server, an on-disk Oxigraph store, and a Redis-protocol server that the launcher
starts for the channel layer and the Celery broker and results; without REDIS_URL at all, the
SQLAlchemy/SQLite broker and the in-memory channel layer). Production sets DATABASE_URL,
MONGO_URL, REDIS_URL, FIELDMARK_RDF_STORE, SECRET_KEY, ALLOWED_HOSTS and MEDIA_ROOT: see
docs/configuration.md.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url

from fieldmark.env import (
    env_bool,
    env_int,
    env_list,
    env_path,
    env_secret,
    env_str,
    env_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = env_path("FIELDMARK_VAR_DIR", BASE_DIR / "var")

DEBUG = env_bool("DEBUG", False)


def _secret_key() -> str:
    key = env_secret("SECRET_KEY", "")
    if key:
        return key
    # Local default: a random key kept under var/ so sessions survive restarts.
    path = VAR_DIR / "secret_key"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key, encoding="utf-8")
    path.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "fieldmark.accounts",
    "fieldmark.projects",
    "fieldmark.jobs",
    "fieldmark.realtime",
    "annotations.affect_api",
    "annotations.linguistic_api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "fieldmark.realtime.events.OriginMiddleware",
]

ROOT_URLCONF = "fieldmark.urls"
ASGI_APPLICATION = "fieldmark.asgi.application"
WSGI_APPLICATION = "fieldmark.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_url(
            "DATABASE_URL",
            f"sqlite:///{VAR_DIR / 'fieldmark.sqlite3'}",
            schemes=("sqlite", "postgres", "postgresql", "pgsql"),
        ),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0, minimum=0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while a worker writes.
    DATABASES["default"]["OPTIONS"] = {"init_command": "PRAGMA journal_mode=WAL;", "timeout": 20}
    # Tests use a file, not shared-cache memory: there a worker thread's write fails at once with
    # "table is locked" while a test reads, whereas a WAL file lets readers and a writer overlap.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env_path("STATIC_ROOT", VAR_DIR / "static")
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
FRONTEND_DIST = BASE_DIR / "frontend" / "dist"
STATICFILES_DIRS = [FRONTEND_DIST] if FRONTEND_DIST.is_dir() else []
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = env_path("MEDIA_ROOT", VAR_DIR / "media")
MEDIA_URL = "/media/"
# Uploads go to disk past this size, so a large file never sits in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("FIELDMARK_MAX_JSON_BYTES", 20 * 1024 * 1024, minimum=1024)

SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# --- MongoDB (annotation documents) -------------------------------------------------------------
# Unset MONGO_URL means the embedded MongoDB-wire server that `make run` and the tests start.
MONGO_URL = env_str("MONGO_URL", "")
MONGO_DB = env_str("MONGO_DB", "fieldmark")
MONGO_TIMEOUT_MS = env_int("MONGO_TIMEOUT_MS", 5000, minimum=100)

# --- RDF store (linked data) ----------------------------------------------------------------------
# A filesystem path opens Oxigraph in this process; an http(s) URL is a SPARQL 1.1 endpoint
# (the Oxigraph server that `make run` starts, or any triple store).
FIELDMARK_RDF_STORE = env_str("FIELDMARK_RDF_STORE", str(VAR_DIR / "rdf"))
FIELDMARK_BASE_IRI = env_str("FIELDMARK_BASE_IRI", "https://fieldmark.example.org/")

# --- Celery, channels -----------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    env_url("REDIS_URL", REDIS_URL, schemes=("redis", "rediss"))
CELERY_BROKER_URL = env_str(
    "CELERY_BROKER_URL", REDIS_URL or f"sqla+sqlite:///{VAR_DIR / 'celery-broker.sqlite3'}"
)
CELERY_RESULT_BACKEND = env_str(
    "CELERY_RESULT_BACKEND", REDIS_URL or f"db+sqlite:///{VAR_DIR / 'celery-results.sqlite3'}"
)
# True only where a worker consumes the ``gpu`` queue (docker-compose's worker-gpu).
FIELDMARK_GPU_QUEUE = env_bool("FIELDMARK_GPU_QUEUE", False)
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "fail-stale-jobs": {"task": "fieldmark.jobs.tasks.fail_stale_jobs", "schedule": 300.0},
}

if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # socket_timeout None: redis-py 8 defaults to 5 s, which races channels-redis's 5 s
            # BZPOPMIN and tears down idle consumers (redis/redis-py#4091). Capacity: a busy
            # project's group takes every event; the default (100) drops messages for a slow
            # tab sooner.
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "socket_timeout": None}],
                "capacity": 1000,
                "expiry": 30,
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
# A socket that sends nothing for this long is idle: its presence and soft lock are withdrawn.
FIELDMARK_PRESENCE_IDLE_S = env_int("FIELDMARK_PRESENCE_IDLE_S", 120, minimum=1)

# --- REST API -----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first so an unauthenticated API call gets 401 with WWW-Authenticate, not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "fieldmark.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "fieldmark.api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_THROTTLE_RATES": {"login": env_str("FIELDMARK_LOGIN_RATE", "30/min")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Fieldmark API",
    "DESCRIPTION": "Annotate language and emotion together. Errors always have the shape "
    '{"error": code, "detail": message, "fields": {field: [messages]}}.',
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"daphne": {"level": "WARNING"}},
}
