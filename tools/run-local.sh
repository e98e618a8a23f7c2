#!/usr/bin/env bash
# Starts the whole stack on loopback: a throwaway PostgreSQL cluster and nats-server (JetStream)
# under one data folder, the migrations, then the Switchboard server in the foreground.
# Ctrl-C stops everything. Settings: SWITCHBOARD_PORT (default 8080), SWITCHBOARD_DATA_DIR.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=stack/lib.sh
source "$root/tools/stack/lib.sh"

bash "$root/tools/install-deps.sh"
stack_build
build=${SWITCHBOARD_BUILD_DIR:-$root/build}

data=${SWITCHBOARD_DATA_DIR:-/tmp/switchboard-local}
trap 'stack_stop' EXIT
stack_start "$data"
psql -X -q "$STACK_PG_ADMIN_URL" -c "CREATE ROLE switchboard_app LOGIN" \
  -c "CREATE DATABASE switchboard"
admin_url="postgresql://postgres@127.0.0.1:$STACK_PG_PORT/switchboard"
admin="$build/tools/admin/switchboard-admin"
"$admin" --database-url "$admin_url" migrate
marketplace_token=$("$admin" --database-url "$admin_url" tokens issue --role marketplace \
  --label "local marketplace" 2>/dev/null)
admin_token=$("$admin" --database-url "$admin_url" tokens issue --role admin \
  --label "local administrator" 2>/dev/null)

port=${SWITCHBOARD_PORT:-8080}
(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && port=$(stack_free_port)
cti_port=$(stack_free_port)
config="$data/switchboard.conf"
cat >"$config" <<CONF
[http]
address = 127.0.0.1
port = $port

[database]
url = postgresql://switchboard_app@127.0.0.1:$STACK_PG_PORT/switchboard
admin_url = $admin_url

[nats]
url = $STACK_NATS_URL

[cti]
url = ws://127.0.0.1:$cti_port

[messaging]
# Seals the client tokens providers hand to tenants; a fresh key per local stack.
secret_key = $(openssl rand -hex 32)
# What set_webhook tells a provider when a tenant activates its client token.
public_base_url = http://127.0.0.1:$port
CONF

echo "PostgreSQL: $admin_url"
echo "NATS:       $STACK_NATS_URL"
echo "Config:     $config"
echo "Service tokens (shown once; Authorization: Bearer ...):"
echo "  marketplace: $marketplace_token"
echo "  admin:       $admin_token"
echo "Switchboard on http://127.0.0.1:$port (Ctrl-C stops the stack)"
"$build/api/switchboard" --config "$config"
