"""The Celery application: broker and reliability settings come from Django settings."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("quitpilot")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
