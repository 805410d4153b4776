#!/usr/bin/env bash
# The playground on the local lab, the whole flow: five booted hosts (systemd, sshd, docker) on
# 10.0.15.0/24 (mgmt, lb, mesos-master-1, mesos-agent-1, mesos-agent-2). From mgmt, a fresh
# management box (empty home: no key, no known hosts), provision learns the hosts' keys and pushes
# mgmt's own with the vagrant password, writes every /etc/hosts, then builds the Docker + Weave
# overlay in bridge mode (inventories/bridge-mode.yml); a container on mesos-agent-1 pings one on
# mesos-agent-2 across it, and a second run changes nothing. The overlay uses the lab's stand-in
# for the weave command (docs/weave-standin.md), not Weave Net itself.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
lab=$(mktemp -d /tmp/provision-demo-XXXXXX) && rmdir "$lab"
inventory=inventories/bridge-mode.yml
provision() { node bin/provision.js "$@"; }
on_mgmt() { provision lab run --lab "$lab" -- "$@"; }
trap 'provision lab down --lab "$lab"' EXIT
started=$SECONDS
step() { echo; echo "=== [$((SECONDS - started)) s] $*"; }

step "lab up: the playground as booted hosts"
provision lab up --lab "$lab" -i "$inventory"
provision lab status --lab "$lab"

step "on mgmt: its own key, as the playground's bootstrap makes it; the boxes' vagrant password"
on_mgmt sh -c 'ssh-keygen -q -t rsa -b 3072 -N "" -f ~/.ssh/id_rsa && umask 077 && echo vagrant > ~/vagrant-password && ls ~/.ssh'

step "provision playbooks/provision-mgmt-ssh-key.yml: keyscan into mgmt's known_hosts, mgmt's key on every host (password auth)"
on_mgmt provision -i "$inventory" --connection-password-file "$HOME/vagrant-password" playbooks/provision-mgmt-ssh-key.yml

step "provision site.yml: every /etc/hosts, then Docker + Weave in bridge mode (mgmt's key from now on)"
on_mgmt provision -i "$inventory" site.yml

step "the overlay: a container on mesos-agent-2, pinged from a container on mesos-agent-1"
provision lab exec --lab "$lab" mesos-agent-2 -- docker run -d --name demo busybox:lab sleep 600 >/dev/null
address=$(provision lab exec --lab "$lab" mesos-agent-2 -- docker inspect -f '{{.NetworkSettings.IPAddress}}' demo)
echo "container on mesos-agent-2: $address (mesos-agent-2's weave subnet)"
provision lab exec --lab "$lab" mesos-agent-1 -- docker run --rm busybox:lab ping -c 3 -W 2 "$address"
provision lab exec --lab "$lab" mesos-agent-1 -- weave status peers

step "site.yml again: nothing to change"
on_mgmt provision -i "$inventory" site.yml | sed -n '/PLAY RECAP/,$p'

step "done in $((SECONDS - started)) s (lab down follows)"
