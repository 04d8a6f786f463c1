# QuitPilot application image: one image for the web server, the Celery worker and Celery beat
# (docker-compose.yml picks the command). Configuration comes from the environment (.env).
#
# Two stages: the first installs the runtime dependencies (wheels only, no compiler) into a
# virtualenv; the second copies that virtualenv and the code onto a fresh slim base, so no pip
# cache, build tool or dev/test extra reaches the image. The app runs as an unprivileged user.

FROM python:3.11-slim-bookworm AS deps

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN python -m venv /opt/venv
# Dependencies first (only pyproject.toml), so a code change does not reinstall them.
# The project installs no packages of its own ([tool.setuptools] packages = []): this pulls in
# the runtime dependencies only, not the dev/embedded extras. The slim base has no compiler:
# every dependency installs from a wheel.
COPY pyproject.toml /src/
RUN /opt/venv/bin/pip install --no-compile /src


FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=config.settings.prod

# libcairo2: cairosvg draws the CONSORT diagram's PNG/PDF. Nothing else is installed.
RUN apt-get update \
 && apt-get install --yes --no-install-recommends libcairo2 \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 quitpilot \
 && useradd --system --uid 10001 --gid quitpilot --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin quitpilot

COPY --from=deps /opt/venv /opt/venv

WORKDIR /app
# The code stays owned by root (read-only to the app); the app writes only staticfiles/ and var/.
COPY . .
RUN chmod 0755 scripts/docker-entrypoint.sh \
 && mkdir -p /app/staticfiles /app/var/media /app/var/exports /app/var/mail \
 && chown -R quitpilot:quitpilot /app/staticfiles /app/var

USER quitpilot:quitpilot
EXPOSE 8000

ENTRYPOINT ["/app/scripts/docker-entrypoint.sh"]
CMD ["gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi:application"]
