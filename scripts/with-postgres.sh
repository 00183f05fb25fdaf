#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL cluster: temporary data dir, random free loopback
# port, stopped and deleted at the end even when the command fails.
set -euo pipefail
PGBIN=$(dirname "$(compgen -G '/usr/lib/postgresql/*/bin/initdb' | sort -V | tail -n 1)")
tmp=$(mktemp -d /tmp/equilibri-pg.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
  # PostgreSQL refuses to run as root: the cluster belongs to the postgres user.
  chown postgres: "$tmp"
  as_pg=(runuser -u postgres --)
fi
cleanup() {
  # Keep the command's exit status: nothing in here may change it (a reader that stops early,
  # like head, makes grep fail under pipefail).
  local status=$?
  trap - EXIT
  set +e
  # Lock waits longer than a second are logged (log_lock_waits): show them, they explain a
  # request that hangs in a test.
  if grep -q "still waiting for" "$tmp/server.log" 2>/dev/null; then
    echo "PostgreSQL lock waits during the run:"
    grep -A3 "still waiting for" "$tmp/server.log" 2>/dev/null | head -n 60
  fi
  # Statements over two seconds are logged with their plan (auto_explain): show them too.
  if grep -q "duration: .* ms  plan:" "$tmp/server.log" 2>/dev/null; then
    echo "PostgreSQL statements over 2 s during the run, with their plans:"
    grep -A80 "duration: .* ms  plan:" "$tmp/server.log" 2>/dev/null | head -n 400
  fi
  "${as_pg[@]}" "$PGBIN/pg_ctl" -D "$tmp/data" -m immediate stop >/dev/null 2>&1
  rm -rf "$tmp"
  exit "$status"
}
trap cleanup EXIT INT TERM
"${as_pg[@]}" "$PGBIN/initdb" -D "$tmp/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${as_pg[@]}" "$PGBIN/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w \
  -o "-h 127.0.0.1 -p $port -k $tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c log_lock_waits=on -c deadlock_timeout=1s -c session_preload_libraries=auto_explain -c auto_explain.log_min_duration=2s -c auto_explain.log_analyze=off" start >/dev/null
echo "Throwaway PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
export DATABASE_URL="postgres://postgres@127.0.0.1:$port/equilibri"
export PATH="$PGBIN:$PATH"
"${as_pg[@]}" "$PGBIN/createdb" -h 127.0.0.1 -p "$port" -U postgres equilibri
"$@"
