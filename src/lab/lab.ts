import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { LabError } from '../errors.js';
import type { Inventory } from '../inventory/model.js';
import { mapLimit, runChecked } from '../util/process.js';
import { makeLabAccount } from './account.js';
import {
  initPidOf,
  isListeningOnSsh,
  netnsInode,
  processesInNamespaces,
  startHost,
} from './host-process.js';
import { createNetwork, namespaceNames, removeNetwork } from './network.js';
import { type LabHostPlan, planLab } from './plan.js';
import { assertLabSupported } from './requirements.js';
import { prepareHostRoot } from './rootfs.js';
import { labPaths, type LabState, readLabState, writeLabState } from './state.js';

export type Say = (line: string) => void;

export interface HostStatus {
  readonly name: string;
  readonly address: string;
  readonly pid: number | undefined;
  readonly up: boolean;
}

const PREPARE_CONCURRENCY = 8;

/** Brings up one sshd host per inventory host with an address; harmless when already up. */
export async function labUp(dirArg: string, inventory: Inventory, inventorySources: readonly string[], say: Say): Promise<LabState> {
  assertLabSupported();
  const dir = resolve(dirArg);
  const existing = readLabState(dir);
  if (existing) {
    const statuses = labStatus(dir);
    if (statuses.every((s) => s.up)) {
      say(`lab already up in ${dir} (${statuses.length} hosts): nothing to do`);
      return existing;
    }
    say(`lab in ${dir} is only partly up: removing it first`);
    await labDown(dir, () => {});
  }
  const started = Date.now();
  const plan = planLab(inventory, randomBytes(3).toString('hex'));
  const paths = labPaths(dir);
  mkdirSync(paths.ssh, { recursive: true, mode: 0o700 });
  let state: LabState = { plan, inventory: inventorySources, createdAt: new Date().toISOString(), pids: {} };
  writeLabState(dir, state);
  try {
    await runChecked('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'provision-lab', '-f', paths.privateKey]);
    const authorizedKey = readFileSync(paths.publicKey, 'utf8');
    const account = await makeLabAccount();
    const [, hostKeys] = await Promise.all([
      createNetwork(plan),
      mapLimit(plan.hosts, PREPARE_CONCURRENCY, (h) => prepareHostRoot(dir, h, account, authorizedKey)),
    ]);
    const knownHosts = plan.hosts.map((h, i) => `${h.name},${h.address} ${hostKeys[i]?.split(' ').slice(0, 2).join(' ')}`);
    writeFileSync(paths.knownHosts, `${knownHosts.join('\n')}\n`, { mode: 0o644 });
    const unsharePids = new Map(plan.hosts.map((h) => [h.name, startHost(dir, h)]));
    const pids = await waitUntilListening(dir, plan.hosts, unsharePids);
    state = { ...state, pids };
    writeLabState(dir, state);
  } catch (err) {
    await labDown(dir, () => {});
    throw err;
  }
  say(`lab up in ${dir}: ${plan.hosts.length} hosts on ${plan.network} in ${((Date.now() - started) / 1000).toFixed(2)} s`);
  return state;
}

async function waitUntilListening(dir: string, hosts: readonly LabHostPlan[], unsharePids: Map<string, number>): Promise<Record<string, number>> {
  const deadline = Date.now() + 20_000 + hosts.length * 100;
  const pids: Record<string, number> = {};
  let waiting = [...hosts];
  while (waiting.length > 0) {
    waiting = waiting.filter((h) => {
      const outer = unsharePids.get(h.name) ?? 0;
      const inner = pids[h.name] ?? initPidOf(outer);
      if (inner !== undefined) pids[h.name] = inner;
      if (inner !== undefined && isListeningOnSsh(inner)) return false;
      if (!existsSync(`/proc/${outer}`)) {
        const log = readFileSync(labPaths(dir).log(h.name), 'utf8').trim();
        throw new LabError(`lab host ${h.name} failed to start: ${log.split('\n').slice(-3).join(' | ')}`);
      }
      return true;
    });
    if (waiting.length === 0) break;
    if (Date.now() > deadline) throw new LabError(`lab hosts did not start listening in time: ${waiting.map((h) => h.name).join(', ')}`);
    await new Promise((r) => setTimeout(r, 15));
  }
  return pids;
}

/** Removes everything the lab made: processes, namespaces (and their links), files. */
export async function labDown(dirArg: string, say: Say): Promise<void> {
  assertLabSupported();
  const dir = resolve(dirArg);
  const state = readLabState(dir);
  if (!state) {
    say(`no lab in ${dir}: nothing to do`);
    return;
  }
  const names = namespaceNames(state.plan);
  const inodes = new Set(names.map(netnsInode).filter((i): i is number => i !== undefined));
  // Killing each namespace's processes ends every host's PID namespace (its init is among them).
  const deadline = Date.now() + 10_000;
  for (;;) {
    const left = processesInNamespaces(inodes);
    if (left.length === 0) break;
    if (Date.now() > deadline) throw new LabError(`lab processes would not end: ${left.join(' ')}`);
    for (const pid of left) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  // A killed process leaves its namespaces before it has finished exiting: wait for the hosts' inits to be gone.
  // (Bounded: a PID reused by another process after ours was reaped must not hold `down` up.)
  while (Object.values(state.pids).some(isExiting) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
  await removeNetwork(state.plan);
  const stillThere = names.filter((n) => existsSync(`/run/netns/${n}`));
  if (stillThere.length > 0) throw new LabError(`could not delete network namespaces: ${stillThere.join(' ')}`);
  rmSync(dir, { recursive: true, force: true });
  say(`lab down: removed ${state.plan.hosts.length} hosts and ${dir}`);
}

export function labStatus(dirArg: string): HostStatus[] {
  assertLabSupported();
  const dir = resolve(dirArg);
  const state = readLabState(dir);
  if (!state) return [];
  return state.plan.hosts.map((h) => {
    const pid = state.pids[h.name];
    const up = pid !== undefined && isOwnedBy(pid, h.netns) && isListeningOnSsh(pid);
    return { name: h.name, address: h.address, pid, up };
  });
}

/** Still running or tearing down (not yet a zombie or gone); only asked of PIDs this lab has SIGKILLed. */
function isExiting(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) [ZX] /s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** The PID is still the host's own process: it lives in the host's network namespace. */
function isOwnedBy(pid: number, netns: string): boolean {
  const inode = netnsInode(netns);
  try {
    return inode !== undefined && readlinkSync(`/proc/${pid}/ns/net`) === `net:[${inode}]`;
  } catch {
    return false;
  }
}

function requireState(dir: string): LabState {
  assertLabSupported();
  const state = readLabState(resolve(dir));
  if (!state) throw new LabError(`no lab in ${resolve(dir)}: run 'provision lab up' first`);
  return state;
}

function requireHost(state: LabState, name: string): { host: LabHostPlan; pid: number } {
  const host = state.plan.hosts.find((h) => h.name === name);
  if (!host) throw new LabError(`no lab host "${name}": the lab has ${state.plan.hosts.map((h) => h.name).join(', ')}`);
  const pid = state.pids[name];
  if (pid === undefined || !isOwnedBy(pid, host.netns)) throw new LabError(`lab host ${name} is not running: run 'provision lab up'`);
  return { host, pid };
}

const CLEAN_ENV = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  HOME: '/root',
  LANG: 'C.UTF-8',
};

/** Runs argv as root on a lab host (all its namespaces and its root) and returns its exit code. */
export function labExec(dir: string, hostName: string, argv: readonly string[]): Promise<number> {
  const state = requireState(dir);
  const { pid } = requireHost(state, hostName);
  if (argv.length === 0) throw new LabError('lab exec needs a command after --');
  return passThrough('nsenter', ['-t', String(pid), '-m', '-u', '-n', '-p', '-r', '-w', '--', ...argv], {
    ...CLEAN_ENV,
    TERM: process.env['TERM'] ?? 'dumb',
  });
}

/** Environment that points a controller run at the lab's key and known_hosts. */
export function labControllerEnv(dir: string): Record<string, string> {
  const paths = labPaths(resolve(dir));
  return {
    PROVISION_LAB_DIR: resolve(dir),
    PROVISION_PRIVATE_KEY_FILE: paths.privateKey,
    PROVISION_KNOWN_HOSTS: paths.knownHosts,
  };
}

/**
 * Runs a controller command (normally `provision …`) from the controller host's network and
 * hostname, with the machine's files; so it reaches the lab, and only the lab.
 */
export function labRun(dir: string, argv: readonly string[], on: string | undefined, provisionCommand: readonly string[]): Promise<number> {
  const state = requireState(dir);
  const name = on ?? state.plan.hosts.find((h) => h.controller)?.name;
  if (!name) throw new LabError('the lab has no controller host (group "management" or lab_controller: true): pass --on HOST');
  const { host, pid } = requireHost(state, name);
  if (argv.length === 0) throw new LabError('lab run needs a command after --');
  const command = argv[0] === 'provision' ? [...provisionCommand, ...argv.slice(1)] : [...argv];
  return passThrough('nsenter', [`--net=/run/netns/${host.netns}`, `--uts=/proc/${pid}/ns/uts`, '--', ...command], {
    ...process.env,
    ...labControllerEnv(dir),
  });
}

function passThrough(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', env });
    child.on('error', reject);
    child.on('close', (code, signal) => resolvePromise(code ?? (signal ? 128 + 9 : 1)));
  });
}
