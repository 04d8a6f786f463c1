"""Settings shared by every environment; every value that differs comes from the environment."""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("QUITPILOT_SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "apps.core",
    "apps.accounts",
    "apps.sites",
    "apps.practitioners",
    "apps.patients",
    "apps.cessation",
    "apps.outcomes",
    "apps.safety",
    "apps.reminders",
    "apps.dashboards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "apps.accounts.middleware.SessionTimeoutMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
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
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/quitpilot"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
# What uses the cache: the dashboard's rendered figures (the only cached page content), the API
# throttles and the patient-link rate limit. Sessions, sign-in and django-axes' lockout
# (AxesDatabaseHandler) are in PostgreSQL. The backend skips the cache with a warning when Redis
# cannot be reached (apps/core/cache.py); the timeouts bound how long a dead Redis can hold a page.
CACHES = {
    "default": {
        "BACKEND": "apps.core.cache.FailSoftRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="quitpilot"),
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "apps.accounts.backends.StaffModelBackend",
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
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sign-in safety: idle timeout and absolute cap (seconds), lockout after repeated failures.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_ABSOLUTE_TIMEOUT = env.int("SESSION_ABSOLUTE_TIMEOUT", default=12 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
# Sessions live in PostgreSQL only: a Redis outage signs no one out and breaks no page.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Failed sign-ins are counted in PostgreSQL (never the cache), so a Redis outage neither stops
# sign-in nor lifts a lockout.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
AXES_CLIENT_IP_CALLABLE = "apps.core.client_ip.client_ip_address"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = Path(env("QUITPILOT_MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
EXPORT_ROOT = Path(env("QUITPILOT_EXPORT_ROOT", default=str(BASE_DIR / "var" / "exports")))
# Export files (pseudonymised analysis data) are deleted this many days after they were built;
# the access log keeps the row.
EXPORT_RETENTION_DAYS = env.int("QUITPILOT_EXPORT_RETENTION_DAYS", default=7)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(BASE_DIR / "var" / "mail"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="QuitPilot <no-reply@quitpilot.test>")
NOTIFY_API_KEY = env("NOTIFY_API_KEY", default="")
NOTIFY_EMAIL_TEMPLATE_ID = env("NOTIFY_EMAIL_TEMPLATE_ID", default="")
NOTIFY_SMS_TEMPLATE_ID = env("NOTIFY_SMS_TEMPLATE_ID", default="")

# Celery: the database is the outbox; these settings make a lost worker redeliver, not drop.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_BEAT_SCHEDULE = {
    "dispatch-due-reminders": {
        "task": "apps.reminders.tasks.dispatch_due_reminders",
        "schedule": 60.0,
    },
    "refresh-follow-up-statuses": {
        "task": "apps.reminders.tasks.refresh_follow_up_statuses",
        "schedule": crontab(minute="*/15"),
    },
    "build-metric-snapshot": {
        "task": "apps.dashboards.tasks.build_metric_snapshot",
        "schedule": 600.0,
    },
    "escalate-unacknowledged-safety-alerts": {
        "task": "apps.outcomes.tasks.escalate_unacknowledged_alerts",
        "schedule": 60.0,
    },
    "requeue-unnotified-serious-adverse-events": {
        "task": "apps.safety.tasks.requeue_unnotified_serious_events",
        "schedule": 300.0,
    },
    "requeue-unnotified-safety-alerts": {
        "task": "apps.outcomes.tasks.requeue_unnotified_alerts",
        "schedule": 300.0,
    },
    "delete-expired-export-files": {
        "task": "apps.dashboards.tasks.delete_expired_export_files",
        "schedule": crontab(minute=17),
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apps.accounts.authentication.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "apps.core.api_pagination.QuitPilotCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "apps.core.api_schema.QuitPilotAutoSchema",
    "EXCEPTION_HANDLER": "apps.core.api_errors.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "apps.core.api_throttles.AnonThrottle",
        "apps.core.api_throttles.UserThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_THROTTLE_ANON", default="30/minute"),
        "user": env("API_THROTTLE_USER", default="600/minute"),
        "auth": env("API_THROTTLE_AUTH", default="10/minute"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
# API tokens (django-rest-knox with our own model, accounts.ApiToken): only a SHA-512 digest is
# stored and the secret is shown once; one named token per client, each expiring API_TOKEN_TTL
# after it was issued; "last used" is written at most once per API_TOKEN_LAST_USED_RESOLUTION.
API_TOKEN_TTL = timedelta(hours=env.int("API_TOKEN_TTL_HOURS", default=12))
API_TOKEN_LAST_USED_RESOLUTION = timedelta(minutes=1)
KNOX_TOKEN_MODEL = "accounts.ApiToken"
REST_KNOX = {
    "TOKEN_MODEL": KNOX_TOKEN_MODEL,
    "TOKEN_TTL": API_TOKEN_TTL,
    "AUTH_HEADER_PREFIX": "Token",
    # A recognisable prefix lets secret scanners spot a leaked QuitPilot token.
    "TOKEN_PREFIX": "qpt_",
    "AUTO_REFRESH": False,
}
CELERY_BEAT_SCHEDULE["delete-expired-api-tokens"] = {
    "task": "apps.accounts.tasks.delete_expired_api_tokens",
    "schedule": crontab(minute=41),
}
# knox's own AuthToken is swapped for accounts.ApiToken: skip knox's migrations, which would
# create an unused table.
MIGRATION_MODULES = {"knox": None}
SPECTACULAR_SETTINGS = {
    "TITLE": "QuitPilot API",
    "DESCRIPTION": (
        "Smoking cessation pilot inside NHS Talking Therapies.\n\n"
        "Authenticate with `POST /api/v1/auth/token/` (email, password and a `client_name` for "
        "this device or script) and send `Authorization: Token <token>`. The token is shown "
        "once (only its hash is kept), expires after `API_TOKEN_TTL_HOURS`, and is revoked when "
        "your password changes; list yours at `GET /api/v1/auth/tokens/` and revoke one, or "
        "all, with DELETE. "
        'Every refusal answers `{"errors": [{"field", "code", "message"}]}`. '
        "POSTs that record clinical data accept an `Idempotency-Key` header: a retry with the "
        "same key returns the first answer and stores nothing new. See docs/api.md."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # No deep-link anchors inside Swagger UI's operation buttons (nested controls fail WCAG).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False, "persistAuthorization": False},
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "ExitReasonEnum": "apps.patients.models.ExitReason",
        "ParticipantStatusEnum": "apps.clinical.status.Status",
        "MeasureTimepointEnum": "apps.outcomes.models.Timepoint",
        "FollowUpTimepointEnum": "apps.reminders.models.FollowUpTimepoint",
        "FollowUpStatusEnum": "apps.reminders.models.FollowUpStatus",
        "AdverseEventSeverityEnum": "apps.safety.models.Severity",
        "AdverseEventOutcomeEnum": "apps.safety.models.Outcome",
    },
    "PATH_CONVERTER_OVERRIDES": {
        "trial_id": {"type": "string", "pattern": r"^[A-Z]{2,5}-[0-9]{4,}$"},
        "site_code": {"type": "string", "pattern": r"^[A-Z]{2,5}$"},
    },
}

# Questionnaire links: per-client rate limit on the patient pages.
PATIENT_LINK_RATE_LIMIT = env("PATIENT_LINK_RATE_LIMIT", default="30/m")

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

# Audit trail: every insert, update and delete of tracked models, in append-only event tables.
import pghistory  # noqa: E402

PGHISTORY_DEFAULT_TRACKERS = (
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
)
PGHISTORY_APPEND_ONLY = True
PGHISTORY_ADMIN_CLASS = "apps.core.admin.AllEventsAdmin"
from django.db.models import DO_NOTHING  # noqa: E402

PGHISTORY_OBJ_FIELD = pghistory.ObjForeignKey(db_constraint=False, on_delete=DO_NOTHING)

# Safety alerts not acknowledged in time are escalated by email: to the site's leads after
# ALERT_ESCALATION_WORKING_HOURS, then to the trial managers after a further
# ALERT_SECOND_ESCALATION_WORKING_HOURS. Working hours run ALERT_WORKING_DAY (London time),
# Monday to Friday; England's bank holidays are skipped.
ALERT_ESCALATION_WORKING_HOURS = env.float("ALERT_ESCALATION_WORKING_HOURS", default=4.0)
ALERT_SECOND_ESCALATION_WORKING_HOURS = env.float(
    "ALERT_SECOND_ESCALATION_WORKING_HOURS", default=4.0
)
ALERT_WORKING_DAY = env("ALERT_WORKING_DAY", default="09:00-17:00")
# A claimed escalation whose send has not finished after this long is flagged, never resent.
ALERT_ESCALATION_LEASE_SECONDS = env.int("ALERT_ESCALATION_LEASE_SECONDS", default=600)

# Serious adverse events are emailed at once to the trial managers and the chief investigator.
CHIEF_INVESTIGATOR_EMAIL = env("CHIEF_INVESTIGATOR_EMAIL", default="")
# How long the sponsor allows between awareness of a serious adverse event and its report.
SAE_REPORT_WITHIN_HOURS = env.int("SAE_REPORT_WITHIN_HOURS", default=24)

# Patient questionnaires and reminders.
QUESTIONNAIRE_CONTACT = env("QUESTIONNAIRE_CONTACT", default="")
# Each service's phone number for the urgent-support card, by site code: "BRS=0117 496 0000,..."
QUESTIONNAIRE_SERVICE_PHONES: dict[str, str] = env.dict("QUESTIONNAIRE_SERVICE_PHONES", default={})
REMINDER_MAX_ATTEMPTS = env.int("REMINDER_MAX_ATTEMPTS", default=5)
REMINDER_CLAIM_LEASE_SECONDS = env.int("REMINDER_CLAIM_LEASE_SECONDS", default=600)
REMINDER_BATCH_SIZE = env.int("REMINDER_BATCH_SIZE", default=100)
REMINDER_CHANNEL_BACKENDS: dict[str, str] = {}

# Password reset: links work once, for an hour; each address and each client may ask a few times
# an hour (apps/accounts/reset_limits.py); the email is sent by a Celery worker.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT_SECONDS", default=3600)
PASSWORD_RESET_RATE_PER_ADDRESS = env("PASSWORD_RESET_RATE_PER_ADDRESS", default="3/h")
PASSWORD_RESET_RATE_PER_CLIENT = env("PASSWORD_RESET_RATE_PER_CLIENT", default="20/h")
