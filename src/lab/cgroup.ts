import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, runChecked } from '../util/process.js';
import { labPaths } from './state.js';

/**
 * Booted hosts' cgroup v2 subtrees: `<cgroup2>/plab-<id>/h<index>`, one per host, each the root of
 * that host's cgroup namespace. The machine may run cgroup v1 (hybrid): v2 is then reached
 * through its unified mount, or through a mount of the lab's own under the lab directory.
 */
export function labCgroupName(labId: string): string {
  return `plab-${labId}`;
}

export function hostCgroupName(index: number): string {
  return `h${index}`;
}

/** Mount points of cgroup2 in this mount namespace, from /proc/self/mountinfo. */
export function cgroup2Mounts(): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((line) => / - cgroup2 /.test(line))
    .map((line) => unescapeMountPath(line.split(' ')[4] ?? ''));
}

function unescapeMountPath(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/** The cgroup2 root to use, mounting one under the lab directory if the machine has none. */
export async function ensureCgroup2(labDir: string): Promise<string> {
  const existing = cgroup2Mounts()[0];
  if (existing !== undefined) return existing;
  const own = labPaths(labDir).cgroupMount;
  mkdirSync(own, { recursive: true });
  await runChecked('mount', ['-t', 'cgroup2', 'cgroup2', own]);
  return own;
}

/** Creates the lab's subtree and one child per booted host; returns each host's cgroup path. */
export function createLabCgroups(root: string, labId: string, hostIndexes: readonly number[]): Map<number, string> {
  const lab = join(root, labCgroupName(labId));
  mkdirSync(lab, { recursive: true });
  return new Map(hostIndexes.map((i) => [i, join(lab, hostCgroupName(i))]));
}

/**
 * Empties a host's cgroup before it boots again: the cgroups its last systemd made (init.scope,
 * system.slice…) outlive it. The host's own directory is made if missing.
 */
export function resetHostCgroup(path: string): void {
  if (existsSync(path)) for (const child of childCgroups(path)) removeTree(join(path, child));
  mkdirSync(path, { recursive: true });
}

/** Every lab subtree of this lab, wherever cgroup2 is mounted (at most one in practice). */
export function findLabCgroups(labId: string): string[] {
  return [...new Set(cgroup2Mounts())].map((m) => join(m, labCgroupName(labId))).filter((p) => existsSync(p));
}

/** Kills every process in the subtree at once (cgroup.kill, Linux ≥ 5.14). */
export function killCgroup(path: string): void {
  try {
    writeFileSync(join(path, 'cgroup.kill'), '1');
  } catch {
    // Older kernel or already gone: the namespace sweep in `down` ends the processes.
  }
}

export function isPopulated(path: string): boolean {
  try {
    return /^populated 1$/m.test(readFileSync(join(path, 'cgroup.events'), 'utf8'));
  } catch {
    return false;
  }
}

/** Removes a cgroup and its children, deepest first (rmdir is the only way to remove one). */
export function removeTree(path: string): void {
  if (!existsSync(path)) return;
  for (const child of childCgroups(path)) removeTree(join(path, child));
  try {
    rmdirSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

function childCgroups(path: string): string[] {
  try {
    return readdirSync(path, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
  } catch {
    return [];
  }
}

/** Unmounts the lab's own cgroup2 mount, if it made one. */
export async function unmountLabCgroup2(labDir: string): Promise<void> {
  const own = labPaths(labDir).cgroupMount;
  if (cgroup2Mounts().includes(own)) await run('umount', ['-l', own]);
}
