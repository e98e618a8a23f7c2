#!/usr/bin/env bash
# What an inbound message costs each process in CPU time: runs `switchboard-bench-messaging run`
# against a server of its own on a stack of its own (tools/stack/lib.sh), and divides the CPU
# seconds each process spent over the run, until the messaging projection has caught up, by the
# messages it added. CPU time, unlike latency, hardly moves with the machine's other load, so two
# builds can be compared on a busy machine, and the sum says what rate two cores could carry.
#
#   tools/bench/cpu-per-message.sh [--build DIR] [--work DIR] -- RUN_OPTIONS...
#   tools/bench/cpu-per-message.sh -- --rate 3000 --seconds 25 --bulk 100 --connections 32
#
# Run it as root (the stack runs PostgreSQL as the postgres user). The stack is started once and
# kept in WORK/stack for later runs; each run gets a fresh database.
set -euo pipefail

build=./build work=/tmp/sb-cpu-per-message
while [[ $# -gt 0 ]]; do
  case $1 in
    --build) build=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "cpu-per-message.sh: unknown option $1 (run options go after --)" >&2; exit 2 ;;
  esac
done
build=$(realpath "$build")
source "$(dirname "${BASH_SOURCE[0]}")/../stack/lib.sh"
mkdir -p "$work"
cd "$work"

if [[ ! -f stack.env ]] || ! psql -X -Atq "$(sed -n 's/^admin=//p' stack.env)" -c 'SELECT 1' >/dev/null 2>&1; then
  stack_start "$work/stack" >/dev/null
  psql -X -q "$STACK_PG_ADMIN_URL" -c "CREATE ROLE switchboard_app LOGIN"
  printf 'admin=%s\nnats=%s\nnats_pid=%s\npg_data=%s\n' "$STACK_PG_ADMIN_URL" "$STACK_NATS_URL" \
    "$STACK_NATS_PID" "$STACK_DIR/pg" > stack.env
fi
admin=$(sed -n 's/^admin=//p' stack.env)
nats=$(sed -n 's/^nats=//p' stack.env)
nats_pid=$(sed -n 's/^nats_pid=//p' stack.env)
pg_data=$(sed -n 's/^pg_data=//p' stack.env)

PGOPTIONS="-c client_min_messages=warning" psql -X -q "$admin" -c "DROP DATABASE IF EXISTS bench WITH (FORCE)" -c "CREATE DATABASE bench"
db=${admin%/postgres}/bench
"$build/tools/admin/switchboard-admin" --database-url "$db" migrate >/dev/null
marketplace=$("$build/tools/admin/switchboard-admin" --database-url "$db" tokens issue \
  --role marketplace --label bench | tail -1)
read -r http_port provider_port control_port <<<"$(stack_free_port) $(stack_free_port) $(stack_free_port)"
cat > bench.ini <<INI
[http]
port = $http_port
[database]
url = ${db/postgres@/switchboard_app@}
[nats]
url = $nats
prefix = cpu$$
[cti]
url = ws://127.0.0.1:9/cti
[messaging]
secret_key = $(openssl rand -hex 32)
[log]
level = warn
INI
"$build/tools/fake_provider/switchboard-fake-provider" --port "$provider_port" \
  --control-port "$control_port" > fake-provider.log 2>&1 &
provider=$!
"$build/api/switchboard" --config bench.ini > server.log 2>&1 &
server=$!
trap 'kill $provider $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -sf "127.0.0.1:$http_port/readyz" >/dev/null && break
  sleep 0.1
done
bench=$build/tools/bench/switchboard-bench-messaging
"$bench" seed --address "127.0.0.1:$http_port" --marketplace-token "$marketplace" --tenants 8 \
  --provider-url "http://127.0.0.1:$provider_port" \
  --provider-control "http://127.0.0.1:$control_port" --out tokens.txt >/dev/null

postmaster=$(head -1 "$pg_data/postmaster.pid")
# utime + stime in clock ticks; PostgreSQL's backends and the children that exited meanwhile
# (autovacuum workers) count through the postmaster's children's times.
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
postgres_ticks() {
  local sum
  sum=$(awk '{ print $14 + $15 + $16 + $17 }' "/proc/$postmaster/stat")
  for pid in $(pgrep -P "$postmaster"); do sum=$((sum + $(ticks "$pid" 2>/dev/null || echo 0))); done
  echo "$sum"
}
messages() { psql -X -Atq "$db" -c "SELECT count(*) FROM messaging_messages"; }
behind() {
  psql -X -Atq "$db" -c "SELECT (SELECT coalesce(max(global_position), 0) FROM events) -
    coalesce((SELECT global_position FROM projection_checkpoints WHERE name = 'messaging'), 0)"
}

m0=$(messages) s0=$(ticks "$server") p0=$(postgres_ticks) n0=$(ticks "$nats_pid")
/usr/bin/time -f "%U %S" -o client.time "$bench" run --address "127.0.0.1:$http_port" \
  --tokens tokens.txt --baseline-seconds 0 "$@" > run.txt
for _ in $(seq 1 120); do
  [[ $(behind) == 0 ]] && break
  sleep 0.5
done
m1=$(messages) s1=$(ticks "$server") p1=$(postgres_ticks) n1=$(ticks "$nats_pid")
grep -E '^\| (phase|---|target)' run.txt
read -r client_user client_system < client.time
awk -v n=$((m1 - m0)) -v hz="$(getconf CLK_TCK)" -v server=$((s1 - s0)) \
  -v postgres=$((p1 - p0)) -v nats=$((n1 - n0)) -v client="$client_user + $client_system" '
  BEGIN {
    split(client, c, " + "); client = (c[1] + c[2]) * hz
    total = server + postgres + nats + client
    us = 1e6 / hz / n
    printf "messages added: %d\n", n
    printf "CPU us per message: server %.0f, PostgreSQL %.0f, nats-server %.0f, client %.0f; " \
           "total %.0f\n", server * us, postgres * us, nats * us, client * us, total * us
    printf "two cores would carry at most %.0f msg/s\n", 2e6 / (total * us)
  }'
