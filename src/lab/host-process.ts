import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { DROP_MACHINE_WIDE } from './capabilities.js';
import { labPaths } from './state.js';
import type { LabHostPlan } from './plan.js';

/**
 * Runs as PID 1 of the host's new PID, mount and UTS namespaces, inside its network namespace:
 * configures eth1, mounts the overlay root with its own /proc, /sys, /dev and /run, hides the
 * lab's directory, pivots into the root and becomes sshd, without the machine-wide capabilities.
 */
const HOST_INIT = String.raw`set -eu
root=$1 upper=$2 work=$3 name=$4 cidr=$5 labdir=$6 caps=$7
echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6
ip link set lo up
ip addr add "$cidr" dev eth1
ip link set eth1 up
ip route add default dev eth1
mount -t overlay overlay -o "lowerdir=/,upperdir=$upper,workdir=$work" "$root"
mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys"
mount -t tmpfs -o mode=755,size=1m tmpfs "$root/dev"
for dev in "null 1 3" "zero 1 5" "full 1 7" "random 1 8" "urandom 1 9" "tty 5 0"; do
  set -- $dev
  mknod -m 666 "$root/dev/$1" c "$2" "$3"
done
mkdir "$root/dev/pts" "$root/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=620 devpts "$root/dev/pts"
ln -s pts/ptmx "$root/dev/ptmx"
ln -s /proc/self/fd "$root/dev/fd"
mount -t tmpfs -o mode=755 tmpfs "$root/run"
mkdir -m 755 "$root/run/sshd"
if [ -d "$root$labdir" ]; then mount -t tmpfs -o mode=700,size=4k tmpfs "$root$labdir"; fi
hostname "$name"
cd "$root"
pivot_root . .
umount -l .
cd /
exec setpriv --bounding-set="$caps" -- /usr/sbin/sshd -D -e
`;

/** Starts one lab host and returns the PID of `unshare`, the process that waits on its init. */
export function startHost(labDir: string, host: LabHostPlan): number {
  const paths = labPaths(labDir);
  const log = openSync(paths.log(host.name), 'a');
  const child = spawn(
    'nsenter',
    [
      `--net=/run/netns/${host.netns}`,
      '--',
      'unshare',
      '--mount',
      '--uts',
      '--pid',
      '--fork',
      '--propagation',
      'private',
      '--',
      'sh',
      '-c',
      HOST_INIT,
      'lab-host',
      paths.root(host.name),
      paths.upper(host.name),
      paths.work(host.name),
      host.name,
      `${host.address}/${host.prefix}`,
      labDir,
      DROP_MACHINE_WIDE,
    ],
    { detached: true, stdio: ['ignore', log, log] },
  );
  child.unref();
  closeSync(log);
  if (child.pid === undefined) throw new Error(`could not start lab host ${host.name}`);
  return child.pid;
}

/** The host's init (its sshd), once `unshare` has forked it. */
export function initPidOf(unsharePid: number): number | undefined {
  try {
    const children = readFileSync(`/proc/${unsharePid}/task/${unsharePid}/children`, 'utf8').trim();
    const first = Number(children.split(/\s+/)[0]);
    return Number.isInteger(first) && first > 0 ? first : undefined;
  } catch {
    return undefined;
  }
}

/** True once something in the process's network namespace listens on TCP port 22. */
export function isListeningOnSsh(pid: number): boolean {
  try {
    const table = readFileSync(`/proc/${pid}/net/tcp`, 'utf8');
    return table.split('\n').some((line) => {
      const cols = line.trim().split(/\s+/);
      return cols[1]?.endsWith(':0016') === true && cols[3] === '0A';
    });
  } catch {
    return false;
  }
}

/** Inode of a named network namespace, or undefined once it is gone. */
export function netnsInode(netns: string): number | undefined {
  const path = `/run/netns/${netns}`;
  return existsSync(path) ? statSync(path).ino : undefined;
}

/** Every process whose network namespace is one of `inodes`: ours by construction, never a guess by PID. */
export function processesInNamespaces(inodes: ReadonlySet<number>): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const link = readlinkSync(`/proc/${entry}/ns/net`);
      const inode = Number(/\[(\d+)\]/.exec(link)?.[1]);
      if (inodes.has(inode)) found.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}
