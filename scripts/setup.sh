#!/usr/bin/env bash
# Installs what provision and its lab need on a fresh Debian machine (Debian packages, then the
# npm packages and the build). Safe to run again: it installs only what is missing.
# Usage: scripts/setup.sh [--with-ansible]
set -euo pipefail
cd "$(dirname "$0")/.."

# The tests also compare provision's output with the real ansible-playbook (--with-ansible).
needs="sshd:openssh-server ssh-keygen:openssh-client sudo:sudo ip:iproute2 nsenter:util-linux script:bsdutils openssl:openssl"
[ "${1:-}" = --with-ansible ] && needs="$needs ansible-playbook:ansible-core"

missing=()
for need in $needs; do
  program=${need%%:*}
  command -v "$program" >/dev/null 2>&1 || [ -x "/usr/sbin/$program" ] || missing+=("${need#*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: root is needed to install ${missing[*]} (run: sudo $0)" >&2
    exit 1
  fi
  # Installing openssh-server must not start an sshd on the machine itself: the lab runs its own.
  policy=/usr/sbin/policy-rc.d
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod 755 "$policy"
    trap 'rm -f "$policy"' EXIT
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run --silent build
