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
from datetime import timedelta
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
# Production security (HSTS, HTTPS redirect, Secure cookies) is one explicit switch, set by
# docker-compose.yml, rather than a guess from DEBUG and the host names: a staging machine with a
# real name over plain HTTP would lock itself out. See docs/deployment.md.
FIELDMARK_PRODUCTION = env_bool("FIELDMARK_PRODUCTION", False)
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto (production always is).
if env_bool("BEHIND_TLS_PROXY", FIELDMARK_PRODUCTION):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Reverse proxies in front of the app that append to X-Forwarded-For; only their entries are
# trusted when sign-ins are counted per client address (fieldmark/accounts/lockout.py).
FIELDMARK_NUM_PROXIES = env_int("FIELDMARK_NUM_PROXIES", int(FIELDMARK_PRODUCTION), minimum=0)

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
    "axes",
    "fieldmark.accounts",
    "fieldmark.projects",
    "fieldmark.jobs",
    "fieldmark.realtime",
    "annotations.affect_api",
    "annotations.linguistic_api",
    "annotations.linked_api",
    "django_celery_beat",
    "mlworkers",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "fieldmark.realtime.events.OriginMiddleware",
    # Last, as django-axes requires: it turns a locked-out sign-in into a 429.
    "axes.middleware.AxesMiddleware",
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
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", FIELDMARK_PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if FIELDMARK_PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # The container health check asks over plain HTTP from inside the container.
    SECURE_REDIRECT_EXEMPT = [r"^api/health$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# Content-Security-Policy, in every mode so that the browser tests run under it: the app's
# scripts come only from this origin; styles may be inline (React style props, the admin's and
# Swagger UI's style attributes); websockets and the API are same-origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "media-src": ["'self'", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# --- Email (invitation links) ---------------------------------------------------------------
# The console backend prints mails to the web process's log (var/logs/web.log under make run).
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "fieldmark@localhost")
# Where the browser app is reached, for links in mails.
FIELDMARK_PUBLIC_URL = env_str("FIELDMARK_PUBLIC_URL", "http://127.0.0.1:8000")
FIELDMARK_INVITATION_LINK_DAYS = env_int("FIELDMARK_INVITATION_LINK_DAYS", 14, minimum=1)

# --- Sign-in throttling (django-axes; fieldmark/accounts/lockout.py) ---------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Counted in SQL, which every web process shares (a per-process cache would not be).
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env_int("FIELDMARK_LOGIN_FAILURE_LIMIT", 10, minimum=1)
FIELDMARK_LOGIN_COOLOFF_MINUTES = env_int("FIELDMARK_LOGIN_COOLOFF_MINUTES", 15, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=FIELDMARK_LOGIN_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_CLIENT_IP_CALLABLE = "fieldmark.accounts.lockout.client_ip"
AXES_LOCKOUT_CALLABLE = "fieldmark.accounts.lockout.locked_out"
AXES_VERBOSE = False

# --- MongoDB (annotation documents) -------------------------------------------------------------
# Unset MONGO_URL means the embedded MongoDB-wire server that `make run` and the tests start.
MONGO_URL = env_str("MONGO_URL", "")
MONGO_DB = env_str("MONGO_DB", "fieldmark")
# Client timeouts, so that an unreachable or hung server is a quick 503, not a 30 s hang:
# server selection (MONGO_TIMEOUT_MS), connecting, each socket read, and optionally a whole
# operation (pymongo's timeoutMS; 0 is off, since it also bounds a streamed export's cursor).
MONGO_TIMEOUT_MS = env_int("MONGO_TIMEOUT_MS", 3000, minimum=100)
MONGO_CONNECT_TIMEOUT_MS = env_int("MONGO_CONNECT_TIMEOUT_MS", 3000, minimum=100)
MONGO_SOCKET_TIMEOUT_MS = env_int("MONGO_SOCKET_TIMEOUT_MS", 15000, minimum=100)
MONGO_OPERATION_TIMEOUT_MS = env_int("MONGO_OPERATION_TIMEOUT_MS", 0, minimum=0)

# --- RDF store (linked data) ----------------------------------------------------------------------
# A filesystem path opens Oxigraph in this process; an http(s) URL is a SPARQL 1.1 endpoint
# (the Oxigraph server that `make run` starts, or any triple store).
FIELDMARK_RDF_STORE = env_str("FIELDMARK_RDF_STORE", str(VAR_DIR / "rdf"))
FIELDMARK_BASE_IRI = env_str("FIELDMARK_BASE_IRI", "https://fieldmark.example.org/")
# ``task``: a Celery task applies each burst of writes to the graph; ``manual``: writes are only
# queued (tests and scripts call annotations.linked_api.sync.drain). See docs/rdf.md.
FIELDMARK_RDF_SYNC = env_str("FIELDMARK_RDF_SYNC", "task")
# After a rebuild makes its new graph live, the old one is deleted this much later (a reader that
# looked up the live graph just before the swap still finds it).
FIELDMARK_RDF_SWAP_GRACE_S = env_int("FIELDMARK_RDF_SWAP_GRACE_S", 5, minimum=0)
# A rebuild hands the store this many triples at a time (one bulk load, one Graph Store POST).
FIELDMARK_RDF_REBUILD_CHUNK = env_int("FIELDMARK_RDF_REBUILD_CHUNK", 250_000, minimum=1)
FIELDMARK_SPARQL_TIMEOUT_S = env_int("FIELDMARK_SPARQL_TIMEOUT_S", 10, minimum=1)
FIELDMARK_SPARQL_MAX_ROWS = env_int("FIELDMARK_SPARQL_MAX_ROWS", 10000, minimum=1)

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
# Job files (fieldmark/jobs/files.py): export and PDF files are kept this long after their job
# finished; chunked video uploads that stopped receiving are dropped after the second.
FIELDMARK_JOB_FILE_RETENTION_HOURS = env_int("FIELDMARK_JOB_FILE_RETENTION_HOURS", 72, minimum=1)
FIELDMARK_UPLOAD_RETENTION_HOURS = env_int("FIELDMARK_UPLOAD_RETENTION_HOURS", 48, minimum=1)
FIELDMARK_MAX_ACTIVE_JOBS_PER_USER = env_int("FIELDMARK_MAX_ACTIVE_JOBS_PER_USER", 4, minimum=1)
# True only where a worker consumes the ``gpu`` queue (docker-compose's worker-gpu).
FIELDMARK_GPU_QUEUE = env_bool("FIELDMARK_GPU_QUEUE", False)
CELERY_TASK_ALWAYS_EAGER = False
# A message is acknowledged once its job ran; a pool child that dies mid-job gets its message
# acknowledged too (not redelivered: a job that kills its worker must not loop) and its job
# failed and cleaned up by the parent. docs/deployment.md, "When a worker dies".
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Schedules live in SQL (django-celery-beat), so model retraining schedules made through the API
# survive restarts; the static entries below are copied into it when beat starts.
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# A running job stamps its heartbeat this often; the sweep fails (and cleans up) a job whose
# heartbeat is older than FIELDMARK_JOB_STALE_SECONDS: its whole worker died.
FIELDMARK_JOB_HEARTBEAT_SECONDS = env_int("FIELDMARK_JOB_HEARTBEAT_SECONDS", 15, minimum=1)
FIELDMARK_JOB_STALE_SECONDS = env_int("FIELDMARK_JOB_STALE_SECONDS", 120, minimum=10)
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "fail-stale-jobs": {"task": "fieldmark.jobs.tasks.fail_stale_jobs", "schedule": 60.0},
    "resume-project-purges": {"task": "fieldmark.projects.tasks.resume_purges", "schedule": 600.0},
    "rdf-sync": {"task": "annotations.linked_api.tasks.sync_all", "schedule": 60.0},
    "sweep-job-files": {"task": "fieldmark.jobs.tasks.sweep_job_files", "schedule": 3600.0},
}
# A deleted project's documents are removed by a worker (the DELETE answers at once); off, the
# request removes them itself (tests without a worker).
FIELDMARK_PURGE_IN_BACKGROUND = env_bool("FIELDMARK_PURGE_IN_BACKGROUND", True)

