import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { DROP_MACHINE_WIDE } from './capabilities.js';
import type { LabHostPlan } from './plan.js';
import { labPaths } from './state.js';

/**
 * Runs as PID 1 of the host's new PID, mount, UTS, IPC and time namespaces, inside its network
 * namespace: moves itself into the host's cgroup, then enters a cgroup namespace rooted there.
 */
const ENTER_CGROUP = String.raw`set -eu
boot=$1 cgroup=$2
shift 2
echo 0 > "$cgroup/cgroup.procs"
exec unshare --cgroup -- sh -c "$boot" lab-boot "$@"
`;

/**
 * Mounts the host's root (the overlay, kept across reboots) with its own /proc (/proc/sys
 * read-only but for net), a read-only /sys with its cgroup subtree, its own /dev, /run and
 * /tmp, and its docker directory (kept across reboots too: a plain directory, so docker's
 * overlay2 works, which cannot stack on the overlay root); hides the lab's directory; then becomes systemd, without the machine-wide capabilities. eth1 is left down and bare: the host's
 * networking.service brings it up from /etc/network/interfaces, at every boot.
 */
const BOOT = String.raw`set -eu
root=$1 upper=$2 work=$3 name=$4 labdir=$5 caps=$6 docker=$7
echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6
ip addr flush dev eth1
ip link set eth1 down
mount -t overlay overlay -o "lowerdir=/,upperdir=$upper,workdir=$work" "$root"
mount -t proc proc "$root/proc"
mount --bind "$root/proc/sys" "$root/proc/sys"
mount --bind "$root/proc/sys/net" "$root/proc/sys/net"
mount -o remount,bind,ro "$root/proc/sys"
for p in sysrq-trigger irq bus; do
  if [ -e "$root/proc/$p" ]; then mount --bind "$root/proc/$p" "$root/proc/$p"; mount -o remount,bind,ro "$root/proc/$p"; fi
done
mount -t sysfs -o ro sysfs "$root/sys"
mount -t cgroup2 cgroup2 "$root/sys/fs/cgroup"
mount -t tmpfs -o mode=755,size=4m tmpfs "$root/dev"
for dev in "null 1 3" "zero 1 5" "full 1 7" "random 1 8" "urandom 1 9" "tty 5 0"; do
  set -- $dev
  mknod -m 666 "$root/dev/$1" c "$2" "$3"
done
for p in kcore kmsg; do
  if [ -e "$root/proc/$p" ]; then mount --bind "$root/dev/null" "$root/proc/$p"; fi
done
mkdir "$root/dev/pts" "$root/dev/shm" "$root/dev/net"
mount -t devpts -o newinstance,ptmxmode=0666,mode=620 devpts "$root/dev/pts"
mount -t tmpfs -o mode=1777 tmpfs "$root/dev/shm"
mknod -m 666 "$root/dev/net/tun" c 10 200
ln -s pts/ptmx "$root/dev/ptmx"
ln -s /proc/self/fd "$root/dev/fd"
ln -s /proc/self/fd/0 "$root/dev/stdin"
ln -s /proc/self/fd/1 "$root/dev/stdout"
ln -s /proc/self/fd/2 "$root/dev/stderr"
# A boot id of this boot's own (the kernel's is the machine's): what tells a reboot happened.
cat /proc/sys/kernel/random/uuid > "$root/dev/.lab-boot-id"
mount --bind "$root/dev/.lab-boot-id" "$root/proc/sys/kernel/random/boot_id"
mount -t tmpfs -o mode=755 tmpfs "$root/run"
if [ -d "$root$labdir" ]; then mount -t tmpfs -o mode=700,size=4k tmpfs "$root$labdir"; fi
mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"
mkdir -p "$docker" "$root/var/lib/docker"
mount --bind "$docker" "$root/var/lib/docker"
hostname "$name"
cd "$root"
pivot_root . .
umount -l .
cd /
exec env -i container=provision-lab setpriv --bounding-set="$caps" -- /lib/systemd/systemd
`;

/**
 * Starts one boot of a booted host and returns the process that waits on its PID 1 (`unshare`).
 * That process ends with signal SIGHUP when the host reboots and SIGINT when it powers off: the
 * kernel ends a PID namespace's init that way when it calls reboot(2).
 */
export function spawnBootedHost(labDir: string, host: LabHostPlan, cgroupPath: string): ChildProcess {
  const paths = labPaths(labDir);
  const consoleLog = openSync(paths.console(host.name), 'a');
  const sinceBoot = Math.floor(Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]));
  try {
    return spawn(
      'nsenter',
      [
        `--net=/run/netns/${host.netns}`,
        '--',
        'unshare',
        '--mount',
        '--uts',
        '--ipc',
        '--pid',
        // Its own clocks since boot: uptime starts at 0 at every boot, as on a machine.
        '--time',
        '--monotonic',
        `-${sinceBoot}`,
        '--boottime',
        `-${sinceBoot}`,
        '--fork',
        '--propagation',
        'private',
        '--',
        'sh',
        '-c',
        ENTER_CGROUP,
        'lab-host',
        BOOT,
        cgroupPath,
        paths.root(host.name),
        paths.upper(host.name),
        paths.work(host.name),
        host.name,
        labDir,
        DROP_MACHINE_WIDE,
        paths.docker(host.name),
      ],
      // Its own process group: signals meant for the supervisor never reach a host.
      { detached: true, stdio: ['ignore', consoleLog, consoleLog] },
    );
  } finally {
    closeSync(consoleLog);
  }
}
