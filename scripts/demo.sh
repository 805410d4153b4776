#!/usr/bin/env bash
# The playground on the local lab: five real sshd hosts on 10.0.15.0/24, reached from mgmt.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
lab=$(mktemp -d /tmp/provision-demo-XXXXXX) && rmdir "$lab"
provision() { node bin/provision.js "$@"; }
trap 'provision lab down --lab "$lab"' EXIT

provision lab up --lab "$lab" -i inventories/playground.yml
provision lab status --lab "$lab"
echo "--- from mgmt, over SSH as vagrant, to every host:"
provision lab run --lab "$lab" -- sh -c '
  for ip in 10.0.15.10 10.0.15.11 10.0.15.101 10.0.15.201 10.0.15.202; do
    ssh -i "$PROVISION_PRIVATE_KEY_FILE" -o UserKnownHostsFile="$PROVISION_KNOWN_HOSTS" -o BatchMode=yes \
      vagrant@$ip "echo \"\$(hostname) \$(hostname -I) sudo-uid=\$(sudo -n id -u)\""
  done'
