# QuitPilot application image: one image for the web server, the Celery worker and Celery beat
# (docker-compose.yml picks the command). Configuration comes from the environment (.env).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings.prod

RUN groupadd --system --gid 1000 quitpilot \
 && useradd --system --uid 1000 --gid quitpilot --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin quitpilot

WORKDIR /app

# Dependencies first (only pyproject.toml), so a code change does not reinstall them.
# The project installs no packages of its own ([tool.setuptools] packages = []): this pulls in
# the runtime dependencies only, not the dev/embedded extras.
COPY pyproject.toml ./
RUN pip install .

# The code stays owned by root (read-only to the app); the app writes only staticfiles/ and var/.
COPY . .
RUN chmod 0755 scripts/docker-entrypoint.sh \
 && mkdir -p /app/staticfiles /app/var/media /app/var/exports /app/var/mail \
 && chown -R quitpilot:quitpilot /app/staticfiles /app/var

USER quitpilot
EXPOSE 8000

ENTRYPOINT ["/app/scripts/docker-entrypoint.sh"]
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
