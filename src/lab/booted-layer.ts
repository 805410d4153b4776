import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runChecked } from '../util/process.js';
import { aptSourcesList } from './lab-services.js';
import type { LabHostPlan } from './plan.js';
import { mirrorParents, putFile } from './rootfs.js';
import { enablementLinks, machineEnabledUnits, requiredUnits, type UnitLink } from './systemd-units.js';

/** The units a booted host runs beyond systemd's own: a small Debian server's. */
export const ALLOWED_UNITS: readonly string[] = [
  'ssh.service',
  'docker.service',
  'docker.socket',
  'containerd.service',
  'networking.service',
  'systemd-journald.service',
  'systemd-logind.service',
  'dbus.service',
  'cron.service',
];

/**
 * Units systemd would start in any container that act on kernel-wide state the host shares with
 * the machine (debugfs, tracefs, binfmt_misc, the clock, modules, udev): masked in every host.
 */
const KERNEL_WIDE_UNITS: readonly string[] = [
  'sys-kernel-debug.mount',
  'sys-kernel-tracing.mount',
  'sys-kernel-config.mount',
  'sys-fs-fuse-connections.mount',
  'proc-sys-fs-binfmt_misc.automount',
  'proc-sys-fs-binfmt_misc.mount',
  'systemd-binfmt.service',
  'dev-hugepages.mount',
  'systemd-timesyncd.service',
  'systemd-modules-load.service',
  'kmod-static-nodes.service',
  'systemd-sysctl.service',
  'systemd-pstore.service',
  'systemd-udevd.service',
  'systemd-udevd-control.socket',
  'systemd-udevd-kernel.socket',
  'systemd-udev-trigger.service',
  'systemd-udev-settle.service',
  'systemd-hwdb-update.service',
];

const SYSTEMD_ETC = 'etc/systemd/system';

/**
 * The systemd configuration of a booted host, relative to /etc/systemd/system: the allowlist
 * (and the host's `lab_units`) enabled, everything else the machine enabled masked, and the
 * machine's own unit files and drop-ins there hidden.
 */
export function planUnits(extraUnits: readonly string[]): { links: UnitLink[]; hidden: string[] } {
  const allowed = new Set([...ALLOWED_UNITS, ...extraUnits]);
  const links = new Map<string, string>();
  links.set('default.target', '/lib/systemd/system/multi-user.target');
  for (const unit of allowed) for (const l of enablementLinks(unit)) links.set(l.path, l.target);
  // What an allowed unit requires stays usable even if the allowlist does not enable it.
  const required = new Set([...allowed].flatMap(requiredUnits));
  const masked = [...machineEnabledUnits(), ...sysvEnabledUnits(), ...KERNEL_WIDE_UNITS].filter((u) => !allowed.has(u) && !required.has(u));
  for (const unit of masked) links.set(unit, '/dev/null');
  // The machine's other entries (its own units, aliases, drop-ins) are none of a fresh box's business.
  const hidden = listNames(`/${SYSTEMD_ETC}`)
    .filter((e) => !/\.(wants|requires|upholds)$/.test(e) && !links.has(e))
    .map((e) => `${SYSTEMD_ETC}/${e}`);
  return { links: [...links].map(([path, target]) => ({ path, target })), hidden };
}

/** Init scripts the machine starts in runlevels 2-5 (systemd's sysv generator would run them). */
function sysvEnabledUnits(): string[] {
  const names = new Set<string>();
  for (const level of [2, 3, 4, 5]) {
    for (const link of listNames(`/etc/rc${level}.d`)) {
      const m = /^S\d\d(.+)$/.exec(link);
      if (m?.[1]) names.add(`${m[1].replace(/\.sh$/, '')}.service`);
    }
  }
  return [...names];
}

/** Machine paths (relative to /) a booted host must not see: the machine's package sources and state. */
function hiddenMachineState(): string[] {
  const under = (dir: string, keep: readonly string[] = []): string[] =>
    listNames(`/${dir}`)
      .filter((e) => !keep.includes(e))
      .map((e) => `${dir}/${e}`);
  return [
    ...under('etc/apt/sources.list.d'),
    ...under('var/lib/apt/lists', ['lock', 'partial']),
    ...under('etc/network/interfaces.d'),
    ...['var/lib/docker', 'var/lib/containerd'].filter((p) => existsSync(`/${p}`)),
    // No man page index rebuilt after each package install (seconds per apt run; as man-db/auto-update false).
    ...['var/lib/man-db/auto-update'].filter((p) => existsSync(`/${p}`)),
  ];
}

function interfacesFile(host: LabHostPlan): string {
  return `# Written by provision lab: this host's interfaces, brought up at boot by networking.service (ifup -a).
source /etc/network/interfaces.d/*

auto lo
iface lo inet loopback

# The lab network. Its default route leads nowhere but the lab.
auto eth1
iface eth1 inet static
    address ${host.address}/${host.prefix}
    post-up ip route add default dev eth1
`;
}

/**
 * Writes what turns a host's overlay over the machine's root into a clean Debian server: its
 * own units, network interfaces, machine id, package source, docker and mount configuration.
 * `controllerAddress` is where the lab's repository is served, if the lab has a controller.
 */
export async function prepareBootedLayer(labDir: string, host: LabHostPlan, controllerAddress: string | undefined): Promise<void> {
  const upper = join(labDir, 'hosts', host.name, 'upper');
  const units = planUnits(host.units);
  const put = (path: string, content: string): void => putFile(upper, path, content, 0o644);
  put('etc/network/interfaces', interfacesFile(host));
  mirrorParents(upper, 'etc/network/interfaces.d');
  put('etc/machine-id', `${randomBytes(16).toString('hex')}\n`);
  put('etc/apt/sources.list', aptSourcesList(controllerAddress));
  // /var/lib/docker is the host's own directory on the machine's disk (booted-host.ts): overlay2
  // works there and keeps images and containers across reboots (docs/lab.md has the figures).
  put('etc/docker/daemon.json', `${JSON.stringify({ 'storage-driver': 'overlay2' }, null, 2)}\n`);
  // The journal in memory: a persistent one preallocates 8 MB per host on the machine's disk.
  put('etc/systemd/journald.conf.d/provision-lab.conf', '[Journal]\nStorage=volatile\nRuntimeMaxUse=16M\n');
  put('etc/fstab', '# Written by provision lab: nothing to mount; the lab mounts the root, /proc, /sys, /dev, /run and /tmp.\n');
  // No DNS server exists in the lab: lookups fail at once instead of waiting on one outside.
  put('etc/resolv.conf', '# Written by provision lab: no name server in the lab; names come from /etc/hosts.\nnameserver 127.0.0.1\n');
  for (const link of units.links) {
    const path = join(upper, SYSTEMD_ETC, link.path);
    mirrorParents(upper, dirname(join(SYSTEMD_ETC, link.path)));
    symlinkSync(link.target, path);
  }
  await hide(upper, [...units.hidden, ...hiddenMachineState()]);
}

/** Overlayfs whiteouts (character devices 0:0) in the upper layer: the host does not see those paths. */
async function hide(upper: string, paths: readonly string[]): Promise<void> {
  if (paths.length === 0) return;
  for (const p of paths) mirrorParents(upper, dirname(p));
  await runChecked('sh', ['-c', 'for f do mknod "$f" c 0 0; done', 'lab-hide', ...paths.map((p) => join(upper, p))]);
}

function listNames(dir: string): string[] {
  try {
    return statSync(dir).isDirectory() ? readdirSync(dir) : [];
  } catch {
    return [];
  }
}
