import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { LabError } from '../errors.js';
import type { Inventory } from '../inventory/model.js';
import { mapLimit, runChecked } from '../util/process.js';
import { makeLabAccount } from './account.js';
import { addToRepository } from './apt-repository.js';
import { prepareBootedLab, waitForBootedHosts } from './booted-lab.js';
import { withoutMachineCapabilities } from './capabilities.js';
import { prepareBootedLayer } from './booted-layer.js';
import { findLabCgroups, isPopulated, killCgroup, removeTree, unmountLabCgroup2 } from './cgroup.js';
import { freshControllerCommand } from './controller.js';
import { assertInotifyRoom } from './inotify.js';
import { initPidOf, isListeningOnSsh, netnsInode, processesInNamespaces, startHost } from './host-process.js';
import { readHostRun } from './host-run.js';
import { currentInitPid, hostStatus, type HostStatus, isOwnedBy } from './host-status.js';
import { createNetwork, namespaceNames, removeNetwork } from './network.js';
import { type HostKind, type LabHostPlan, planLab } from './plan.js';
import { assertBootedSupported, assertLabSupported } from './requirements.js';
import { prepareHostRoot } from './rootfs.js';
import { labPaths, type LabState, readLabState, writeLabState } from './state.js';
import { readSupervisorInfo, startSupervisor, stopSupervisor } from './supervisor-process.js';

export type Say = (line: string) => void;
export type { HostStatus } from './host-status.js';

export interface LabUpOptions {
  /** The kind of every host whose inventory sets no `lab_host_kind` (default sshd). */
  readonly kind?: HostKind;
}

const PREPARE_CONCURRENCY = 8;

