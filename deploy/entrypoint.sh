#!/usr/bin/env bash
# One entrypoint for every process of the JKP case system: the container image, compose.yaml,
# the systemd units and `make prod-smoke` all start the site through it.
#
#   deploy/entrypoint.sh migrate          release steps, in order: migrate, collectstatic,
#                                         compilemessages (run once per release, before the rest)
#   deploy/entrypoint.sh web              gunicorn (deploy/gunicorn.conf.py)
#   deploy/entrypoint.sh worker [QUEUES]  a Celery worker; QUEUES comma-separated (default: every
#                                         queue; production runs payments and imports apart)
#   deploy/entrypoint.sh beat             Celery beat (exactly one per site)
#
# Settings come from the environment (see README, "Configuration for production").
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"
if [[ -x "$ROOT/.venv/bin/python" && -z "${JKP_NO_VENV:-}" ]]; then
  PYTHON="$ROOT/.venv/bin/python"
fi
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-jkp_site.settings}"

role="${1:-}"
shift || true

case "$role" in
  migrate)
    "$PYTHON" manage.py check --deploy --fail-level ERROR
    "$PYTHON" manage.py migrate --noinput
    "$PYTHON" manage.py collectstatic --noinput --verbosity 0
    "$PYTHON" manage.py compilemessages -l id --ignore=.venv --verbosity 0
    ;;
  web)
    exec "$PYTHON" -m gunicorn --config "$ROOT/deploy/gunicorn.conf.py" "$@" jkp_site.wsgi:application
    ;;
  worker)
    queues="${1:-${CELERY_QUEUES:-default,notifications,payments,imports}}"
    [[ $# -gt 0 ]] && shift
    exec "$PYTHON" -m celery -A jkp_site worker \
      --queues "$queues" \
      --hostname "${CELERY_WORKER_NAME:-${queues//,/-}}@%h" \
      --concurrency "${CELERY_CONCURRENCY:-$(nproc)}" \
      --loglevel "${LOG_LEVEL:-INFO}" \
      --without-gossip "$@"
    ;;
  beat)
    # The schedule lives in settings (CELERY_BEAT_SCHEDULE); its state file in JKP_VAR_DIR.
    state_dir="${JKP_VAR_DIR:-$ROOT/var}"
    mkdir -p "$state_dir"
    exec "$PYTHON" -m celery -A jkp_site beat \
      --schedule "$state_dir/celerybeat-schedule" \
      --pidfile "" \
      --loglevel "${LOG_LEVEL:-INFO}" "$@"
    ;;
  *)
    echo "usage: $0 migrate|web|worker [QUEUES]|beat" >&2
    exit 64
    ;;
esac
