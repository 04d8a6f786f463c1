#!/bin/sh
# Container entrypoint (Dockerfile ENTRYPOINT). Runs the given command; before the web server
# (gunicorn) it brings the database schema and the collected static files up to date.
# Worker and beat wait for the web service to be healthy (docker-compose.yml), so they start
# against a migrated database.
set -eu

if [ "${1:-}" = "gunicorn" ]; then
    echo "entrypoint: manage.py migrate"
    python manage.py migrate --noinput
    echo "entrypoint: manage.py collectstatic"
    python manage.py collectstatic --noinput --verbosity 0
fi

exec "$@"
