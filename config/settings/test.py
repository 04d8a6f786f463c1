"""Tests: real PostgreSQL and Redis, fast hashing, mail kept in memory."""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .base import *  # noqa: F403
from .base import env
from .secret_key import TEST_SECRET_KEY

# Redis databases 4, 5, ... for pytest-xdist workers gw0, gw1, ... (the calendar check uses 10+).
XDIST_REDIS_DB_BASE = env.int("XDIST_REDIS_DB_BASE", default=4)

DEBUG = False
SECRET_KEY = TEST_SECRET_KEY
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOW_DEMO_SEED = True
# Most tests sign staff in with client.force_login and no second factor; the two-factor tests
# (tests/accounts/test_two_factor*.py) turn enforcement back on with override_settings.
QUITPILOT_SECOND_FACTOR_REQUIRED = False
# The demo seeders (manage.py seed_demo) exist only where demo data may be loaded.
INSTALLED_APPS = [*INSTALLED_APPS, "apps.demo"]  # noqa: F405
CACHES["default"]["KEY_PREFIX"] = env("CACHE_KEY_PREFIX", default="quitpilot-test")  # noqa: F405

# Under pytest-xdist (`make test` runs two workers) each worker gets its own test database
# (pytest-django adds the _gw<n> suffix) and its own Redis database for the cache, the broker and
# the results, so one worker's Celery worker never takes another's tasks.
_XDIST_WORKER = env("PYTEST_XDIST_WORKER", default="")
if _XDIST_WORKER:
    _redis = urlsplit(REDIS_URL)  # noqa: F405
    _db = XDIST_REDIS_DB_BASE + int(_XDIST_WORKER.removeprefix("gw"))
    if _redis.scheme == "unix":
        _query = {**dict(parse_qsl(_redis.query)), "db": str(_db)}
        REDIS_URL = urlunsplit(_redis._replace(query=urlencode(_query)))
    else:
        REDIS_URL = urlunsplit(_redis._replace(path=f"/{_db}"))
    CACHES["default"]["LOCATION"] = REDIS_URL  # noqa: F405
    CACHES["default"]["KEY_PREFIX"] += f"-{_XDIST_WORKER}"  # noqa: F405
    CELERY_BROKER_URL = CELERY_RESULT_BACKEND = REDIS_URL
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
WHITENOISE_AUTOREFRESH = True

# Contact details encryption: a fixed key, public and so not secret, for tests only.
FIELD_ENCRYPTION_KEYS = env.list(
    "QUITPILOT_FIELD_ENCRYPTION_KEYS",
    default=["mNRPEczPzTrFuA-_-3qJDx6ryR6e9xkwIqGH_1ycJP4="],
)
