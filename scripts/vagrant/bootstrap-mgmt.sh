#!/bin/sh
# mgmt's bootstrap (root, Debian 12), the playground's bootstrap-mgmt.sh for `provision`: the
# machines' names in /etc/hosts, Node.js 20, `provision` from the synced project folder (never
# `npm install provision`: that name on the npm registry is an unrelated package), and the
# vagrant user's key that playbooks/provision-mgmt-ssh-key.yml pushes to every machine.
# Safe to run again.
set -eu
project=${PROVISION_PROJECT:-/vagrant}
node_version=${PROVISION_NODE_VERSION:-20.19.5}

# 1. Names, as the playground does (once).
if ! grep -q '^# vagrant environment nodes' /etc/hosts; then
  cat >> /etc/hosts <<'HOSTS'
# vagrant environment nodes
10.0.15.10  mgmt
10.0.15.11  lb
10.0.15.101  mesos-master-1
10.0.15.201  mesos-agent-1
10.0.15.202  mesos-agent-2
HOSTS
fi

# 2. Node.js 20 or newer: the official build, checked against its published checksum.
node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(node_major)" -lt 20 ]; then
  arch=$(dpkg --print-architecture | sed 's/amd64/x64/')
  name="node-v$node_version-linux-$arch.tar.xz"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  command -v curl >/dev/null || { apt-get update -q && apt-get install -y -q curl xz-utils ca-certificates; }
  curl -fsSL --retry 3 -o "$tmp/$name" "https://nodejs.org/dist/v$node_version/$name"
  curl -fsSL --retry 3 -o "$tmp/SHASUMS256.txt" "https://nodejs.org/dist/v$node_version/SHASUMS256.txt"
  (cd "$tmp" && grep " $name\$" SHASUMS256.txt | sha256sum -c -)
  tar -xJf "$tmp/$name" -C /usr/local --strip-components=1 --no-same-owner
fi

# 3. provision from the project folder: its dependencies and build, then the command.
if [ ! -f "$project/dist/cli/main.js" ] || [ ! -d "$project/node_modules" ]; then
  (cd "$project" && npm ci --no-audit --no-fund)
fi
cat > /usr/local/bin/provision.tmp <<EOF_WRAPPER
#!/bin/sh
exec node "$project/bin/provision.js" "\$@"
EOF_WRAPPER
chmod 755 /usr/local/bin/provision.tmp
mv /usr/local/bin/provision.tmp /usr/local/bin/provision

# 4. The vagrant user's key (pushed by provision-mgmt-ssh-key.yml) and the boxes' password for
#    that first, password-authenticated run (the Vagrant boxes' well-known `vagrant`).
su - vagrant -c 'test -f ~/.ssh/id_rsa || ssh-keygen -q -t rsa -b 3072 -N "" -f ~/.ssh/id_rsa'
install -d -m 755 /etc/provision
if [ ! -f /etc/provision/vagrant-password ]; then
  (umask 077 && printf 'vagrant\n' > /etc/provision/vagrant-password)
  chown vagrant /etc/provision/vagrant-password
fi
