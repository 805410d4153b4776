#!/usr/bin/env bash
# The playground on the local lab: five real sshd hosts on 10.0.15.0/24 (mgmt, lb, mesos-master-1,
# mesos-agent-1, mesos-agent-2). From mgmt, provision writes every host's /etc/hosts from the
# inventory and gathered facts, then runs again to show that nothing changes the second time.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
lab=$(mktemp -d /tmp/provision-demo-XXXXXX) && rmdir "$lab"
provision() { node bin/provision.js "$@"; }
trap 'provision lab down --lab "$lab"' EXIT

provision lab up --lab "$lab" -i inventories/playground.yml
provision lab status --lab "$lab"
echo
echo "=== provision playbooks/provision-hosts-file.yml (from mgmt, over SSH as vagrant, sudo)"
provision lab run --lab "$lab" -- provision playbooks/provision-hosts-file.yml
echo "=== the same again: nothing to change"
provision lab run --lab "$lab" -- provision playbooks/provision-hosts-file.yml | sed -n '/PLAY RECAP/,$p'
echo "=== /etc/hosts on mesos-agent-1"
provision lab exec --lab "$lab" mesos-agent-1 -- cat /etc/hosts
