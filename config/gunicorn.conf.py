"""Gunicorn settings for the container (docker-compose.yml runs `gunicorn -c` on this file).

Gunicorn sits behind the reverse proxy (deploy/nginx/quitpilot.conf) and is never published.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Worker processes; each serves one request at a time (sync workers).
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# Only the proxy may set X-Forwarded-Proto for gunicorn; Django's client address comes from
# QUITPILOT_TRUSTED_PROXIES (apps/core/client_ip.py), never from gunicorn.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# No access log here: the proxy writes one with questionnaire and reset tokens removed.
accesslog = None
errorlog = "-"
