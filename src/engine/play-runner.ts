import type { Become } from '../connection/host-connection.js';
import { UnreachableError } from '../connection/host-connection.js';
import { FACTS_SCRIPT, parseFacts } from '../facts/gather.js';
import { hostSettings } from '../inventory/host-settings.js';
import type { Inventory } from '../inventory/model.js';
import { selectHosts } from '../inventory/patterns.js';
import { readVarsFile } from '../inventory/vars-dirs.js';
import { type Play, type Task, taskTitle } from '../playbook/model.js';
import type { Templar } from '../template/templar.js';
import type { Vars } from '../util/data.js';
import { mapLimit } from '../util/process.js';
import type { ConnectionPool } from './connections.js';
import type { Reporter } from './reporter.js';
import type { Stats } from './stats.js';
import { isSelected } from './tags.js';
import { executeTask, type TaskOutcome, visible } from './task-executor.js';
import type { Variables } from './variables.js';

export interface RunSettings {
  readonly check: boolean;
  readonly diff: boolean;
  readonly forks: number;
  readonly tags: readonly string[];
  readonly skipTags: readonly string[];
  readonly limit: ReadonlySet<string> | undefined;
  readonly become: boolean | undefined;
  readonly becomeUser: string | undefined;
  readonly becomePassword: string | undefined;
}

export interface RunState {
  readonly inventory: Inventory;
  readonly variables: Variables;
  readonly pool: ConnectionPool;
  readonly templar: Templar;
  readonly reporter: Reporter;
  readonly stats: Stats;
  readonly settings: RunSettings;
  /** Hosts that failed or were unreachable: out for the rest of the run. */
  readonly removed: Set<string>;
}

/** One play with the linear strategy: every active host finishes a task before the next starts. */
export async function runPlay(play: Play, state: RunState): Promise<void> {
  const { reporter, settings } = state;
  reporter.playStart(play.name);
  let active = selectHosts(state.inventory, play.hosts).filter((h) => (!settings.limit || settings.limit.has(h)) && !state.removed.has(h));
  if (active.length === 0) {
    reporter.warning(`no hosts matched for play "${play.name}" (hosts: ${play.hosts})`);
    return;
  }
  for (const h of active) state.stats.touch(h);
  const varsFiles: Vars = Object.assign({}, ...play.varsFiles.map((f) => f.vars));
  const notified = new Map<string, Set<string>>();

  const runOnHosts = async (task: Task, hosts: readonly string[], kind: 'task' | 'handler'): Promise<void> => {
    reporter.taskStart(title(task, play, state.templar), kind, hosts);
    await mapLimit(hosts, settings.forks, async (host) => {
      const outcome = await executeTask({
        task,
        host,
        vars: state.variables.forTask(host, play, varsFiles, task),
        check: settings.check,
        diff: settings.diff,
        templar: state.templar,
        become: becomeFor(host, task, play, state),
        connect: () => state.pool.get(host, state.variables.inventoryVarsOf(host), play.remoteUser),
      });
      record(host, task, outcome, state, notified);
    });
  };

  if (play.gatherFacts) {
    await gatherFacts(play, active, state);
    active = active.filter((h) => !state.removed.has(h));
  }
  for (const task of play.tasks) {
    if (!isSelected([...task.tags, ...play.tags], settings.tags, settings.skipTags)) continue;
    if (active.length === 0) break;
    await runOnHosts(task, active, 'task');
    active = active.filter((h) => !state.removed.has(h));
    if (active.length === 0) reporter.noHostsLeft();
  }
  // Handlers: once per host, in definition order, only where a change notified them.
  for (const handler of play.handlers) {
    const names = [handler.name ?? '', ...handler.listen];
    const hosts = active.filter((h) => names.some((n) => notified.get(n)?.has(h)) && !state.removed.has(h));
    if (hosts.length === 0) continue;
    await runOnHosts(handler, hosts, 'handler');
  }
}

function title(task: Task, play: Play, templar: Templar): string {
  const text = taskTitle(task);
  try {
    return templar.renderString(text, { ...play.vars });
  } catch {
    return text;
  }
}

/** Ansible's order: command line < play keyword < task keyword < the host's ansible_become* variables. */
function becomeFor(host: string, task: Task, play: Play, state: RunState): Become | undefined {
  const vars = hostSettings(host, state.variables.inventoryVarsOf(host));
  const become = vars.become ?? task.become ?? play.become ?? state.settings.become ?? false;
  if (!become) return undefined;
  return {
    user: vars.becomeUser ?? task.becomeUser ?? play.becomeUser ?? state.settings.becomeUser ?? 'root',
    password: vars.becomePassword ?? state.settings.becomePassword,
  };
}

function record(host: string, task: Task, outcome: TaskOutcome, state: RunState, notified: Map<string, Set<string>>): void {
  const { stats, reporter, variables } = state;
  for (const line of outcome.items) reporter.hostResult(line);
  // A loop shows one line per item and no line for the whole task, as Ansible's output does.
  if (outcome.items.length === 0 || outcome.status === 'unreachable') reporter.hostResult({
    host,
    status: outcome.status,
    result: visible(outcome.result, task),
    ignored: outcome.ignored,
    show: task.module === 'debug',
    ...(outcome.diff ? { diff: outcome.diff } : {}),
  });
  stats.count(host, outcome.status, outcome.ignored, outcome.result['changed'] === true);
  if (outcome.facts) variables.setHostFacts(host, outcome.facts);
  if (task.register) variables.setHostFacts(host, { [task.register]: outcome.result });
  if (outcome.status === 'changed') {
    for (const name of task.notify) {
      if (!notified.has(name)) notified.set(name, new Set());
      notified.get(name)?.add(host);
    }
  }
  if ((outcome.status === 'failed' && !outcome.ignored) || outcome.status === 'unreachable') state.removed.add(host);
}

/** Facts in one round trip per host; a host already gathered in this run is not asked again. */
async function gatherFacts(play: Play, hosts: readonly string[], state: RunState): Promise<void> {
  state.reporter.taskStart('Gathering Facts', 'task', hosts);
  await mapLimit(hosts, state.settings.forks, async (host) => {
    let outcome: { status: 'ok' | 'failed' | 'unreachable'; result: Vars };
    if (state.variables.hasFacts(host)) {
      outcome = { status: 'ok', result: { changed: false } };
    } else {
      try {
        const connection = await state.pool.get(host, state.variables.inventoryVarsOf(host), play.remoteUser);
        const r = await connection.run(FACTS_SCRIPT);
        if (r.rc !== 0) throw new Error(`fact gathering failed: ${r.stderr.trim() || `exit ${r.rc}`}`);
        state.variables.setFacts(host, parseFacts(r.stdout));
        outcome = { status: 'ok', result: { changed: false } };
      } catch (err) {
        const unreachable = err instanceof UnreachableError;
        outcome = { status: unreachable ? 'unreachable' : 'failed', result: { changed: false, msg: (err as Error).message, ...(unreachable ? { unreachable: true } : { failed: true }) } };
      }
    }
    state.reporter.hostResult({ host, status: outcome.status, result: outcome.result });
    state.stats.count(host, outcome.status);
    if (outcome.status !== 'ok') state.removed.add(host);
  });
}
