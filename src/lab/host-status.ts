import { readlinkSync } from 'node:fs';
import { isListeningOnSsh, netnsInode } from './host-process.js';
import { readHostRun } from './host-run.js';
import type { LabHostPlan } from './plan.js';
import type { LabState } from './state.js';

/**
 * A host as `lab status` shows it: `up` (listening on SSH), `booting`, `stopping` (a booted host
 * on its way down), `rebooting`, `off` (powered off), `failed`, or `DOWN` (not running).
 */
export type HostState = 'up' | 'booting' | 'stopping' | 'rebooting' | 'off' | 'failed' | 'DOWN';

export interface HostStatus {
  readonly name: string;
  readonly address: string;
  readonly kind: LabHostPlan['kind'];
  /** The host's init (sshd, or systemd for a booted host) as the machine numbers it. */
  readonly pid: number | undefined;
  readonly up: boolean;
  readonly state: HostState;
}

/** The PID of a host's init now: a booted host's changes at every boot. */
export function currentInitPid(labDir: string, state: LabState, host: LabHostPlan): number | undefined {
  if (host.kind === 'booted') return readHostRun(labDir, host.name)?.initPid ?? state.pids[host.name];
  return state.pids[host.name];
}

export function hostStatus(labDir: string, state: LabState, host: LabHostPlan): HostStatus {
  const pid = currentInitPid(labDir, state, host);
  const alive = pid !== undefined && isOwnedBy(pid, host.netns);
  const listening = alive && isListeningOnSsh(pid);
  const status = (s: HostState): HostStatus => ({ name: host.name, address: host.address, kind: host.kind, pid, up: s === 'up', state: s });
  if (listening) return status('up');
  if (host.kind === 'sshd') return status('DOWN');
  const run = readHostRun(labDir, host.name);
  if (alive) return status(run?.state === 'up' ? 'stopping' : run?.state === 'rebooting' ? 'rebooting' : 'booting');
  if (run?.state === 'off' || run?.state === 'failed' || run?.state === 'rebooting') return status(run.state);
  return status('DOWN');
}

/** The PID is still the host's own process: it lives in the host's network namespace. */
export function isOwnedBy(pid: number, netns: string): boolean {
  const inode = netnsInode(netns);
  try {
    return inode !== undefined && readlinkSync(`/proc/${pid}/ns/net`) === `net:[${inode}]`;
  } catch {
    return false;
  }
}
