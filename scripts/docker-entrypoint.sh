#!/bin/sh
# Container entrypoint (Dockerfile ENTRYPOINT). Runs the given command; before the web server
# (gunicorn) it refuses to start on unsafe production settings, then brings the database schema
# and the collected static files up to date. Worker and beat wait for the web service to be
# healthy (docker-compose.yml), so they start against checked settings and a migrated database.
set -eu

if [ "${1:-}" = "gunicorn" ]; then
    # Any deploy warning (a known or short SECRET_KEY, HSTS, cookies not secure...) stops here.
    echo "entrypoint: manage.py check --deploy --fail-level WARNING"
    python manage.py check --deploy --fail-level WARNING
    echo "entrypoint: manage.py migrate"
    python manage.py migrate --noinput
    echo "entrypoint: manage.py collectstatic"
    python manage.py collectstatic --noinput --verbosity 0
fi

exec "$@"
