#!/usr/bin/env bash
# Benchmark: the W2 site.yml shape (10 small tasks, become via sudo) on N lab hosts (default 50):
# one cold run, then idempotent runs, each timed as a whole `provision` process from the
# controller host. Compare with the hand-written floor in ../shared/notes/measured-here.md.
# Usage (root): bench/w2.sh [N=50] [RUNS=6]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-50}
runs=${2:-6}
work=$(mktemp -d /tmp/provision-w2-XXXXXX)
provision() { node bin/provision.js "$@"; }
trap 'provision lab down --lab "$work/lab" >/dev/null; rm -rf "$work"' EXIT
provision lab inventory "$n" > "$work/inventory.yml"
provision lab up --lab "$work/lab" -i "$work/inventory.yml"
echo "W2 on $n hosts, forks $n:"
provision lab run --lab "$work/lab" -- node bench/time-runs.mjs "$runs" \
  "$(command -v node)" bin/provision.js -i "$work/inventory.yml" -f "$n" bench/w2.yml
