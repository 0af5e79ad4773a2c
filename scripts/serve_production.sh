#!/bin/sh
# Start samdigi in production in one command: compile the translations, migrate, collect the
# static files with the production storage (hashed names and a manifest, which DEBUG=false needs
# for every page), then replace this shell with gunicorn.
#
#   DEBUG=false SECRET_KEY=… ALLOWED_HOSTS=samdigi.example.dk scripts/serve_production.sh
#
# BIND (default 127.0.0.1:8000) and WEB_CONCURRENCY (gunicorn workers, default 3) choose where and
# how many; GUNICORN_CMD_ARGS passes any other gunicorn option. PYTHON defaults to the project's
# .venv. Everything else is read from the environment by samdigi/settings.py (see README).
set -eu
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-.venv/bin/python}"
export DEBUG="${DEBUG:-false}"
BIND="${BIND:-127.0.0.1:8000}"
WEB_CONCURRENCY="${WEB_CONCURRENCY:-3}"

"$PYTHON" manage.py compilemessages --ignore=.venv -v0
"$PYTHON" manage.py migrate --noinput -v0
"$PYTHON" manage.py collectstatic --noinput -v0

echo "samdigi: gunicorn on $BIND with $WEB_CONCURRENCY workers" >&2
exec "$PYTHON" -m gunicorn samdigi.wsgi --bind "$BIND" --workers "$WEB_CONCURRENCY" \
    --access-logfile - --error-logfile -
