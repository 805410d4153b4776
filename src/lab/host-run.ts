import { labPaths, readJson, writeJsonAtomically } from './state.js';

/**
 * A booted host's current run, as its supervisor sees it: `booting` (first boot, not yet
 * listening on SSH), `up`, `rebooting` (started again after `reboot`, not yet listening), `off`
 * (powered off: it stays off), `failed` (ended otherwise; see `detail`).
 */
export type RunState = 'booting' | 'up' | 'rebooting' | 'off' | 'failed';

export interface HostRun {
  readonly state: RunState;
  /** How many times the host has been started (1 on its first boot). */
  readonly boots: number;
  /** `unshare`, the process that waits on the host's PID 1. */
  readonly waiterPid?: number;
  /** The host's PID 1 (systemd), as the machine numbers it. */
  readonly initPid?: number;
  readonly since: string;
  readonly detail?: string;
}

export function readHostRun(labDir: string, host: string): HostRun | undefined {
  return readJson<HostRun>(labPaths(labDir).run(host));
}

export function writeHostRun(labDir: string, host: string, run: HostRun): void {
  writeJsonAtomically(labPaths(labDir).run(host), run);
}
