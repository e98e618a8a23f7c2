# Shared by run-local.sh and run-tests.sh: a throwaway PostgreSQL cluster and nats-server on
# loopback free ports, under one data folder, stopped by stack_stop (installed as an EXIT trap).
# shellcheck shell=bash

stack_repo_root() { cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd; }

stack_free_port() {
  python3 - <<'PY' 2>/dev/null || shuf -i 20000-60000 -n 1
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
PY
}

stack_pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

# PostgreSQL refuses to run as root: run its tools as the postgres user then.
stack_as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# stack_start DATA_DIR: sets STACK_PG_PORT, STACK_NATS_PORT, STACK_PG_ADMIN_URL, STACK_PG_APP_URL,
# STACK_NATS_URL.
stack_start() {
  STACK_DIR=$1
  mkdir -p "$STACK_DIR"
  local pgbin
  pgbin=$(stack_pg_bin)
  [ -n "$pgbin" ] || { echo "PostgreSQL binaries not found (install the postgresql package)" >&2; return 1; }

  STACK_PG_DATA="$STACK_DIR/pg"
  rm -rf "$STACK_PG_DATA"
  mkdir -p "$STACK_PG_DATA"
  [ "$(id -u)" -ne 0 ] || chown -R postgres:postgres "$STACK_DIR"
  chmod 755 "$STACK_DIR"
  stack_as_pg "$pgbin/initdb" -D "$STACK_PG_DATA" -U postgres --auth=trust --encoding=UTF8 \
    --locale=C.UTF-8 >"$STACK_DIR/initdb.log" 2>&1 ||
    { cat "$STACK_DIR/initdb.log" >&2; return 1; }
  STACK_PG_PORT=$(stack_free_port)
  # Tuned for a throwaway cluster on a small machine: enough connections for the tests and the
  # benchmarks, durable commits kept (the event store's guarantees are what we test).
  cat >>"$STACK_PG_DATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $STACK_PG_PORT
unix_socket_directories = '$STACK_PG_DATA'
max_connections = 300
shared_buffers = 512MB
wal_buffers = 16MB
max_wal_size = 4GB
checkpoint_timeout = 15min
fsync = on
synchronous_commit = on
commit_delay = 0
# A chat's row, a stream's version and its catalog entry are rewritten with every batch of
# events: vacuum every 5 s, not every minute, or index lookups wade through dead versions.
autovacuum_naptime = 5s
log_min_messages = warning
log_min_error_statement = panic
CONF
  stack_as_pg "$pgbin/pg_ctl" -D "$STACK_PG_DATA" -l "$STACK_DIR/postgres.log" -w -t 60 start \
    >/dev/null || { cat "$STACK_DIR/postgres.log" >&2; return 1; }
  STACK_PG_ADMIN_URL="postgresql://postgres@127.0.0.1:$STACK_PG_PORT/postgres"

  STACK_NATS_PORT=$(stack_free_port)
  mkdir -p "$STACK_DIR/nats"
  nats-server -a 127.0.0.1 -p "$STACK_NATS_PORT" -js -sd "$STACK_DIR/nats" \
    >"$STACK_DIR/nats.log" 2>&1 &
  STACK_NATS_PID=$!
  STACK_NATS_URL="nats://127.0.0.1:$STACK_NATS_PORT"
  local i
  for i in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$STACK_NATS_PORT") 2>/dev/null && break
    sleep 0.1
  done
  export STACK_DIR STACK_PG_PORT STACK_PG_ADMIN_URL STACK_NATS_PORT STACK_NATS_URL
}

# Runs from EXIT traps under `set -e`: nothing here may fail the caller's exit status.
stack_stop() {
  if [ -n "${STACK_NATS_PID:-}" ]; then
    kill "$STACK_NATS_PID" 2>/dev/null || true
    wait "$STACK_NATS_PID" 2>/dev/null || true
  fi
  if [ -n "${STACK_PG_DATA:-}" ] && [ -f "$STACK_PG_DATA/postmaster.pid" ]; then
    stack_as_pg "$(stack_pg_bin)/pg_ctl" -D "$STACK_PG_DATA" -m fast -w stop >/dev/null 2>&1 || true
  fi
  STACK_NATS_PID=""
  STACK_PG_DATA=""
}

stack_build() {
  local root build
  root=$(stack_repo_root)
  build=${SWITCHBOARD_BUILD_DIR:-$root/build}
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE="${CMAKE_BUILD_TYPE:-RelWithDebInfo}" \
    -DSWITCHBOARD_SANITIZE="${SWITCHBOARD_SANITIZE:-}" >/dev/null
  cmake --build "$build" -j "${SWITCHBOARD_JOBS:-2}"
}
