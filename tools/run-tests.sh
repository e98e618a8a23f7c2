#!/usr/bin/env bash
# Builds Switchboard and runs the whole test suite against a throwaway PostgreSQL cluster and
# nats-server on loopback. Extra arguments go to ctest (e.g. -R integration_eventstore, -L unit).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=stack/lib.sh
source "$root/tools/stack/lib.sh"

bash "$root/tools/install-deps.sh"
stack_build

data=$(mktemp -d /tmp/switchboard-test.XXXXXX)
trap 'stack_stop; rm -rf "$data"' EXIT
stack_start "$data"
# The application role is cluster-wide; each test creates and migrates its own database.
psql -X -q "$STACK_PG_ADMIN_URL" -c "CREATE ROLE switchboard_app LOGIN"

export SWITCHBOARD_TEST_PG_ADMIN_URL="$STACK_PG_ADMIN_URL"
export SWITCHBOARD_TEST_NATS_URL="$STACK_NATS_URL"
ctest --test-dir "${SWITCHBOARD_BUILD_DIR:-$root/build}" --output-on-failure \
  -j "${SWITCHBOARD_JOBS:-2}" "$@"
