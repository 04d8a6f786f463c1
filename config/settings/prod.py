"""Production: secrets required, HTTPS enforced, demo seeding refused."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOW_DEMO_SEED = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True

# Contact details encryption: production refuses to start without a valid key.
from apps.core.encryption import check_keys  # noqa: E402

FIELD_ENCRYPTION_KEYS = env.list("QUITPILOT_FIELD_ENCRYPTION_KEYS", default=[])
check_keys(FIELD_ENCRYPTION_KEYS)