/** Brings up one host per inventory host with an address; harmless when already up. */
export async function labUp(dirArg: string, inventory: Inventory, inventorySources: readonly string[], say: Say, options: LabUpOptions = {}): Promise<LabState> {
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
  const plan = planLab(inventory, randomBytes(3).toString('hex'), options.kind);
  const booted = plan.hosts.filter((h) => h.kind === 'booted');
  const sshdOnly = plan.hosts.filter((h) => h.kind === 'sshd');
  if (booted.length > 0) {
    assertBootedSupported();
    assertInotifyRoom(booted.length);
  }
  const controller = plan.hosts.find((h) => h.controller);
  const paths = labPaths(dir);
  mkdirSync(paths.ssh, { recursive: true, mode: 0o700 });
  let state: LabState = { plan, inventory: inventorySources, createdAt: new Date().toISOString(), pids: {} };
  writeLabState(dir, state);
  const notes: string[] = [];
  try {
    await runChecked('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'provision-lab', '-f', paths.privateKey]);
    const authorizedKey = readFileSync(paths.publicKey, 'utf8');
    const account = await makeLabAccount();
    const prepare = async (h: LabHostPlan): Promise<string> => {
      const hostKey = await prepareHostRoot(dir, h, account, authorizedKey);
      if (h.kind === 'booted') await prepareBootedLayer(dir, h, controller?.address);
      return hostKey;
    };
    const [, hostKeys] = await Promise.all([
      createNetwork(plan),
      mapLimit(plan.hosts, PREPARE_CONCURRENCY, prepare),
      booted.length > 0 ? prepareBootedLab(dir, plan) : undefined,
    ]);
    const knownHosts = plan.hosts.map((h, i) => `${h.name},${h.address} ${hostKeys[i]?.split(' ').slice(0, 2).join(' ')}`);
    writeFileSync(paths.knownHosts, `${knownHosts.join('\n')}\n`, { mode: 0o644 });
    const unsharePids = new Map(sshdOnly.map((h) => [h.name, startHost(dir, h)]));
    if (booted.length > 0) {
      // Recorded before it boots anything, so `down` finds it even if this process dies now.
      const supervisor = startSupervisor(dir, controller?.netns ?? plan.switchNetns);
      state = { ...state, supervisor };
      writeLabState(dir, state);
    }
    const pids = await waitUntilListening(dir, sshdOnly, unsharePids);
    if (state.supervisor) {
      const deadline = Date.now() + 30_000 + booted.length * 2_000;
      const boots = await waitForBootedHosts(dir, booted, state.supervisor, deadline, controller !== undefined);
      for (const [name, boot] of boots) {
        pids[name] = boot.initPid;
        if (boot.system !== 'running') notes.push(`${name}: systemd ${boot.system}${boot.failed.length ? ` (failed: ${boot.failed.join(', ')})` : ''}`);
      }
    }
    state = { ...state, pids };
    writeLabState(dir, state);
  } catch (err) {
    await labDown(dir, () => {});
    throw err;
  }
  const kinds = booted.length === 0 ? '' : booted.length === plan.hosts.length ? ' (booted)' : ` (${booted.length} booted)`;
  say(`lab up in ${dir}: ${plan.hosts.length} hosts${kinds} on ${plan.network} in ${((Date.now() - started) / 1000).toFixed(2)} s`);
  const serving = readSupervisorInfo(dir)?.serving;
  if (serving) say(`lab repository ${serving.apt} and web root ${serving.files} (from ${paths.repo} and ${paths.www})`);
  for (const note of notes) say(note);
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

/**
 * Removes everything the lab made: its supervisor, processes, cgroups, mounts, namespaces (and
 * their links), files. Works from the state directory alone, so also after the CLI that ran
 * `up` was killed.
 */
export async function labDown(dirArg: string, say: Say): Promise<void> {
  assertLabSupported();
  const dir = resolve(dirArg);
  const state = readLabState(dir);
  if (!state) {
    say(`no lab in ${dir}: nothing to do`);
    return;
  }
  // First the supervisor, so that nothing starts a host again while they are ended.
  await stopSupervisor(dir, state.supervisor);
  const cgroups = findLabCgroups(state.plan.id);
  for (const cg of cgroups) killCgroup(cg);
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
  const inits = [...Object.values(state.pids), ...bootedRunPids(dir, state)];
  while (inits.some(isExiting) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
  for (const cg of cgroups) {
    while (isPopulated(cg) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    removeTree(cg);
  }
  await unmountLabCgroup2(dir);
  await removeNetwork(state.plan);
  const stillThere = names.filter((n) => existsSync(`/run/netns/${n}`));
  if (stillThere.length > 0) throw new LabError(`could not delete network namespaces: ${stillThere.join(' ')}`);
  const cgroupsLeft = findLabCgroups(state.plan.id);
  if (cgroupsLeft.length > 0) throw new LabError(`could not remove cgroups: ${cgroupsLeft.join(' ')}`);
  rmSync(dir, { recursive: true, force: true });
  say(`lab down: removed ${state.plan.hosts.length} hosts and ${dir}`);
}

/** The PIDs the supervisor last recorded for booted hosts (waiters and inits of later boots). */
function bootedRunPids(dir: string, state: LabState): number[] {
  return state.plan.hosts
    .filter((h) => h.kind === 'booted')
    .flatMap((h) => {
      const r = readHostRun(dir, h.name);
      return [r?.initPid, r?.waiterPid].filter((p): p is number => p !== undefined);
    });
}

export function labStatus(dirArg: string): HostStatus[] {
  assertLabSupported();
  const dir = resolve(dirArg);
  const state = readLabState(dir);
  if (!state) return [];
  return state.plan.hosts.map((h) => hostStatus(dir, state, h));
}

/** Still running or tearing down (not yet a zombie or gone); only asked of PIDs this lab has SIGKILLed. */
function isExiting(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) [ZX] /s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
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

function requireHost(dir: string, state: LabState, name: string): { host: LabHostPlan; pid: number } {
  const host = state.plan.hosts.find((h) => h.name === name);
  if (!host) throw new LabError(`no lab host "${name}": the lab has ${state.plan.hosts.map((h) => h.name).join(', ')}`);
  const pid = currentInitPid(resolve(dir), state, host);
  if (pid === undefined || !isOwnedBy(pid, host.netns)) {
    const now = hostStatus(resolve(dir), state, host).state;
    const passing = now === 'booting' || now === 'rebooting' || now === 'stopping';
    throw new LabError(`lab host ${name} is not running (${now}): ${passing ? 'wait for it' : "run 'provision lab up'"}`);
  }
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
  const { host, pid } = requireHost(dir, state, hostName);
  if (argv.length === 0) throw new LabError('lab exec needs a command after --');
  // A booted host also has its own IPC, cgroup and time namespaces.
  const namespaces = host.kind === 'booted' ? ['-m', '-u', '-n', '-p', '-i', '-C', '-T'] : ['-m', '-u', '-n', '-p'];
  return passThrough('nsenter', ['-t', String(pid), ...namespaces, '-r', '-w', '--', ...withoutMachineCapabilities(argv)], {
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

export interface LabRunOptions {
  /** Run from this host rather than the controller. */
  readonly on?: string;
  /** Hand a booted controller the lab's key and known hosts (an sshd controller always has them). */
  readonly labKey?: boolean;
}

/**
 * Runs a controller command (normally `provision …`) from the controller host's network and
 * hostname, with the machine's files; so it reaches the lab, and only the lab. A booted
 * controller is a fresh management box: its own empty home, no key, no known hosts.
 */
export function labRun(dir: string, argv: readonly string[], options: LabRunOptions, provisionCommand: readonly string[]): Promise<number> {
  const state = requireState(dir);
  const name = options.on ?? state.plan.hosts.find((h) => h.controller)?.name;
  if (!name) throw new LabError('the lab has no controller host (group "management" or lab_controller: true): pass --on HOST');
  const { host, pid } = requireHost(dir, state, name);
  if (argv.length === 0) throw new LabError('lab run needs a command after --');
  const command = argv[0] === 'provision' ? [...provisionCommand, ...argv.slice(1)] : [...argv];
  if (host.kind === 'booted') {
    const extra = options.labKey ? labControllerEnv(dir) : { PROVISION_LAB_DIR: resolve(dir) };
    const fresh = freshControllerCommand(resolve(dir), host.netns, pid, withoutMachineCapabilities(command), extra);
    return passThrough('nsenter', fresh.args, fresh.env);
  }
  return passThrough('nsenter', [`--net=/run/netns/${host.netns}`, `--uts=/proc/${pid}/ns/uts`, '--', ...withoutMachineCapabilities(command)], {
    ...process.env,
    ...labControllerEnv(dir),
  });
}

/** Adds .deb files to the lab's apt repository; hosts see them after `apt-get update`. */
export async function labRepoAdd(dir: string, debs: readonly string[]): Promise<string[]> {
  requireState(dir);
  if (debs.length === 0) throw new LabError('lab repo add needs .deb files');
  return addToRepository(labPaths(resolve(dir)).repo, debs.map((d) => resolve(d)));
}

function passThrough(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', env });
    child.on('error', reject);
    child.on('close', (code, signal) => resolvePromise(code ?? (signal ? 128 + 9 : 1)));
  });
}
