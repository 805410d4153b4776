import { setTimeout as sleep } from 'node:timers/promises';
import { type Become, BecomeError, type Connection, type ExecOptions, type ExecResult, TransferTimeoutError, UnreachableError } from '../connection/connection.js';
import { LocalConnection } from '../connection/local.js';
import { ConfigError, formatPosition } from '../errors.js';
import { evaluateCondition, ExpressionError } from '../expr/expression.js';
import { positionOf } from '../config/yaml.js';
import { getModule } from '../modules/registry.js';
import { type ActionContext, type ActionModule, type LocalContext, ModuleFailure, type ModuleResult, type PlannerModule } from '../modules/types.js';
import type { Plan } from '../modules/plan.js';
import { validateArgs } from '../modules/validate-args.js';
import { findFile } from '../playbook/find-file.js';
import { type Condition, type Task, taskTitle } from '../playbook/model.js';
import type { Templar } from '../template/templar.js';
import type { Vars } from '../util/data.js';
import { applyPlan, type PlanTarget } from './apply-plan.js';
import { AsyncStarted, type AsyncProgress, type JobFields, runAsyncJob } from './async-exec.js';
import { environmentFor, intValue, retryPlan } from './flow-values.js';
import { extendVars } from './lazy-vars.js';
import { emptyLoopResult, itemResultFields, itemVars, loopResult, loopStatus, withItems } from './loop-results.js';
import type { HostResult } from './reporter.js';
import { setFactValues } from './set-fact.js';
import type { TaskStatus } from './stats.js';
import { gatherTaskFacts } from './task-facts.js';

export interface TaskRun {
  readonly task: Task;
  readonly host: string;
  readonly vars: Vars;
  readonly check: boolean;
  readonly diff: boolean;
  /** The run's -v count. */
  readonly verbosity?: number;
  readonly templar: Templar;
  /** become for these variables (a loop's item's: become_user may be a template of it). */
  readonly become: (vars: Vars) => Become | undefined;
  /** The task's time limit in ms (its `timeout:`, else the configured default); 0: none. */
  readonly timeoutMs: number;
  readonly connect: () => Promise<Connection>;
  /** An `until` attempt failed and the task runs again (Ansible's v2_runner_retry). */
  readonly onRetry?: (result: Vars, item: { readonly item: unknown } | undefined) => void;
  /** A polled async job's progress (Ansible's ASYNC POLL / OK / FAILED). */
  readonly onAsync?: (progress: AsyncProgress) => void;
}

/** The task ran past its `timeout:`; its process group on the host has been killed. */
export class TaskTimeoutError extends Error {}

export interface TaskOutcome {
  readonly status: TaskStatus;
  /** What `register` stores. */
  readonly result: Vars;
  /** One line per loop item (empty without a loop). */
  readonly items: readonly HostResult[];
  readonly ignored: boolean;
  readonly facts: Vars | undefined;
  readonly diff: HostResult['diff'];
}

/** Runs one task on one host. Never throws: every problem becomes a failed or unreachable result. */
export async function executeTask(run: TaskRun): Promise<TaskOutcome> {
  const { task } = run;
  try {
    if (task.loop === undefined) {
      if (!conditionsHold(task.when, run.vars, task)) return outcome('skipped', { changed: false, skipped: true, skip_reason: 'Conditional result was False' }, run);
      const one = await runWithRetries(run, run.vars, undefined);
      return outcome(one.status, one.result, run, [], one.facts, one.diff);
    }
    const items = renderLoop(run);
    if (items.length === 0) return outcome('skipped', emptyLoopResult(), run);
    const control = task.loopControl;
    const results: Vars[] = [];
    const lines: HostResult[] = [];
    let facts: Vars | undefined;
    const diffs: NonNullable<HostResult['diff']>[number][] = [];
    for (let index = 0; index < items.length; index++) {
      if (index > 0 && control.pauseSeconds > 0) await sleep(control.pauseSeconds * 1000);
      const vars = extendVars(run.vars, itemVars(control, items, index));
      let status: TaskStatus;
      let result: Vars;
      if (!conditionsHold(task.when, vars, task)) {
        status = 'skipped';
        result = { changed: false, skipped: true, skip_reason: 'Conditional result was False' };
      } else {
        const one = await runWithRetries(run, vars, { item: items[index] });
        ({ status, result } = one);
        if (one.facts) facts = { ...facts, ...one.facts };
        diffs.push(...(one.diff ?? []));
      }
      const full = { ...result, ...itemResultFields(control, items, index) };
      results.push(full);
      const label = control.label === undefined ? {} : { label: run.templar.render(control.label, vars, task.at, `loop_control.label of task "${taskTitle(task)}"`) };
      lines.push({ host: run.host, status, result: visible(full, task), item: items[index], ...label, hasItem: true, ignored: status === 'failed' && task.ignoreErrors });
      if (status === 'unreachable') break;
    }
    const result = loopResult(results);
    return outcome(loopStatus(result, lines.map((l) => l.status)), result, run, lines, facts, diffs);
  } catch (err) {
    if (err instanceof UnreachableError) return outcome('unreachable', { changed: false, unreachable: true, msg: err.message }, run);
    return outcome('failed', { changed: false, failed: true, msg: messageOf(err, task) }, run);
  }
}

