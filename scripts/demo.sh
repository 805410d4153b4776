#!/usr/bin/env bash
# The playground on the local lab: five booted hosts (systemd, sshd, docker) on 10.0.15.0/24
# (mgmt, lb, mesos-master-1, mesos-agent-1, mesos-agent-2). From mgmt, a fresh management box
# (empty home: no key, no known hosts), provision learns the hosts' keys, logs in with the
# vagrant password and writes every host's /etc/hosts from the inventory and gathered facts,
# then runs again to show that nothing changes the second time.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
lab=$(mktemp -d /tmp/provision-demo-XXXXXX) && rmdir "$lab"
provision() { node bin/provision.js "$@"; }
trap 'provision lab down --lab "$lab"' EXIT

provision lab up --lab "$lab" --kind booted -i inventories/playground.yml
provision lab status --lab "$lab"
echo
echo "=== on mgmt: learn the hosts' SSH keys, keep the vagrant password for provision"
provision lab run --lab "$lab" -- sh -c 'ssh-keyscan -t ed25519 10.0.15.10 10.0.15.11 10.0.15.101 10.0.15.201 10.0.15.202 2>/dev/null > ~/.ssh/known_hosts; umask 077; echo vagrant > ~/vagrant-password; wc -l < ~/.ssh/known_hosts'
echo "=== provision playbooks/provision-hosts-file.yml (from mgmt, over SSH as vagrant with its password, sudo)"
provision lab run --lab "$lab" -- provision --connection-password-file "$HOME/vagrant-password" playbooks/provision-hosts-file.yml
echo "=== the same again: nothing to change"
provision lab run --lab "$lab" -- provision --connection-password-file "$HOME/vagrant-password" playbooks/provision-hosts-file.yml | sed -n '/PLAY RECAP/,$p'
echo "=== /etc/hosts on mesos-agent-1, and its systemd"
provision lab exec --lab "$lab" mesos-agent-1 -- sh -c 'cat /etc/hosts; systemctl is-system-running'
