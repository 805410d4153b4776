import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabPlan } from './plan.js';

/** What `down` needs to remove a lab, written before anything is created. */
export interface LabState {
  readonly plan: LabPlan;
  readonly inventory: readonly string[];
  readonly createdAt: string;
  /** PID of each host's namespace init (its sshd), by host name, once started. */
  readonly pids: Record<string, number>;
}

export const STATE_FILE = 'lab.json';

export function readLabState(dir: string): LabState | undefined {
  const path = join(dir, STATE_FILE);
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as LabState;
}

export function writeLabState(dir: string, state: LabState): void {
  const path = join(dir, STATE_FILE);
  writeFileSync(`${path}.tmp`, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
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
});
