#!/usr/bin/env bash
# Runs `switchboard-bench-messaging poll` as several processes that make one run, then merges
# their samples: one process may hold only as many connections as its open-file limit allows.
#
#   tools/bench/poll-split.sh --processes 3 --users 45900 --baseline-users 3000 --out DIR \
#       -- --address 127.0.0.1:18401,127.0.0.1:18402,127.0.0.1:18403 --tokens tokens.txt ...
#
# Users (and baseline users) are split evenly; every process spreads its users over all the
# servers in --address. The processes share an epoch a few seconds ahead, so their phases line up.
# Each writes DIR/poll-N.txt (its samples) and DIR/poll-N.log; the merged report is printed and
# kept in DIR/merged.txt. BENCH names the binary (default ./build/tools/bench/switchboard-bench-messaging).
set -euo pipefail

bench=${BENCH:-./build/tools/bench/switchboard-bench-messaging}
processes=3 users=45900 baseline=1000 out=poll-split
while [[ $# -gt 0 ]]; do
  case $1 in
    --processes) processes=$2; shift 2 ;;
    --users) users=$2; shift 2 ;;
    --baseline-users) baseline=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "poll-split.sh: unknown option $1 (poll options go after --)" >&2; exit 2 ;;
  esac
done
mkdir -p "$out"
start_at=$(( $(date +%s%3N) + 3000 + processes * 500 ))
pids=()
first=0
for ((i = 0; i < processes; i++)); do
  n=$(( users / processes + (i < users % processes ? 1 : 0) ))
  b=$(( baseline / processes + (i < baseline % processes ? 1 : 0) ))
  "$bench" poll "$@" --first-user "$first" --users "$n" --baseline-users "$b" \
    --start-at-ms "$start_at" --samples "$out/poll-$i.txt" >"$out/poll-$i.log" 2>&1 &
  pids+=($!)
  first=$(( first + n ))
done
status=0
for pid in "${pids[@]}"; do wait "$pid" || status=$?; done
if [[ $status -ne 0 ]]; then
  echo "poll-split.sh: a poll process failed; see $out/poll-*.log" >&2
  tail -n 5 "$out"/poll-*.log >&2
  exit "$status"
fi
files=()
for ((i = 0; i < processes; i++)); do files+=("$out/poll-$i.txt"); done
"$bench" merge "${files[@]}" | tee "$out/merged.txt"
