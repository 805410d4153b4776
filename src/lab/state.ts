import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabPlan } from './plan.js';
import type { ProcessRef } from './process-identity.js';

/** What `down` needs to remove a lab, written before anything is created. */
export interface LabState {
  readonly plan: LabPlan;
  readonly inventory: readonly string[];
  readonly createdAt: string;
  /** PID of each host's namespace init (sshd, or systemd at its first boot), by host name, once started. */
  readonly pids: Record<string, number>;
  /** The lab's supervisor (labs with booted hosts), recorded as soon as it is started. */
  readonly supervisor?: ProcessRef;
}

export const STATE_FILE = 'lab.json';

export function readLabState(dir: string): LabState | undefined {
  const path = join(dir, STATE_FILE);
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as LabState;
}

export function writeLabState(dir: string, state: LabState): void {
  writeJsonAtomically(join(dir, STATE_FILE), state);
}

/** Readers never see half a file: write beside it, then rename over it. */
export function writeJsonAtomically(path: string, value: unknown): void {
  writeFileSync(`${path}.tmp`, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
}

export function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Paths inside a lab's directory. */
export const labPaths = (dir: string) => ({
  ssh: join(dir, 'ssh'),
  privateKey: join(dir, 'ssh', 'id_ed25519'),
  publicKey: join(dir, 'ssh', 'id_ed25519.pub'),
  knownHosts: join(dir, 'ssh', 'known_hosts'),
  host: (name: string) => join(dir, 'hosts', name),
  upper: (name: string) => join(dir, 'hosts', name, 'upper'),
  work: (name: string) => join(dir, 'hosts', name, 'work'),
  root: (name: string) => join(dir, 'hosts', name, 'root'),
  log: (name: string) => join(dir, 'hosts', name, 'sshd.log'),
  /** A booted host's console: what its systemd and the lab's init script print. */
  console: (name: string) => join(dir, 'hosts', name, 'console.log'),
  /** A booted host's /var/lib/docker: part of its disk, like the upper layer. */
  docker: (name: string) => join(dir, 'hosts', name, 'docker'),
  /** A booted host's current run, kept by the supervisor (see host-run.ts). */
  run: (name: string) => join(dir, 'hosts', name, 'run.json'),
  supervisor: join(dir, 'supervisor.json'),
  supervisorLog: join(dir, 'supervisor.log'),
  /** The controller host's own home (lab run binds it over root's home). */
  controllerHome: join(dir, 'controller', 'home'),
  /** The lab's apt repository (served at /debian/) and web root (served at /files/). */
  repo: join(dir, 'repo'),
  www: join(dir, 'www'),
  /** Where the lab mounts cgroup2 itself when the machine has it mounted nowhere. */
  cgroupMount: join(dir, 'cgroup2'),
});