# --- Models (mlworkers): see docs/models.md ------------------------------------------------------
FIELDMARK_ML_MIN_UTTERANCES = env_int("FIELDMARK_ML_MIN_UTTERANCES", 5, minimum=2)
FIELDMARK_MODEL_IMPORT_MAX_BYTES = env_int(
    "FIELDMARK_MODEL_IMPORT_MAX_BYTES", 512 * 1024 * 1024, minimum=1024
)
FIELDMARK_TRAIN_SOFT_LIMIT = env_int("FIELDMARK_TRAIN_SOFT_LIMIT", 3 * 3600, minimum=60)
FIELDMARK_PREANNOTATE_SOFT_LIMIT = env_int("FIELDMARK_PREANNOTATE_SOFT_LIMIT", 3600, minimum=60)
# Utterances per step of pre-annotation (one prediction call, one write of their suggestion
# documents) and of bulk accept (one read of their suggestion documents, one write).
FIELDMARK_SUGGESTION_BATCH = env_int("FIELDMARK_SUGGESTION_BATCH", 200, minimum=1)
# Encoders a transformer run may name by path (``params.encoder``) live under this folder.
FIELDMARK_ENCODER_DIR = env_path("FIELDMARK_ENCODER_DIR", VAR_DIR / "encoders")

if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "fieldmark.realtime.layer.LoopLocalRedisChannelLayer",
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
    # JSON only (upload views name their multipart parsers), through ours, which bounds integers
    # to 64 bits, caps nesting and refuses NUL in keys (a 400, not a 500). A form body would be
    # read as no data at all and pass for an empty request.
    "DEFAULT_PARSER_CLASSES": ["fieldmark.api.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_THROTTLE_RATES": {"login": env_str("FIELDMARK_LOGIN_RATE", "30/min")},
    # DRF's throttles identify clients like django-axes does: only trusted proxies' entries.
    "NUM_PROXIES": FIELDMARK_NUM_PROXIES,
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
    # Documents leave out absent optional fields (annotations' DocSerializer), read-only ones
    # included, so a read-only field is not promised to be present.
    "COMPONENT_NO_READ_ONLY_REQUIRED": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "fieldmark.api.schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ModelVersionStatusEnum": "mlworkers.models.VersionStatus",
        # The RDF serialisations the linked-data export and import take.
        "RdfFormatEnum": ["jsonld", "nquads", "ntriples", "rdfxml", "trig", "turtle"],
        # The interlinear and lexicon formats an import reads and an export writes (the same).
        "LinguisticFormatEnum": "annotations.linguistic_api.services.IMPORT_FORMATS",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"daphne": {"level": "WARNING"}},
}
