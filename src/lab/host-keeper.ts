import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { spawnBootedHost } from './booted-host.js';
import { resetHostCgroup } from './cgroup.js';
import { initPidOf, isListeningOnSsh } from './host-process.js';
import { type HostRun, writeHostRun } from './host-run.js';
import type { LabHostPlan } from './plan.js';
import { labPaths } from './state.js';

/** More reboots than this within REBOOT_WINDOW_MS is a boot loop: the host is left failed. */
const MAX_REBOOTS = 10;
const REBOOT_WINDOW_MS = 60_000;
const POLL_MS = 50;

/**
 * Keeps one booted host running inside the supervisor: starts it, records each run, and starts
 * it again with the same disk when it reboots. A poweroff leaves it off.
 */
export class HostKeeper {
  private boots = 0;
  private rebootTimes: number[] = [];
  private child: ChildProcess | undefined;
  private poll: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly labDir: string,
    private readonly host: LabHostPlan,
    private readonly cgroupPath: string,
    private readonly log: (line: string) => void,
  ) {}

  start(): void {
    if (this.stopped) return;
    try {
      resetHostCgroup(this.cgroupPath);
    } catch (err) {
      // A cgroup still busy is reused as it is; the boot must not wait on it.
      this.log(`${this.host.name}: could not empty ${this.cgroupPath}: ${(err as Error).message}`);
    }
    const child = spawnBootedHost(this.labDir, this.host, this.cgroupPath);
    this.child = child;
    this.boots++;
    const first = this.boots === 1;
    const waiterPid = child.pid;
    let run: HostRun = { state: first ? 'booting' : 'rebooting', boots: this.boots, since: new Date().toISOString(), ...(waiterPid ? { waiterPid } : {}) };
    this.record(run);
    this.log(`${this.host.name}: boot ${this.boots} started (waiter ${waiterPid})`);
    child.on('error', (err) => this.log(`${this.host.name}: could not start: ${err.message}`));
    child.on('exit', (code, signal) => this.onExit(code, signal));
    this.poll = setInterval(() => {
      if (waiterPid === undefined) return;
      const initPid = run.initPid ?? initPidOf(waiterPid);
      if (initPid === undefined) return;
      if (run.initPid === undefined) {
        run = { ...run, initPid };
        this.record(run);
      }
      if (isListeningOnSsh(initPid)) {
        run = { ...run, state: 'up', since: new Date().toISOString() };
        this.record(run);
        this.log(`${this.host.name}: up (init ${initPid})`);
        this.stopPolling();
      }
    }, POLL_MS);
  }

  /** Stops watching; the host itself runs on (`lab down` ends it). */
  stop(): void {
    this.stopped = true;
    this.stopPolling();
    this.child?.removeAllListeners('exit');
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.stopPolling();
    const since = new Date().toISOString();
    if (this.stopped) return;
    if (signal === 'SIGHUP') {
      const now = Date.now();
      this.rebootTimes = [...this.rebootTimes.filter((t) => now - t < REBOOT_WINDOW_MS), now];
      if (this.rebootTimes.length > MAX_REBOOTS) {
        this.record({ state: 'failed', boots: this.boots, since, detail: `more than ${MAX_REBOOTS} reboots in a minute` });
        return;
      }
      this.log(`${this.host.name}: rebooting`);
      this.record({ state: 'rebooting', boots: this.boots, since });
      this.start();
    } else if (signal === 'SIGINT') {
      this.log(`${this.host.name}: powered off`);
      this.record({ state: 'off', boots: this.boots, since });
    } else {
      const detail = `${signal ? `ended by ${signal}` : `exited ${code}`}: ${lastLines(labPaths(this.labDir).console(this.host.name))}`;
      this.log(`${this.host.name}: ${detail}`);
      this.record({ state: 'failed', boots: this.boots, since, detail });
    }
  }

  private record(run: HostRun): void {
    writeHostRun(this.labDir, this.host.name, run);
  }

  private stopPolling(): void {
    if (this.poll) clearInterval(this.poll);
    this.poll = undefined;
  }
}

function lastLines(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim().split('\n').slice(-3).join(' | ');
  } catch {
    return '(no console output)';
  }
}