function outcome(status: TaskStatus, result: Vars, run: TaskRun, items: readonly HostResult[] = [], facts?: Vars, diff?: HostResult['diff']): TaskOutcome {
  return { status, result, items, ignored: status === 'failed' && run.task.ignoreErrors, facts, diff: run.task.noLog ? undefined : diff };
}

/** What the reporter may show of a result: nothing but `changed` under no_log, as in Ansible. */
export function visible(result: Vars, task: Task): Vars {
  return task.noLog ? { censored: "the output has been hidden due to the fact that 'no_log: true' was specified for this result", changed: result['changed'] } : result;
}

/** when, changed_when, failed_when: a list means all must hold, as in Ansible. */
function conditionsHold(conditions: readonly Condition[], vars: Vars, task: Task): boolean {
  return conditions.every((c) => {
    try {
      return evaluateCondition(c.expression, vars);
    } catch (err) {
      throw conditionError(c, err, task);
    }
  });
}

function conditionError(c: Condition, err: unknown, task: Task): Error {
  const where = c.at ? `${formatPosition(c.at)}: ` : `${formatPosition(task.at)}: `;
  return new Error(`${where}The conditional check '${c.text}' failed. The error was: ${(err as Error).message}`);
}

function renderLoop(run: TaskRun): unknown[] {
  const { task } = run;
  const rendered = run.templar.renderDeep(task.loop, run.vars, task.at, `loop of task "${taskTitle(task)}"`);
  const value = task.loopWith === 'items' ? withItems(rendered) : rendered;
  if (!Array.isArray(value)) throw new Error(`${formatPosition(task.at)}: loop must be a list, got ${JSON.stringify(value)}`);
  return value;
}

interface OneResult {
  readonly status: TaskStatus;
  readonly result: Vars;
  readonly facts: Vars | undefined;
  readonly diff: HostResult['diff'];
}

/**
 * `until`: the task runs again (after `delay` seconds) while the condition is false, at most
 * `retries` more times, as TaskExecutor._execute; the result carries `attempts`, and a task that
 * never met its condition fails. Without `until`, one run.
 */
async function runWithRetries(run: TaskRun, vars: Vars, item: { readonly item: unknown } | undefined): Promise<OneResult> {
  const { task } = run;
  const until = task.flow?.until;
  if (!until || until.length === 0) return runOnce(run, vars);
  const { attempts, delaySeconds } = retryPlan(task, vars, run.templar);
  let one: OneResult | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    one = await runOnce(run, vars, attempt);
    if (attempts === 1) return one;
    const scope = task.register ? extendVars(vars, { [task.register]: one.result }) : vars;
    if (conditionsHold(until, scope, task)) return one;
    if (attempt < attempts) {
      run.onRetry?.({ ...one.result, retries: attempts }, item);
      await sleep(delaySeconds * 1000);
    }
  }
  const last = one as OneResult;
  // ansible-core 2.14 reports one attempt fewer than it made once it gives up.
  const result = { ...last.result, attempts: attempts - 1, failed: true };
  return { ...last, status: 'failed', result };
}

