import { type Become, UnreachableError } from '../connection/connection.js';
import { FACTS_SCRIPT, parseFacts } from '../facts/gather.js';
import { hostSettings } from '../inventory/host-settings.js';
import type { Inventory } from '../inventory/model.js';
import { selectHosts } from '../inventory/patterns.js';
import { type Play, type Task, taskTitle } from '../playbook/model.js';
import type { Templar } from '../template/templar.js';
import type { Vars } from '../util/data.js';
import { mapLimit } from '../util/process.js';
import type { ConnectionPool } from './connections.js';
import type { EventBus } from './event-bus.js';
import type { RunEvent } from './events.js';
import { hostResultEvent } from './host-result-event.js';
import { isInterrupted } from './interrupt.js';
import { isSelected } from './tags.js';
import { executeTask, type TaskOutcome } from './task-executor.js';
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
  /** The default `timeout:` of every task, in ms (0: none, as in Ansible). */
  readonly taskTimeoutMs: number;
}

export interface RunState {
  readonly inventory: Inventory;
  readonly variables: Variables;
  readonly pool: ConnectionPool;
  readonly templar: Templar;
  /** Everything the run reports goes out here, and only here. */
  readonly events: EventBus<RunEvent>;
  /** A new id, unique in the run, for a play or a task. */
  readonly newId: (kind: 'play' | 'task') => string;
  readonly settings: RunSettings;
  /** Hosts that failed or were unreachable: out for the rest of the run. */
  readonly removed: Set<string>;
}

/** One play with the linear strategy: every active host finishes a task before the next starts. */
export async function runPlay(play: Play, state: RunState): Promise<void> {
  const { events, settings } = state;
  const playId = state.newId('play');
  const started = performance.now();
  const active = selectHosts(state.inventory, play.hosts).filter((h) => (!settings.limit || settings.limit.has(h)) && !state.removed.has(h));
  events.emit({ type: 'play_start', play_id: playId, name: play.name, pattern: play.hosts, hosts: active });
  if (active.length === 0) events.emit({ type: 'warning', message: `no hosts matched for play "${play.name}" (hosts: ${play.hosts})` });
  else await runTasks(play, playId, active, state);
  events.emit({ type: 'play_end', play_id: playId, duration_ms: Math.round(performance.now() - started) });
}

async function runTasks(play: Play, playId: string, playHosts: readonly string[], state: RunState): Promise<void> {
  const { events, settings } = state;
  let active = playHosts;
  const varsFiles: Vars = Object.assign({}, ...play.varsFiles.map((f) => f.vars));
  const notified = new Map<string, Set<string>>();

  const runOnHosts = async (task: Task, hosts: readonly string[], kind: 'task' | 'handler'): Promise<void> => {
    const taskId = state.newId('task');
    events.emit({ type: 'task_start', task_id: taskId, play_id: playId, name: title(task, play, state.templar), kind, action: task.module, hosts });
    await mapLimit(hosts, settings.forks, async (host) => {
      const started = performance.now();
      const outcome = await executeTask({
        task,
        host,
        vars: state.variables.forTask(host, play, varsFiles, task),
        check: settings.check,
        diff: settings.diff,
        templar: state.templar,
        become: becomeFor(host, task, play, state),
        timeoutMs: task.timeout !== undefined ? task.timeout * 1000 : settings.taskTimeoutMs,
        connect: () => state.pool.get(host, state.variables.inventoryVarsOf(host), play.remoteUser),
      });
      // Killed by Ctrl-C: the run is ending, as ansible-playbook's does, without more results.
      if (isInterrupted()) return;
      record(host, task, outcome, state, notified);
      events.emit(hostResultEvent({ task_id: taskId, play_id: playId, host }, task, outcome, performance.now() - started));
    });
  };

  if (play.gatherFacts) {
    await gatherFacts(play, playId, active, state);
    active = active.filter((h) => !state.removed.has(h));
  }
  for (const task of play.tasks) {
    if (isInterrupted()) return;
    if (!isSelected([...task.tags, ...play.tags], settings.tags, settings.skipTags)) continue;
    if (active.length === 0) break;
    await runOnHosts(task, active, 'task');
    active = active.filter((h) => !state.removed.has(h));
    if (active.length === 0) events.emit({ type: 'no_hosts_left', play_id: playId });
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

/** What a result changes for the rest of the run: facts, register, notified handlers, hosts out. */
function record(host: string, task: Task, outcome: TaskOutcome, state: RunState, notified: Map<string, Set<string>>): void {
  const { variables } = state;
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
async function gatherFacts(play: Play, playId: string, hosts: readonly string[], state: RunState): Promise<void> {
  const taskId = state.newId('task');
  state.events.emit({ type: 'task_start', task_id: taskId, play_id: playId, name: 'Gathering Facts', kind: 'task', action: 'gather_facts', hosts });
  await mapLimit(hosts, state.settings.forks, async (host) => {
    const started = performance.now();
    let outcome: { status: 'ok' | 'failed' | 'unreachable'; result: Vars };
    if (state.variables.hasFacts(host)) {
      outcome = { status: 'ok', result: { changed: false } };
    } else {
      try {
        const connection = await state.pool.get(host, state.variables.inventoryVarsOf(host), play.remoteUser);
        const r = await connection.exec(FACTS_SCRIPT, { inline: true });
        if (r.rc !== 0) throw new Error(`fact gathering failed: ${r.stderr.toString('utf8').trim() || `exit ${r.rc}`}`);
        state.variables.setFacts(host, parseFacts(r.stdout.toString('utf8')));
        outcome = { status: 'ok', result: { changed: false } };
      } catch (err) {
        const unreachable = err instanceof UnreachableError;
        outcome = { status: unreachable ? 'unreachable' : 'failed', result: { changed: false, msg: (err as Error).message, ...(unreachable ? { unreachable: true } : { failed: true }) } };
      }
    }
    if (outcome.status !== 'ok') state.removed.add(host);
    state.events.emit({
      type: 'host_result',
      task_id: taskId,
      play_id: playId,
      host,
      status: outcome.status,
      changed: false,
      ignored: false,
      duration_ms: Math.round(performance.now() - started),
      result: outcome.result,
    });
  });
}
