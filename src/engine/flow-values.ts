import { formatPosition } from '../errors.js';
import { type IntKeyword, toInt } from '../playbook/flow-keywords.js';
import type { Play, Task } from '../playbook/model.js';
import type { Templar } from '../template/templar.js';
import { describeType, isPlainObject, type Vars } from '../util/data.js';

/** A whole-number keyword's value for these variables (a template is rendered, as post_validate does). */
export function intValue(keyword: IntKeyword | undefined, name: string, vars: Vars, templar: Templar, fallback: number): number {
  if (keyword === undefined) return fallback;
  if (typeof keyword === 'number') return keyword;
  const value = templar.render(keyword.text, vars, keyword.at, name);
  const n = toInt(value);
  if (n === undefined) throw new Error(`${formatPosition(keyword.at)}: the field '${name}' has an invalid value (${String(value)}), and could not be converted to an int`);
  return n;
}

/** How many times a task with `until` runs at most, and the seconds between, as TaskExecutor._execute counts them. */
export function retryPlan(task: Task, vars: Vars, templar: Templar): { attempts: number; delaySeconds: number } {
  const flow = task.flow;
  if (!flow?.until || flow.until.length === 0) return { attempts: 1, delaySeconds: 0 };
  const retries = intValue(flow.retries, 'retries', vars, templar, 3);
  const delay = intValue(flow.delay, 'delay', vars, templar, 5);
  // ansible-core 2.14: `retries: 3` means up to 4 runs; 0 or less, one run.
  return { attempts: retries <= 0 ? 1 : retries + 1, delaySeconds: delay < 0 ? 1 : delay };
}

/**
 * `environment:` for these variables: the mappings merged in order, values as text (Python's
 * str of them, as the shell plugins do). Sent to the host as data, never in the script text.
 */
export function environmentFor(task: Task, vars: Vars, templar: Templar): Record<string, string> | undefined {
  const list = task.flow?.environment;
  if (!list) return undefined;
  const env: Record<string, string> = {};
  for (const entry of list) {
    const value = templar.renderDeep(entry, vars, task.at, 'environment');
    if (!isPlainObject(value)) throw new Error(`${formatPosition(task.at)}: environment must be a dictionary, got ${describeType(value)}`);
    for (const [k, v] of Object.entries(value)) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new Error(`${formatPosition(task.at)}: environment variable name "${k}" is not valid`);
      env[k] = v === null || v === undefined ? '' : typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v);
    }
  }
  return env;
}

/**
 * The task as the play's flow keywords reach it (Ansible's inheritance through the parent
 * chain): environment (the play's first, the task's values win), ignore_unreachable and
 * throttle unless the task sets its own. The same task when the play sets none.
 */
export function inheritPlayFlow(task: Task, play: Play): Task {
  const from = play.flow;
  if (!from || (from.environment === undefined && from.ignoreUnreachable === undefined && from.throttle === undefined)) return task;
  const own = task.flow ?? {};
  const environment = from.environment || own.environment ? [...(from.environment ?? []), ...(own.environment ?? [])] : undefined;
  const ignoreUnreachable = own.ignoreUnreachable ?? from.ignoreUnreachable;
  const throttle = own.throttle ?? from.throttle;
  return {
    ...task,
    flow: { ...own, ...(environment ? { environment } : {}), ...(ignoreUnreachable !== undefined ? { ignoreUnreachable } : {}), ...(throttle !== undefined ? { throttle } : {}) },
  };
}
