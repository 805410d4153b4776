#!/usr/bin/env bash
# Lab speed and size: time to bring up the 5-host playground and an N-host lab, and the idle
# memory each host costs (MemAvailable before and after, divided by the host count).
# Usage (root): bench/lab.sh [N=200]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-200}
work=$(mktemp -d /tmp/provision-bench-XXXXXX)
provision() { node bin/provision.js "$@"; }
trap 'provision lab down --lab "$work/small" >/dev/null; provision lab down --lab "$work/big" >/dev/null; rm -rf "$work"' EXIT

seconds() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null; t1=$(date +%s.%N); awk "BEGIN { printf \"%.2f\", $t1 - $t0 }"; }
available() { awk '/MemAvailable/ {print $2}' /proc/meminfo; }

echo "playground (5 hosts) up: $(seconds provision lab up --lab "$work/small" -i inventories/playground.yml) s (whole CLI run)"
echo "playground down: $(seconds provision lab down --lab "$work/small") s"
provision lab inventory "$n" > "$work/inventory.yml"
sync; echo 3 > /proc/sys/vm/drop_caches
before=$(available)
echo "$((n + 1)) hosts up: $(seconds provision lab up --lab "$work/big" -i "$work/inventory.yml") s"
sleep 2
after=$(available)
echo "idle memory per host: $(( (before - after) / (n + 1) )) KiB (MemAvailable delta / hosts)"
echo "hosts up: $(provision lab status --lab "$work/big" | grep -c ' up$') of $((n + 1))"
echo "$((n + 1)) hosts down: $(seconds provision lab down --lab "$work/big") s"
