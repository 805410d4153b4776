import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { LabError } from '../errors.js';

/** Programs the lab runs, and the Debian package that brings each. */
const NEEDED: Record<string, string> = {
  ip: 'iproute2',
  nsenter: 'util-linux',
  unshare: 'util-linux',
  pivot_root: 'util-linux',
  sshd: 'openssh-server',
  'ssh-keygen': 'openssh-client',
  sudo: 'sudo',
  openssl: 'openssl',
};

function onPath(program: string): boolean {
  const dirs = (process.env['PATH'] ?? '').split(delimiter).concat(['/usr/sbin', '/sbin']);
  return dirs.some((dir) => {
    try {
      accessSync(join(dir, program), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Why the lab cannot run here, or undefined when it can. */
export function labUnsupportedReason(): string | undefined {
  if (process.platform !== 'linux') return `the lab needs Linux (network, mount and PID namespaces); this is ${process.platform}`;
  if (process.getuid?.() !== 0) return 'the lab needs root (it creates network namespaces and mounts): run it with sudo';
  const missing = Object.keys(NEEDED).filter((p) => !onPath(p));
  if (missing.length > 0) {
    const packages = [...new Set(missing.map((p) => NEEDED[p]))].join(' ');
    return `the lab needs ${missing.join(', ')}: apt-get install ${packages}`;
  }
  return undefined;
}

export function assertLabSupported(): void {
  const reason = labUnsupportedReason();
  if (reason) throw new LabError(reason);
}

/** Programs booted hosts run (they see the machine's files through their overlay root). */
const BOOTED_NEEDED: Record<string, string> = {
  '/lib/systemd/systemd': 'systemd',
  '/usr/sbin/sshd': 'openssh-server',
  '/usr/sbin/dockerd': 'docker.io',
  '/usr/bin/containerd': 'containerd',
  '/sbin/ifup': 'ifupdown',
  '/usr/bin/dbus-daemon': 'dbus',
  '/usr/sbin/cron': 'cron',
  '/bin/busybox': 'busybox-static',
  '/usr/bin/dpkg-deb': 'dpkg',
};

/** Why booted hosts cannot run here, or undefined when they can. */
export function bootedUnsupportedReason(): string | undefined {
  const base = labUnsupportedReason();
  if (base) return base;
  const missing = Object.keys(BOOTED_NEEDED).filter((path) => {
    try {
      accessSync(path, constants.X_OK);
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length > 0) {
    const packages = [...new Set(missing.map((p) => BOOTED_NEEDED[p]))].join(' ');
    return `booted lab hosts need ${missing.join(', ')}: run scripts/setup.sh, or apt-get install ${packages}`;
  }
  return undefined;
}

export function assertBootedSupported(): void {
  const reason = bootedUnsupportedReason();
  if (reason) throw new LabError(reason);
}