async function runOnce(run: TaskRun, vars: Vars, attempt?: number): Promise<OneResult> {
  const { task } = run;
  const module = getModule(task.module);
  const raw: readonly string[] = module.schema.rawArgs ?? [];
  const where = `task "${taskTitle(task)}"`;
  const rendered: Vars = {};
  for (const [key, value] of Object.entries(task.args)) {
    rendered[key] = raw.includes(key) ? value : run.templar.renderDeep(value, vars, positionOf(task.args, key) ?? task.at, where);
  }
  const args = validateArgs(module.name, module.schema, rendered, task.at, true);
  const controllerOnly = module.kind === 'action' && module.controllerOnly;
  const host = hostAccess(run, vars, controllerOnly ? undefined : await run.connect());
  let ran: ModuleResult;
  try {
    ran = module.kind === 'planner' ? await runPlanner(module, args, run, vars, host) : await runAction(module, args, run, vars, host);
  } catch (err) {
    if (!(err instanceof ModuleFailure)) throw err;
    ran = { changed: false, failed: true, msg: err.message, data: err.data };
  }
  // set_fact's facts are typed as Ansible's set_fact action types them ("yes" is true).
  const moduleResult: ModuleResult = ran.facts && module.name === 'set_fact' ? { ...ran, facts: setFactValues(ran.facts), data: { ...ran.data, ansible_facts: setFactValues(ran.facts) } } : ran;
  const result: Vars = {
    ...moduleResult.data,
    changed: moduleResult.changed,
    // Ansible registers `failed` on every result that ran, false when it did not fail.
    failed: moduleResult.failed === true,
    ...(moduleResult.skipped ? { skipped: true } : {}),
    ...(moduleResult.msg !== undefined ? { msg: moduleResult.msg } : {}),
  };
  // `attempts` is there for changed_when/failed_when already, as in TaskExecutor.
  if (attempt !== undefined) result['attempts'] = attempt;
  const scope = task.register ? extendVars(vars, { [task.register]: result }) : vars;
  // As TaskExecutor: a result the module skipped is not judged by changed_when/failed_when.
  if (task.changedWhen && !moduleResult.skipped) result['changed'] = conditionsHold(task.changedWhen, scope, task);
  if (task.failedWhen && !moduleResult.skipped) result['failed_when_result'] = result['failed'] = conditionsHold(task.failedWhen, scope, task);
  const status: TaskStatus = result['failed'] ? 'failed' : result['skipped'] ? 'skipped' : result['changed'] ? 'changed' : 'ok';
  return { status, result, facts: moduleResult.facts, diff: moduleResult.diff };
}

/**
 * A planner: controller inputs, then its facts in one round trip, then its plan; the plan is
 * applied unless in check mode, and `changed` is whether it has any change.
 */
async function runPlanner(module: PlannerModule, args: Vars, run: TaskRun, vars: Vars, host: HostAccess): Promise<ModuleResult> {
  const { task } = run;
  const check = task.checkMode ?? run.check;
  const diff = task.diff ?? run.diff;
  const context: LocalContext = { at: task.at, templar: run.templar, vars, diff, findFile: (kind, name) => findFile(task.searchDirs, kind, name) };
  const local = module.local(args, context);
  const facts = await gatherTaskFacts(module.facts(args, local, context), host.exec, new Map());
  const plan = module.plan(args, facts, local);
  if (plan.failed !== undefined) return { changed: false, failed: true, msg: plan.failed, ...(plan.result ? { data: plan.result } : {}) };
  const changed = plan.changes.length > 0;
  if (changed && !check) {
    const error = await applyPlan(plan, host);
    if (error !== undefined) return { changed: false, failed: true, msg: error, ...(plan.result ? { data: plan.result } : {}) };
  }
  return {
    changed,
    ...(plan.msg ? { msg: plan.msg } : {}),
    ...(plan.result ? { data: plan.result } : {}),
    ...(plan.facts ? { facts: plan.facts } : {}),
    ...shownDiff(plan, diff && changed, check),
  };
}

/** The plan's diff, or under --check what Ansible's check mode shows where it shows less. */
function shownDiff(plan: Plan, shown: boolean, check: boolean): Pick<ModuleResult, 'diff'> {
  const diff = check ? (plan.checkDiff ?? plan.diff) : plan.diff;
  return shown && diff?.length ? { diff } : {};
}

