import { evaluateCondition } from '../expr/expression.js';
import { formatPosition } from '../errors.js';
import { type MetaAction, type Task, taskTitle } from '../playbook/model.js';
import type { HostIterator, TaskContext } from './host-iterator.js';
import { type PlayRun, playHostsOf } from './run-task.js';

/** Meta actions that run once, for the first host, and act on every host of the play (StrategyBase._execute_meta). */
const RUN_ONCE: readonly MetaAction[] = ['end_play', 'end_batch', 'clear_facts', 'refresh_inventory'];
/** Meta actions whose `when` Ansible ignores (with a warning). */
const NO_CONDITION: readonly MetaAction[] = ['noop', 'refresh_inventory'];

/**
 * A `meta:` task, run by the strategy itself as ansible-core's linear strategy does: a banner
 * per host (one for the actions that run once), no result but a skip when its `when` is false
 * (not counted in the recap). Returns the hosts whose handlers are to run now (flush_handlers).
 */
export function runMeta(run: PlayRun, iterator: HostIterator, task: Task, context: TaskContext, hosts: readonly string[]): string[] {
  const { state, playId } = run;
  const action = task.args['_raw_params'] as MetaAction;
  const flush: string[] = [];
  const once = RUN_ONCE.includes(action);
  if (NO_CONDITION.includes(action) && task.when.length > 0) warnOnce(run, `meta: ${action} does not support when conditionals`);
  for (const host of once ? hosts.slice(0, 1) : hosts) {
    const taskId = state.newId('task');
    state.events.emit({ type: 'task_start', task_id: taskId, play_id: playId, name: taskTitle(task), kind: 'task', action: 'meta', hosts: [host] });
    if (!NO_CONDITION.includes(action) && !holds(run, task, context, host)) {
      state.events.emit({
        type: 'host_result',
        task_id: taskId,
        play_id: playId,
        host,
        status: 'skipped',
        changed: false,
        ignored: false,
        uncounted: true,
        duration_ms: 0,
        result: { changed: false, skipped: true, skip_reason: `${action} conditional evaluated to False` },
      });
      continue;
    }
    const playHosts = run.hosts.filter((h) => !run.unreachable.has(h));
    switch (action) {
      case 'flush_handlers':
        flush.push(host);
        break;
      case 'end_host':
        iterator.end(host);
        run.ended.add(host);
        break;
      case 'end_play':
      case 'end_batch':
        for (const h of playHosts) iterator.end(h);
        if (action === 'end_play') run.endPlay = true;
        break;
      case 'clear_facts':
        for (const h of playHosts) state.variables.clearFacts(h);
        break;
      default:
        break;
    }
  }
  return flush;
}

function holds(run: PlayRun, task: Task, context: TaskContext, host: string): boolean {
  if (task.when.length === 0) return true;
  const vars = run.state.variables.forTask(host, { play: run.play, task, context, playHosts: playHostsOf(run) });
  return task.when.every((c) => {
    try {
      return evaluateCondition(c.expression, vars);
    } catch (err) {
      throw new Error(`${formatPosition(c.at ?? task.at)}: The conditional check '${c.text}' failed. The error was: ${(err as Error).message}`);
    }
  });
}

function warnOnce(run: PlayRun, message: string): void {
  if (run.state.warned.has(message)) return;
  run.state.warned.add(message);
  run.state.events.emit({ type: 'warning', message });
}
