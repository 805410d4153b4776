import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LabError } from '../errors.js';
import { run } from '../util/process.js';
import { addToRepository, buildRepositoryIndex, DEFAULT_DEBS_DIR, debsIn } from './apt-repository.js';
import { buildBusyboxImageTar } from './busybox-image.js';
import { createLabCgroups, ensureCgroup2 } from './cgroup.js';
import { prepareControllerHome } from './controller.js';
import { readHostRun } from './host-run.js';
import type { LabHostPlan, LabPlan } from './plan.js';
import { isRunning, type ProcessRef } from './process-identity.js';
import { labPaths } from './state.js';
import { publishWeaveStandin } from './weave-standin.js';
import { readSupervisorInfo } from './supervisor-process.js';

/** Where the busybox image's tar is, in the web root (served at /files/images/busybox.tar). */
export const BUSYBOX_TAR = 'images/busybox.tar';

/**
 * What a lab with booted hosts has beside them: its cgroup subtree, the controller's own home,
 * the apt repository (seeded with the machine's lab packages) and the web root with the busybox
 * image's tar and the stand-in `weave` script.
 */
export async function prepareBootedLab(labDir: string, plan: LabPlan): Promise<void> {
  const paths = labPaths(labDir);
  const booted = plan.hosts.filter((h) => h.kind === 'booted');
  createLabCgroups(await ensureCgroup2(labDir), plan.id, booted.map((h) => h.index));
  if (plan.hosts.find((h) => h.controller)?.kind === 'booted') prepareControllerHome(labDir);
  const seed = debsIn(process.env['PROVISION_LAB_DEBS'] ?? DEFAULT_DEBS_DIR);
  await (seed.length > 0 ? addToRepository(paths.repo, seed) : buildRepositoryIndex(paths.repo));
  await buildBusyboxImageTar(join(paths.www, BUSYBOX_TAR));
  publishWeaveStandin(paths.www);
}

/** How a booted host ended its boot: systemd's verdict, and the failed units when degraded. */
export interface BootResult {
  readonly initPid: number;
  readonly system: string;
  readonly failed: readonly string[];
}

/**
 * Waits until every booted host listens on SSH and its systemd has finished starting
 * (`systemctl is-system-running --wait`), and the supervisor serves, failing early with the
 * reason when a host or the supervisor ends.
 */
export async function waitForBootedHosts(
  labDir: string,
  hosts: readonly LabHostPlan[],
  supervisor: ProcessRef,
  deadline: number,
  servesFromController: boolean,
): Promise<Map<string, BootResult>> {
  const paths = labPaths(labDir);
  const listening = new Map<string, number>();
  for (;;) {
    if (!isRunning(supervisor)) throw new LabError(`the lab supervisor ended: ${tail(paths.supervisorLog)}`);
    for (const h of hosts) {
      const r = readHostRun(labDir, h.name);
      if (r?.state === 'failed' || r?.state === 'off') throw new LabError(`lab host ${h.name} did not boot (${r.state}): ${r.detail ?? tail(paths.console(h.name))}`);
      if (r?.state === 'up' && r.initPid !== undefined) listening.set(h.name, r.initPid);
    }
    const info = readSupervisorInfo(labDir);
    if (info?.error) throw new LabError(info.error);
    if (listening.size === hosts.length && (!servesFromController || info?.serving)) break;
    if (Date.now() > deadline) {
      const late = hosts.filter((h) => !listening.has(h.name)).map((h) => h.name);
      throw new LabError(`booted hosts did not come up in time: ${late.join(', ') || '(the lab web server)'}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  const results = await Promise.all(
    hosts.map(async (h): Promise<[string, BootResult]> => {
      const initPid = listening.get(h.name) ?? 0;
      const system = await inHost(initPid, ['systemctl', 'is-system-running', '--wait'], deadline);
      const failed = system === 'running' ? [] : (await inHost(initPid, ['systemctl', '--failed', '--plain', '--no-legend'], deadline)).split('\n').map((l) => l.split(' ')[0] ?? '').filter(Boolean);
      return [h.name, { initPid, system: system || 'unknown', failed }];
    }),
  );
  return new Map(results);
}

/** Runs a command in a booted host's namespaces; its trimmed stdout, whatever its exit code. */
async function inHost(initPid: number, argv: readonly string[], deadline: number): Promise<string> {
  const left = Math.max(1, Math.ceil((deadline - Date.now()) / 1000));
  const r = await run('timeout', [String(left), 'nsenter', '-t', String(initPid), '-m', '-p', '--', ...argv]);
  return r.stdout.trim();
}

function tail(path: string): string {
  if (!existsSync(path)) return '(no log)';
  return readFileSync(path, 'utf8').trim().split('\n').slice(-3).join(' | ');
}
