"""Settings for the worker processes of the fault tests (tests/reminders/test_faults.py).

The test settings, plus: the slow SMTP-like backend, a short lease and small claims so a dead
worker's rows come back within the test, and the database and broker the test names (its own
throwaway PostgreSQL or Redis where it restarts them).
"""

import os

from config.settings.test import *  # noqa: F403

EMAIL_BACKEND = "tests.reminders.slow_smtp.SlowSmtpBackend"
REMINDER_CLAIM_LEASE_SECONDS = int(os.environ.get("QP_FAULT_LEASE_SECONDS", "2"))
REMINDER_BATCH_SIZE = 5
REMINDER_CHANNEL_BACKENDS: dict[str, str] = {}
SITE_URL = "http://testserver"
CELERY_BEAT_SCHEDULE: dict = {}
CELERY_BROKER_URL = CELERY_RESULT_BACKEND = os.environ["QP_FAULT_REDIS_URL"]
# A broker that hangs must not hang the worker for ever.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,  # noqa: F405
    "socket_timeout": 2,
    "socket_connect_timeout": 1,
}
CELERY_REDIS_SOCKET_TIMEOUT = 2
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 1
CELERY_TASK_DEFAULT_QUEUE = "qp-faults"
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
