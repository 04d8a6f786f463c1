"""gunicorn settings for the web container: `gunicorn -c config/gunicorn.conf.py`.

Every value can be changed from the environment. The access and error logs go through
apps.core.gunicorn_logging.RedactingLogger, so no line carries a questionnaire token (/q/<token>/
becomes /q/<redacted>/) or an email address or phone number; LOG_FORMAT=json (the default)
writes one JSON object a line, LOG_FORMAT=console a readable line.
"""

import multiprocessing
import os

wsgi_app = "config.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
# Sync workers: the usual 2 x cores + 1 (docs/operations.md says how to size them per machine).
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))

logger_class = "apps.core.gunicorn_logging.RedactingLogger"
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# No client address, user agent or referrer: the request line (token redacted), status, size and
# duration. In JSON lines the fields are keys too, with the request_id that joins the line to the
# application's (the X-Request-ID response header). Commas keep numbers apart: the redaction
# reads digits separated only by spaces as a phone number.
access_log_format = os.environ.get(
    "GUNICORN_ACCESS_LOG_FORMAT", '"%(r)s" %(s)s, %(b)s bytes, %(M)s ms'
)
# Only the proxy may set X-Forwarded-Proto for gunicorn; Django's client address comes from
# QUITPILOT_TRUSTED_PROXIES (apps/core/client_ip.py), never from gunicorn.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
