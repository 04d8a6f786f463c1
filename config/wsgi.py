"""WSGI entry point for gunicorn."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")
application = get_wsgi_application()
# Everything loaded so far (Django, the apps, their modules) lives as long as the worker: frozen,
# it is left out of every later garbage collection, so a full collection walks only what
# requests made (in a worker at scale 150 one took about 65 ms, then about 28 ms).
gc.freeze()
