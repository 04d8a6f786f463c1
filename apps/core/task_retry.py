"""How every Celery task meets a database error: retry with backoff, never give up at once.

PostgreSQL restarting or a dropped connection is brief; a task that retries settles its rows
when the database is back (each task's docstring says why a retry is safe for it).
"""

from django.db import InterfaceError, OperationalError

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_ON_DATABASE_ERRORS = {
    "autoretry_for": DATABASE_ERRORS,
    "retry_backoff": 5,
    "retry_backoff_max": 120,
    "retry_jitter": True,
    "max_retries": 10,
}
