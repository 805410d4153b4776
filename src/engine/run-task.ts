import { type Play, type Task, taskTitle } from '../playbook/model.js';
import { hasTemplate } from '../template/templar.js';
import type { Vars } from '../util/data.js';
import { mapLimit } from '../util/process.js';
import type { Handlers } from './handlers.js';
import type { TaskContext } from './host-iterator.js';
import { hostResultEvent } from './host-result-event.js';
import { isInterrupted } from './interrupt.js';
import type { RunState } from './run-state.js';
import { executeTask, type TaskOutcome } from './task-executor.js';
import { becomeFor, remoteUserFor, taskForHost } from './task-keywords.js';

/** One play being run: what its tasks and handlers share. */
export interface PlayRun {
  readonly play: Play;
  /** Every host the play matched (ansible_play_hosts_all). */
  readonly hosts: readonly string[];
  readonly playId: string;
  readonly state: RunState;
  readonly handlers: Handlers;
  /** Hosts unreachable in this play: out of it, not failed into a rescue. */
  readonly unreachable: Set<string>;
  /** Hosts that left the play without failing (meta: end_host): not in ansible_play_hosts. */
  readonly ended: Set<string>;
  /** Whether a failure of this host now would be rescued (it is in a block with a rescue). */
  readonly rescuing: (host: string) => boolean;
  /** meta: end_play ran: no further batch of the play runs either. */
  endPlay: boolean;
}

/**
 * Runs one task (or handler) on these hosts, at most --forks at once, and records each result:
 * facts, register, notified handlers, and hosts that fail (not ignored) or are unreachable.
 * Emits task_start, then exactly one host_result per host. Returns the hosts that failed.
 */
export async function runTask(run: PlayRun, task: Task, context: TaskContext, hosts: readonly string[], kind: 'task' | 'handler'): Promise<Set<string>> {
  const { state, play, playId } = run;
  const { events, settings } = state;
  const taskId = state.newId('task');
  const failed = new Set<string>();
  const playHosts = playHostsOf(run);
  const scope = { play, task, context, playHosts };
  // Every host's variables before the banner, as the linear strategy gets them (a vars_files
  // entry that cannot be read ends the run there).
  const varsOf = new Map(hosts.map((h) => [h, state.variables.forTask(h, scope)]));
  events.emit({ type: 'task_start', task_id: taskId, play_id: playId, name: title(run, task, varsOf.get(hosts[0] ?? '')), kind, action: task.module, hosts });
  await mapLimit(hosts, settings.forks, async (host) => {
    const started = performance.now();
    const vars = varsOf.get(host) ?? state.variables.forTask(host, scope);
    let onHost: Task = task;
    let outcome: TaskOutcome;
    try {
      onHost = taskForHost(task, vars, state.templar);
      const user = remoteUserFor(play, vars, state.templar);
      outcome = await executeTask({
        task: onHost,
        host,
        vars,
        check: settings.check,
        diff: settings.diff,
        verbosity: settings.verbosity ?? 0,
        templar: state.templar,
        become: (itemVars) => becomeFor(onHost, play, itemVars, state.templar, settings),
        timeoutMs: task.timeout !== undefined ? task.timeout * 1000 : settings.taskTimeoutMs,
        // Connection variables from every source, -e included, as Ansible reads them.
        connect: () => state.pool.get(host, vars, user),
      });
    } catch (err) {
      // A keyword template that does not render fails the task on this host (hidden if no_log could not be decided, as in Ansible).
      if (task.templated.no_log && onHost === task) onHost = { ...task, noLog: true };
      outcome = { status: 'failed', result: { changed: false, failed: true, msg: (err as Error).message }, items: [], ignored: false, facts: undefined, diff: undefined };
    }
    // Killed by Ctrl-C: the run is ending, as ansible-playbook's does, without more results.
    if (isInterrupted()) return;
    record(run, host, onHost, outcome);
    let rescued = false;
    if (outcome.status === 'failed' && !outcome.ignored) {
      failed.add(host);
      // As StrategyBase: a failure inside a block with a rescue is rescued (the host stays in
      // the play, the rescue sees the failure); any other takes the host out of the play's hosts.
      rescued = run.rescuing(host);
      if (rescued) state.variables.setHostFacts(host, { ansible_failed_task: failedTask(onHost), ansible_failed_result: outcome.result });
      else state.removed.add(host);
    } else if (outcome.status === 'unreachable') {
      failed.add(host);
      run.unreachable.add(host);
      state.removed.add(host);
    }
    const event = hostResultEvent({ task_id: taskId, play_id: playId, host }, onHost, outcome, performance.now() - started);
    events.emit(rescued ? { ...event, rescued } : event);
  });
  return failed;
}

/** The banner's name: templated with the first host's variables, as ansible-core's linear strategy does; as written if that fails. */
function title(run: PlayRun, task: Task, vars: Vars | undefined): string {
  const text = taskTitle(task);
  if (!hasTemplate(text) || vars === undefined) return text;
  try {
    return run.state.templar.renderString(text, vars);
  } catch {
    return text;
  }
}

/** What a result changes for the rest of the run: facts, register, notified handlers. */
function record(run: PlayRun, host: string, task: Task, outcome: TaskOutcome): void {
  const { variables } = run.state;
  if (outcome.facts) variables.setHostFacts(host, outcome.facts);
  if (task.register) variables.setHostFacts(host, { [task.register]: outcome.result });
  // Only a changed result notifies (a failed one does not, even when ignored).
  if (outcome.status === 'changed') run.handlers.notify(host, task.notify);
}

/** ansible_play_hosts_all and ansible_play_hosts: the hosts not failed nor ended in the play. */
export function playHostsOf(run: PlayRun): { all: readonly string[]; active: readonly string[] } {
  return { all: run.hosts, active: run.hosts.filter((h) => !run.state.removed.has(h) && !run.ended.has(h)) };
}

/** What a rescue sees of the task that failed (Ansible gives the task's serialized fields). */
function failedTask(task: Task): Vars {
  return { name: task.name ?? taskTitle(task), action: task.moduleAsWritten ?? task.module, args: task.args, tags: [...task.tags], when: task.when.map((c) => c.text) };
}
