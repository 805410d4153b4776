#!/usr/bin/env bash
# Installs what provision and its lab need on a fresh Debian machine (Debian packages, then the
# npm packages and the build). Safe to run again: it installs only what is missing.
# Usage: scripts/setup.sh [--with-ansible]
set -euo pipefail
cd "$(dirname "$0")/.."

# program:package. The second line is what booted lab hosts run (systemd as their PID 1, sshd,
# dockerd, `ifup -a` at boot, cron, a busybox image for docker); nothing of it runs on the machine.
needs="sshd:openssh-server ssh-keygen:openssh-client sudo:sudo ip:iproute2 nsenter:util-linux script:bsdutils openssl:openssl"
needs="$needs /lib/systemd/systemd:systemd dbus-daemon:dbus dockerd:docker.io containerd:containerd ifup:ifupdown busybox:busybox-static cron:cron"
# The tests also compare provision's output with the real ansible-playbook, and run it from a real
# Vagrant (docker provider, a Debian box made with debootstrap) (--with-ansible).
with_test_tools=false
[ "${1:-}" = --with-ansible ] && with_test_tools=true
$with_test_tools && needs="$needs ansible-playbook:ansible-core vagrant:vagrant debootstrap:debootstrap"

# Debian packages the lab's apt repository offers its hosts (tests install them from there).
lab_debs_dir=/var/cache/provision-lab/debs
lab_debs="hello ethtool conntrack"

missing=()
for need in $needs; do
  program=${need%%:*}
  command -v "$program" >/dev/null 2>&1 || [ -x "/usr/sbin/$program" ] || missing+=("${need#*:}")
done
missing_debs=()
for deb in $lab_debs; do
  compgen -G "$lab_debs_dir/${deb}_*.deb" >/dev/null || missing_debs+=("$deb")
done
if [ ${#missing[@]} -gt 0 ] || [ ${#missing_debs[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: root is needed to install ${missing[*]} ${missing_debs[*]} (run: sudo $0)" >&2
    exit 1
  fi
  # Installing openssh-server, docker.io, cron… must not start them on the machine itself: the
  # lab runs its own.
  policy=/usr/sbin/policy-rc.d
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod 755 "$policy"
    trap 'rm -f "$policy"' EXIT
  fi
  apt-get update -qq
  if [ ${#missing[@]} -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  if [ ${#missing_debs[@]} -gt 0 ]; then
    mkdir -p "$lab_debs_dir"
    (cd "$lab_debs_dir" && apt-get download -qq -o APT::Sandbox::User=root "${missing_debs[@]}")
  fi
fi

# Every booted lab host holds about 10 inotify instances, all counted against root's machine-wide
# limit (128 on Debian): a 50-host lab needs more. (Raised, never lowered.)
inotify=/proc/sys/fs/inotify/max_user_instances
if [ "$(cat "$inotify")" -lt 8192 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: root is needed to raise fs.inotify.max_user_instances to 8192 (run: sudo $0)" >&2
    exit 1
  fi
  echo 8192 > "$inotify"
  echo 'fs.inotify.max_user_instances = 8192' > /etc/sysctl.d/60-provision-lab.conf
fi

# The Vagrant test's box (a minimal Debian 12 root with sshd and the vagrant user), built once:
# about a minute from Debian's mirror.
vagrant_box=/var/cache/provision-test/vagrant-box.tar
if $with_test_tools && [ ! -f "$vagrant_box" ]; then
  mkdir -p "${vagrant_box%/*}"
  bash test/fixtures/vagrant/box/build-box.sh "$vagrant_box"
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run --silent build