/** An action: its facts (creates/removes), then it runs with the narrow context (its command as an async job with `async:`). */
async function runAction(module: ActionModule, args: Vars, run: TaskRun, vars: Vars, host: HostAccess): Promise<ModuleResult> {
  const { task } = run;
  const facts = module.facts ? await gatherTaskFacts(module.facts(args), host.exec, new Map()) : {};
  const environment = environmentFor(task, vars, run.templar);
  const asyncLimit = task.flow?.async !== undefined ? intValue(task.flow.async, 'async', vars, run.templar, 0) : 0;
  let job: JobFields | undefined;
  const context: ActionContext = {
    host: run.host,
    vars,
    check: task.checkMode ?? run.check,
    diff: task.diff ?? run.diff,
    verbosity: run.verbosity ?? 0,
    at: task.at,
    exec: async (script, options = {}) => {
      const env = environment ? { ...environment, ...options.env } : options.env;
      if (asyncLimit > 0 && options.job) {
        // Ansible's default poll is 15 seconds.
        const pollSeconds = intValue(task.flow?.poll, 'poll', vars, run.templar, 15);
        return runAsyncJob(host.command, script, { stdin: options.stdin, env, job: options.job }, { limitSeconds: asyncLimit, pollSeconds, onProgress: run.onAsync }, (started) => {
          job = started;
        });
      }
      const r = await host.command(script, { ...(options.stdin !== undefined ? { stdin: options.stdin } : {}), ...(env ? { env } : {}) });
      return { rc: r.rc, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
    },
    reconnect: () => host.reconnect(),
    localConnection: host.local,
  };
  let result: ModuleResult;
  try {
    result = await module.run(context, args, facts);
  } catch (err) {
    // poll: 0 — started, and the task is done (async_status tells the rest).
    if (err instanceof AsyncStarted) return { changed: true, data: { ansible_job_id: err.jid, finished: 0, results_file: err.path, started: 1 } };
    throw err;
  }
  if (!job) return result;
  return { ...result, msg: result.msg ?? '', data: { ...result.data, ansible_job_id: job.jid, finished: 1, results_file: job.path, started: 1 } };
}

/** `exec` runs provision's own scripts (facts, plan scripts) inline; `command` a user's, isolated. */
interface HostAccess extends PlanTarget {
  command(script: string, options: Pick<ExecOptions, 'stdin' | 'env'>): Promise<ExecResult>;
  reconnect(): Promise<void>;
  readonly local: boolean;
}

/** What a task may do on its host: scripts and files with the task's become and time limit. */
/** `vars`: the task's (a loop item's) variables, for become. */
function hostAccess(run: TaskRun, vars: Vars, connection: Connection | undefined): HostAccess {
  const { task } = run;
  const deadline = run.timeoutMs > 0 ? Date.now() + run.timeoutMs : undefined;
  const seconds = run.timeoutMs / 1000;
  const to = run.become(vars);
  const become = to ? { become: true, becomeUser: to.user, becomePassword: to.password } : {};
  const host = (): Connection => {
    if (!connection) throw new Error(`${task.module} runs on the controller`);
    return connection;
  };
  const timedOut = (killError?: string): TaskTimeoutError =>
    new TaskTimeoutError(
      `The ${task.module} action failed to execute in the expected time frame (${seconds}) and was terminated: timed out after ${seconds} s` +
        (killError ? ` (its processes could not be killed and may still run: ${killError})` : ''),
    );
  const timeLeft = (): number => {
    const left = deadline === undefined ? 0 : deadline - Date.now();
    if (deadline !== undefined && left <= 0) throw timedOut();
    return left;
  };
  const exec = async (script: string, options: Pick<ExecOptions, 'stdin' | 'env' | 'inline'>): Promise<ExecResult> => {
    const r = await host().exec(script, { ...options, ...become, timeoutMs: timeLeft() });
    if (r.timedOut) throw timedOut(r.killError);
    return r;
  };
  return {
    command: exec,
    exec: (script) => exec(script, { inline: true }),
    reconnect: () => host().reconnect(),
    local: connection instanceof LocalConnection,
    put: async (path, bytes, attributes) => {
      try {
        await host().put(path, bytes, { ...attributes, ...become, timeoutMs: timeLeft() });
        return undefined;
      } catch (err) {
        if (err instanceof TransferTimeoutError) throw timedOut();
        if (err instanceof UnreachableError || err instanceof BecomeError || err instanceof TaskTimeoutError) throw err;
        return (err as Error).message;
      }
    },
  };
}

function messageOf(err: unknown, task: Task): string {
  if (err instanceof ConfigError || err instanceof BecomeError || err instanceof TaskTimeoutError) return err.message;
  if (err instanceof ExpressionError) return `${formatPosition(task.at)}: ${err.message}`;
  return (err as Error).message ?? String(err);
}
