import type { Become } from '../connection/connection.js';
import { hostSettings } from '../inventory/host-settings.js';
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

/** One play being run: what its tasks and handlers share. */
export interface PlayRun {
  readonly play: Play;
  readonly playId: string;
  readonly state: RunState;
  readonly handlers: Handlers;
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
  events.emit({ type: 'task_start', task_id: taskId, play_id: playId, name: title(run, task, context, hosts[0]), kind, action: task.module, hosts });
  await mapLimit(hosts, settings.forks, async (host) => {
    const started = performance.now();
    const vars = state.variables.forTask(host, { play, task, context });
    const outcome = await executeTask({
      task,
      host,
      vars,
      check: settings.check,
      diff: settings.diff,
      templar: state.templar,
      become: becomeFor(task, play, vars, run.state),
      timeoutMs: task.timeout !== undefined ? task.timeout * 1000 : settings.taskTimeoutMs,
      // Connection variables from every source, -e included, as Ansible reads them.
      connect: () => state.pool.get(host, vars, play.remoteUser),
    });
    // Killed by Ctrl-C: the run is ending, as ansible-playbook's does, without more results.
    if (isInterrupted()) return;
    record(run, host, task, outcome);
    if ((outcome.status === 'failed' && !outcome.ignored) || outcome.status === 'unreachable') {
      failed.add(host);
      state.removed.add(host);
    }
    events.emit(hostResultEvent({ task_id: taskId, play_id: playId, host }, task, outcome, performance.now() - started));
  });
  return failed;
}

/** The banner's name: templated with the first host's variables, as ansible-core's linear strategy does; as written if that fails. */
function title(run: PlayRun, task: Task, context: TaskContext, host: string | undefined): string {
  const text = taskTitle(task);
  if (!hasTemplate(text) || host === undefined) return text;
  try {
    return run.state.templar.renderString(text, run.state.variables.forTask(host, { play: run.play, task, context }));
  } catch {
    return text;
  }
}

/** Ansible's order: command line < play keyword < task keyword < the host's ansible_become* variables. */
function becomeFor(task: Task, play: Play, vars: Vars, state: RunState): Become | undefined {
  const settings = hostSettings(String(vars['inventory_hostname']), vars);
  const become = settings.become ?? task.become ?? play.become ?? state.settings.become ?? false;
  if (!become) return undefined;
  return {
    user: settings.becomeUser ?? task.becomeUser ?? play.becomeUser ?? state.settings.becomeUser ?? 'root',
    password: settings.becomePassword ?? state.settings.becomePassword,
  };
}

/** What a result changes for the rest of the run: facts, register, notified handlers. */
function record(run: PlayRun, host: string, task: Task, outcome: TaskOutcome): void {
  const { variables } = run.state;
  if (outcome.facts) variables.setHostFacts(host, outcome.facts);
  if (task.register) variables.setHostFacts(host, { [task.register]: outcome.result });
  // Only a changed result notifies (a failed one does not, even when ignored).
  if (outcome.status === 'changed') run.handlers.notify(host, task.notify);
}
