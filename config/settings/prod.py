"""Production: secrets required, HTTPS enforced, demo seeding refused."""

from .base import *  # noqa: F403
from .base import env
from .secret_key import require_production_secret_key

DEBUG = False
# Refuse to start with a missing, short or published key (the dev, test and .env.example ones).
SECRET_KEY = require_production_secret_key(env("DJANGO_SECRET_KEY", default=""))
# Key rotation (docs/operations.md): the previous keys still verify sessions and reset links.
SECRET_KEY_FALLBACKS = [
    require_production_secret_key(key)
    for key in env.list("DJANGO_SECRET_KEY_FALLBACKS", default=[])
]
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
# Preload: browsers may then refuse plain HTTP to the domain before the first visit. Turn it off
# only for a domain that will never be submitted to the preload list; the deploy check's warning
# about it is then silenced on purpose, so `check --deploy --fail-level WARNING` still passes.
SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=True)
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Two-factor sign-in is required of trial managers, data managers, site leads and admins: the
# setting that turns enforcement off exists for tests only, and production refuses it.
if not env.bool("QUITPILOT_SECOND_FACTOR_REQUIRED", default=True):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "QUITPILOT_SECOND_FACTOR_REQUIRED=false is refused under production settings: "
        "two-factor sign-in is required for trial managers, data managers, site leads and admins."
    )
QUITPILOT_SECOND_FACTOR_REQUIRED = True
