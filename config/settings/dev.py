"""Local development: debug on, mail to files, demo logins allowed."""

import copy

from .base import *  # noqa: F403
from .base import env
from .secret_key import DEV_SECRET_KEY

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default=DEV_SECRET_KEY)
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
ALLOW_DEMO_SEED = True
# The demo seeders (manage.py seed_demo) exist only where demo data may be loaded.
INSTALLED_APPS = [*INSTALLED_APPS, "apps.demo"]  # noqa: F405
# The demo sites' numbers (Ofcom's ranges kept for drama: they reach nobody).
QUESTIONNAIRE_SERVICE_PHONES = env.dict(
    "QUESTIONNAIRE_SERVICE_PHONES",
    default={
        "BRS": "0117 496 0000",
        "LDS": "0113 496 0000",
        "MAN": "0161 496 0000",
        "NCL": "0191 498 0000",
    },
)
# Logging: a readable line in the terminal (`make run`); LOG_FORMAT=json for the production one.
# A copy: base.LOGGING is the very dict the other settings modules hold, and importing this module
# (as a test does) must not turn their logs readable.
LOGGING = copy.deepcopy(LOGGING)  # noqa: F405
LOGGING["handlers"]["console"]["formatter"] = env("LOG_FORMAT", default="console")

# Contact details encryption: a fixed key, public and so not secret, for development only.
FIELD_ENCRYPTION_KEYS = env.list(
    "QUITPILOT_FIELD_ENCRYPTION_KEYS",
    default=["1GilaBdfp8ybW2uR4XQbY-JSe_D04FyIm1m8ir2EKmY="],
)
