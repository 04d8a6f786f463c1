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
    "apps.accounts.otp_admin.QuitPilotAdminConfig",  # django.contrib.admin behind the 2nd factor
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_guid",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
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
    "apps.journey",
    "apps.conduct",
    "apps.corrections",
    "apps.delegation",
    "apps.monitoring",
    "apps.dashboards",
]

MIDDLEWARE = [
    "django_guid.middleware.guid_middleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "apps.core.cache_control.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "apps.accounts.middleware.SessionTimeoutMiddleware",
    "apps.accounts.otp_middleware.SecondFactorMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "apps.core.lock_errors.LockedRefusalMiddleware",
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
# Every Redis client (cache, broker, result backend, scripts) waits at most this long for a
# connection and for each answer; after a failure the cache and the broker are skipped for
# CIRCUIT_OPEN_SECONDS (apps/core/circuit.py), so a hung Redis cannot hold every request.
REDIS_SOCKET_CONNECT_TIMEOUT = env.float("REDIS_SOCKET_CONNECT_TIMEOUT", default=0.3)
REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=0.5)
CIRCUIT_OPEN_SECONDS = env.float("CIRCUIT_OPEN_SECONDS", default=5.0)
# What uses the cache: the dashboard's rendered figures (the only cached page content), the API
# throttles and the patient-link rate limit. Sessions, sign-in and django-axes' lockout
# (AxesDatabaseHandler) are in PostgreSQL. The backend skips the cache with a warning when Redis
# cannot be reached (apps/core/cache.py); the timeouts bound how long a dead Redis can hold a page.
CACHES = {
    "default": {
        "BACKEND": "apps.core.cache.FailSoftRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="quitpilot"),
        "OPTIONS": {
            "socket_connect_timeout": REDIS_SOCKET_CONNECT_TIMEOUT,
            "socket_timeout": REDIS_SOCKET_TIMEOUT,
        },
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
# A dead or hung Redis must not hold a web request that enqueues a task: one try, each socket
# wait under a second, no publish retries. The database row is the outbox, and a beat sweep
# queues it again (docs/decisions.md, "Dependency outages"). The worker's BRPOP runs in its event
# loop, where no socket timeout applies, so these do not disturb a consumer that is idle.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "socket_connect_timeout": REDIS_SOCKET_CONNECT_TIMEOUT,
    "socket_timeout": REDIS_SOCKET_TIMEOUT,
    "max_retries": 0,
}
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_SOCKET_CONNECT_TIMEOUT
CELERY_TASK_PUBLISH_RETRY = False
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = REDIS_SOCKET_CONNECT_TIMEOUT
CELERY_REDIS_SOCKET_TIMEOUT = REDIS_SOCKET_TIMEOUT
CELERY_REDIS_RETRY_ON_TIMEOUT = False
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": {"max_retries": 0}}
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
    "requeue-unqueued-exports": {
        "task": "apps.dashboards.tasks.requeue_unqueued_exports",
        "schedule": 120.0,
    },
    "check-trial-conduct": {
        "task": "apps.conduct.tasks.check_all_participants",
        "schedule": crontab(hour=2, minute=30),
    },
    "beat-heartbeat": {
        "task": "apps.core.tasks.beat_heartbeat",
        "schedule": 60.0,
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
    "DEFAULT_PARSER_CLASSES": ["apps.core.api_parsers.DepthLimitedJSONParser"],
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
    # validatorUrl None: no badge image fetched from validator.swagger.io (CSP allows 'self' only).
    "SWAGGER_UI_SETTINGS": {
        "deepLinking": False,
        "persistAuthorization": False,
        "validatorUrl": None,
    },
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "apps.core.api_schema.hoist_branch_defaults",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ExitReasonEnum": "apps.patients.models.ExitReason",
        "ParticipantStatusEnum": "apps.clinical.status.Status",
        "MeasureTimepointEnum": "apps.outcomes.models.Timepoint",
        "FollowUpTimepointEnum": "apps.reminders.models.FollowUpTimepoint",
        "FollowUpStatusEnum": "apps.reminders.models.FollowUpStatus",
        "AdverseEventSeverityEnum": "apps.safety.models.Severity",
        "AdverseEventOutcomeEnum": "apps.safety.models.Outcome",
        "DelegatedDutyEnum": "apps.delegation.models.Duty",
        "TrainingKindEnum": "apps.delegation.models.TrainingKind",
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

# Logging: one JSON object a line (LOG_FORMAT=json, the default; dev.py defaults to a readable
# console line) with the request id of django-guid (X-Request-ID, returned on every response and
# carried into the Celery tasks a request queues). Every handler runs the redaction filter first:
# no questionnaire token (/q/<redacted>/), email address or phone number reaches a log line.
# Django's own loggers (django, django.request, django.server, py.warnings) and Celery's are
# re-pointed at the one filtered handler, replacing Django's default unfiltered console and
# mail_admins handlers. Celery workers keep this configuration (django-guid's integration answers
# Celery's setup_logging). gunicorn's access and error logs: config/gunicorn.conf.py.
from django_guid.integrations import CeleryIntegration  # noqa: E402

DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    "VALIDATE_GUID": True,  # a client's own X-Request-ID is kept only when it is a UUID
    "RETURN_HEADER": True,
    "EXPOSE_HEADER": False,
    "INTEGRATIONS": [CeleryIntegration(use_django_logging=True)],
}
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOG_FORMAT = env("LOG_FORMAT", default="json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_context": {"()": "apps.core.log_filters.RequestContextFilter"},
        "redact": {"()": "apps.core.log_filters.RedactFilter"},
    },
    "formatters": {
        "json": {"()": "apps.core.log_filters.JsonFormatter"},
        "console": {"()": "apps.core.log_filters.ConsoleFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_context", "redact"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # No handlers of their own: they propagate to the root's filtered handler.
        "django": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        "django.server": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        "py.warnings": {"handlers": [], "propagate": True},
        # django-guid logs every request's new id at INFO.
        "django_guid": {"handlers": [], "level": "WARNING", "propagate": True},
    },
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
# A claim of a few rows lasts this long unless its dispatcher's heartbeat (before each row)
# extends it: short, so a dead worker's rows go out again soon; longer than one provider call
# (channels.SEND_TIMEOUT_SECONDS), so a slow live worker keeps them.
REMINDER_CLAIM_LEASE_SECONDS = env.int("REMINDER_CLAIM_LEASE_SECONDS", default=90)
REMINDER_BATCH_SIZE = env.int("REMINDER_BATCH_SIZE", default=10)
REMINDER_CHANNEL_BACKENDS: dict[str, str] = {}

# --- Client address trust (issue 14: deployment) ---
# The reverse proxies whose X-Forwarded-For is believed: comma-separated addresses or CIDR
# blocks, none by default (then REMOTE_ADDR is the client, whatever the header says). Sign-in
# lockout, API throttles, the questionnaire-link limit and the reset throttle all take the client
# address from apps.core.client_ip.client_ip_address, which walks the header from the right past
# these proxies only. A malformed entry stops start-up, naming the variable.
TRUSTED_PROXIES = env.list("QUITPILOT_TRUSTED_PROXIES", default=[])
from apps.core.client_ip import parse_trusted_proxies  # noqa: E402

parse_trusted_proxies(tuple(TRUSTED_PROXIES))
# No "AXES: BEGIN ..." line from every process that starts Django (make run showed it four
# times); lockouts and failures are still logged.
AXES_VERBOSE = False
# Dependency outages (apps/core/outage.py, apps/core/health.py): a database or broker outage
# answers 503 with Retry-After; the patient's 503 page names the study team from here, since the
# Pilot row is out of reach then. A PostgreSQL that accepts and never answers holds a connect at
# most connect_timeout seconds (libpq's minimum is 2).
OUTAGE_RETRY_AFTER_SECONDS = env.int("OUTAGE_RETRY_AFTER_SECONDS", default=30)
QUESTIONNAIRE_STUDY_TEAM_PHONE = env("QUESTIONNAIRE_STUDY_TEAM_PHONE", default="")
DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
    "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=3)
)
# Security headers (issue 14): a Content-Security-Policy on every response (django-csp 4's dict
# format) with no 'unsafe-inline' or 'unsafe-eval': every script and style is a file under
# static/. Cache-Control: no-store on every response whose view sets no caching rule of its own
# (apps/core/cache_control.py), so no browser or proxy keeps a copy of a page with patient data.
from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}
# Request bodies: forms and API calls are small; anything bigger is refused with 400 before
# it is read into memory. (No file uploads exist; exports are downloads.)
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = env.int("DATA_UPLOAD_MAX_NUMBER_FIELDS", default=500)
# Contact details: encrypted at rest, erased after follow-up, every view in the access log.
# QUITPILOT_FIELD_ENCRYPTION_KEYS: comma-separated Fernet keys; the first encrypts, all decrypt
# (rotation: docs/operations.md). Dev and test settings carry fixed, non-secret keys; prod
# refuses to start without one.
FIELD_ENCRYPTION_KEYS: list[str] = env.list("QUITPILOT_FIELD_ENCRYPTION_KEYS", default=[])
# Days after a participant's follow-up ends (last follow-up done or closed, or exit) before
# their contact details are erased by the daily erase-expired-contact-details task.
CONTACT_RETENTION_DAYS = env.int("QUITPILOT_CONTACT_RETENTION_DAYS", default=90)
CELERY_BEAT_SCHEDULE["erase-expired-contact-details"] = {
    "task": "apps.journey.tasks.erase_expired_contact_details",
    "schedule": crontab(hour=3, minute=41),
}
# Two-factor sign-in (django-otp): an authenticator app (TOTP), passkeys (django-otp-webauthn)
# and single-use recovery codes. Trial managers, data managers, site leads and administrators
# must use one (QUITPILOT_SECOND_FACTOR_REQUIRED turns that enforcement off); anyone who has
# set one up is asked for it at every sign-in. See apps/accounts/otp_policy.py.
QUITPILOT_SECOND_FACTOR_REQUIRED = env.bool("QUITPILOT_SECOND_FACTOR_REQUIRED", default=True)
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="QuitPilot")
# The admin lists devices (to delete a lost one) but never shows their secrets.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Wrong codes slow the device down: 1, 2, 4, 8 ... seconds between attempts (never off).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# Passkeys are a second factor only: the password step always comes first (and axes counts it).
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_RP_NAME = "QuitPilot"
# Passkeys are bound to a domain: production names it (OTP_WEBAUTHN_RP_ID=quitpilot.nhs.uk);
# unset, it is the host the request came to (checked against ALLOWED_HOSTS). Browsers refuse
# passkeys on a bare IP address: in development open http://localhost:8000, not 127.0.0.1.
OTP_WEBAUTHN_RP_ID = env("OTP_WEBAUTHN_RP_ID", default="")
OTP_WEBAUTHN_RP_ID_CALLABLE = "apps.accounts.otp_webauthn.relying_party_id"
# The page origins a passkey answer may come from, besides the (allowed) host asked for.
OTP_WEBAUTHN_ALLOWED_ORIGINS = env.list(
    "OTP_WEBAUTHN_ALLOWED_ORIGINS", default=[SITE_URL.replace("//127.0.0.1", "//localhost")]
)
OTP_WEBAUTHN_HELPER_CLASS = "apps.accounts.otp_webauthn.QuitPilotWebAuthnHelper"
# Password reset: links work once, for an hour; each address and each client may ask a few times
# an hour (apps/accounts/reset_limits.py); the email is sent by a Celery worker.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT_SECONDS", default=3600)
PASSWORD_RESET_RATE_PER_ADDRESS = env("PASSWORD_RESET_RATE_PER_ADDRESS", default="3/h")
PASSWORD_RESET_RATE_PER_CLIENT = env("PASSWORD_RESET_RATE_PER_CLIENT", default="20/h")
