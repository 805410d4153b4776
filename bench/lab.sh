#!/usr/bin/env bash
# Lab speed and size: time to bring up the 5-host playground and an N-host lab, and the idle
# memory each host costs (MemAvailable before and after, divided by the host count); then the
# same for booted hosts (systemd as PID 1, with sshd, dockerd, containerd…): the playground and
# B booted hosts (B > 5), up meaning every host's systemd has finished booting.
# Usage (root): bench/lab.sh [N=200] [B=5]   (B=0: no booted hosts; docs/lab.md has B=50)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-200}
booted=${2:-5}
work=$(mktemp -d /tmp/provision-bench-XXXXXX)
provision() { node bin/provision.js "$@"; }
cleanup() {
  for lab in small big bsmall bbig; do provision lab down --lab "$work/$lab" >/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

seconds() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null; t1=$(date +%s.%N); awk "BEGIN { printf \"%.2f\", $t1 - $t0 }"; }
available() { awk '/MemAvailable/ {print $2}' /proc/meminfo; }
settle() { sync; echo 3 > /proc/sys/vm/drop_caches; }
# The proportional set size of every process in a booted lab's cgroups (userspace only; immune to
# what else the machine runs, unlike MemAvailable).
pss_kib() {
  node --input-type=module -e '
    import { readFileSync, readdirSync } from "node:fs";
    import { join } from "node:path";
    const { findLabCgroups } = await import("./dist/lab/cgroup.js");
    const id = JSON.parse(readFileSync(join(process.argv[1], "lab.json"), "utf8")).plan.id;
    const pids = [];
    const walk = (dir) => {
      pids.push(...readFileSync(join(dir, "cgroup.procs"), "utf8").split("\n").filter(Boolean));
      for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) walk(join(dir, e.name));
    };
    for (const cg of findLabCgroups(id)) walk(cg);
    let kib = 0;
    for (const pid of pids) {
      try { kib += Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"))?.[1] ?? 0); } catch {}
    }
    console.log(kib);' "$1"
}

t=$(seconds provision lab up --lab "$work/small" -i inventories/playground.yml)
echo "playground (5 hosts) up: $t s (whole CLI run)"
echo "playground down: $(seconds provision lab down --lab "$work/small") s"
provision lab inventory "$n" > "$work/inventory.yml"
settle
before=$(available)
t=$(seconds provision lab up --lab "$work/big" -i "$work/inventory.yml")
echo "$((n + 1)) hosts up: $t s"
sleep 2
after=$(available)
echo "idle memory per host: $(( (before - after) / (n + 1) )) KiB (MemAvailable delta / hosts)"
echo "hosts up: $(provision lab status --lab "$work/big" | grep -c ' up$') of $((n + 1))"
echo "$((n + 1)) hosts down: $(seconds provision lab down --lab "$work/big") s"

[ "$booted" -gt 0 ] || exit 0
if ! reason=$(node -e 'import("./dist/lab/requirements.js").then((m) => { const r = m.bootedUnsupportedReason(); if (r) { console.log(r); process.exit(1); } })'); then
  echo "booted hosts: skipped ($reason)"
  exit 0
fi
# Booted: up is when systemd reports running (or degraded) on every host; memory after 5 s idle.
booted_run() { # name lab-dir inventory hosts
  settle
  local before after
  before=$(available)
  local t
  t=$(seconds provision lab up --lab "$2" --kind booted -i "$3")
  echo "$1 booted up: $t s (every host's systemd done)"
  sleep 5
  after=$(available)
  echo "$1 booted: memory per host $(( (before - after) / $4 )) KiB (MemAvailable delta / hosts), $(( $(pss_kib "$2") / $4 )) KiB (PSS of the hosts' processes / hosts)"
  echo "$1 booted: hosts up $(provision lab status --lab "$2" | grep -c ' up$') of $4"
  echo "$1 booted down: $(seconds provision lab down --lab "$2") s"
}
booted_run "playground (5 hosts)" "$work/bsmall" inventories/playground.yml 5
[ "$booted" -gt 5 ] || exit 0
provision lab inventory "$((booted - 1))" > "$work/booted.yml"
booted_run "$booted hosts" "$work/bbig" "$work/booted.yml" "$booted"
