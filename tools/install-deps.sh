#!/usr/bin/env bash
# Installs every Debian package Switchboard needs to build, test and run locally.
# Idempotent: packages already present are skipped by apt-get.
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build ccache pkg-config git
  # libraries
  librestinio-dev libhttp-parser-dev libfmt-dev libspdlog-dev
  libboost-dev libboost-system-dev libboost-test-dev libboost-program-options-dev
  libpqxx-dev libpq-dev libnats-dev rapidjson-dev libssl-dev zlib1g-dev libyaml-cpp-dev
  # servers and the tools the scripts call
  postgresql postgresql-contrib nats-server curl procps iproute2 openssl
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing: ${missing[*]}"
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
fi

# The OpenAPI lint runs through npx; Node.js comes from Debian when the machine has none.
if ! command -v npx >/dev/null 2>&1; then
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends nodejs npm
fi
