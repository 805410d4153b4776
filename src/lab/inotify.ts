import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { LabError } from '../errors.js';

/**
 * inotify instances are counted per user across the whole machine (fs.inotify.max_user_instances,
 * 128 on Debian), and every process of every lab host runs as root. A booted host's systemd,
 * logind, dbus and containerd hold about 8; past the limit a host's systemd cannot start, and
 * the machine's own root processes could not watch files either. So `lab up` checks for room
 * first rather than eat the machine's share; `scripts/setup.sh` raises the limit.
 */
export const INOTIFY_PER_BOOTED_HOST = 10;
export const INOTIFY_LIMIT_WANTED = 8192;

export function inotifyLimit(): number {
  return Number(readFileSync('/proc/sys/fs/inotify/max_user_instances', 'utf8').trim());
}

/** inotify instances open on the machine now (all users: an upper bound of root's). */
export function inotifyInstancesInUse(): number {
  let count = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`) === 'anon_inode:inotify') count++;
      } catch {
        // Closed meanwhile.
      }
    }
  }
  return count;
}

export function assertInotifyRoom(bootedHosts: number): void {
  const limit = inotifyLimit();
  const inUse = inotifyInstancesInUse();
  const needed = bootedHosts * INOTIFY_PER_BOOTED_HOST;
  if (inUse + needed > limit) {
    throw new LabError(
      `${bootedHosts} booted hosts need about ${needed} inotify instances; ${inUse} of the machine's ${limit} ` +
        `(fs.inotify.max_user_instances) are in use: run scripts/setup.sh, or sysctl -w fs.inotify.max_user_instances=${INOTIFY_LIMIT_WANTED}`,
    );
  }
}
