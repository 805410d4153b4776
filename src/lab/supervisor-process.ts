import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LabError } from '../errors.js';
import { commandLineOf, isRunning, type ProcessRef, processRef } from './process-identity.js';
import { labPaths, readJson } from './state.js';
import type { SupervisorInfo } from './supervisor.js';

/** node and its arguments for the supervisor, from the built file (or the source, under tsx). */
function supervisorCommand(labDir: string): string[] {
  const self = import.meta.url;
  if (self.endsWith('.ts')) return [process.execPath, '--import', 'tsx', fileURLToPath(new URL('./supervisor.ts', self)), labDir];
  return [process.execPath, fileURLToPath(new URL('./supervisor.js', self)), labDir];
}

/** Starts the lab's supervisor, detached, inside the given network namespace. */
export function startSupervisor(labDir: string, netns: string): ProcessRef {
  const log = openSync(labPaths(labDir).supervisorLog, 'a');
  try {
    const child = spawn('nsenter', [`--net=/run/netns/${netns}`, '--', ...supervisorCommand(labDir)], {
      detached: true,
      stdio: ['ignore', log, log],
      env: { PATH: process.env['PATH'] ?? '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8' },
    });
    child.unref();
    if (child.pid === undefined) throw new LabError('could not start the lab supervisor');
    const ref = processRef(child.pid);
    if (!ref) throw new LabError(`the lab supervisor ended at once: see ${labPaths(labDir).supervisorLog}`);
    return ref;
  } finally {
    closeSync(log);
  }
}

export function readSupervisorInfo(labDir: string): SupervisorInfo | undefined {
  return readJson<SupervisorInfo>(labPaths(labDir).supervisor);
}

/** The process is this lab's supervisor: same start time, and its command names the lab. */
function isOurSupervisor(ref: ProcessRef, labDir: string): boolean {
  if (!isRunning(ref)) return false;
  const argv = commandLineOf(ref.pid);
  return argv.includes(labDir) && argv.some((a) => /supervisor\.(js|ts)$/.test(a));
}

/**
 * Ends the lab's supervisor, found from the lab's state and from what it wrote itself (so also
 * when the CLI that started it was killed before recording it). Never signals another process.
 */
export async function stopSupervisor(labDir: string, recorded: ProcessRef | undefined): Promise<void> {
  const own = readSupervisorInfo(labDir);
  const candidates = [recorded, own ? { pid: own.pid, startTime: own.startTime } : undefined].filter(
    (r): r is ProcessRef => r !== undefined && isOurSupervisor(r, labDir),
  );
  for (const ref of candidates) signal(ref.pid, 'SIGTERM');
  const deadline = Date.now() + 3000;
  while (candidates.some(isRunning) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  for (const ref of candidates.filter(isRunning)) signal(ref.pid, 'SIGKILL');
  while (candidates.some(isRunning) && Date.now() < deadline + 2000) await new Promise((r) => setTimeout(r, 20));
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}
