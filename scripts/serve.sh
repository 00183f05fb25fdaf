#!/usr/bin/env bash
# Serves Equilibri: gunicorn in the foreground, the task worker and the scheduler beside it;
# all three stop together.
set -euo pipefail
cd "$(dirname "$0")/.."
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
# Links in e-mails (bookings, vouchers...) point here unless SITE_URL says otherwise.
export SITE_URL=${SITE_URL:-http://$HOST:$PORT}
PY=.venv/bin/python
pids=()
stop() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop EXIT INT TERM
$PY -m equilibri db_worker --queue-name '*' >>var/worker.log 2>&1 & pids+=($!)
$PY -m equilibri scheduler >>var/scheduler.log 2>&1 & pids+=($!)
echo
echo "Equilibri is running: http://$HOST:$PORT/  (English: http://$HOST:$PORT/en/)"
echo "Demo accounts: see above; two-factor code: .venv/bin/python -m equilibri demo_totp"
echo "Stop with Ctrl+C."
# One worker per core, a few threads each: threads keep connections alive and overlap the
# waits on the database; more processes than cores only add switching (docs/performance.md).
.venv/bin/gunicorn equilibri.wsgi --bind "$HOST:$PORT" --workers "${WEB_WORKERS:-$(nproc)}" \
  --worker-class gthread --threads "${WEB_THREADS:-4}" \
  --access-logfile - --error-logfile - --log-level warning &
pids+=($!)
wait "${pids[-1]}"
