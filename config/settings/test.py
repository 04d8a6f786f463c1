"""Tests: real PostgreSQL and Redis, fast hashing, mail kept in memory."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "test-only-key-not-secret"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOW_DEMO_SEED = True
# The demo seeders (manage.py seed_demo) exist only where demo data may be loaded.
INSTALLED_APPS = [*INSTALLED_APPS, "apps.demo"]  # noqa: F405
CACHES["default"]["KEY_PREFIX"] = env("CACHE_KEY_PREFIX", default="quitpilot-test")  # noqa: F405
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
WHITENOISE_AUTOREFRESH = True
