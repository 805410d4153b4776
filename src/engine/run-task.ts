import { type Play, type Task, taskTitle } from '../playbook/model.js';
import { hasTemplate } from '../template/templar.js';
import type { Vars } from '../util/data.js';
import { mapLimit } from '../util/process.js';
import type { Handlers } from './handlers.js';
import type { TaskContext } from './host-iterator.js';
import { hostResultEvent } from './host-result-event.js';
import { isInterrupted } from './interrupt.js';
import type { RunState } from './run-state.js';
import type { AsyncProgress } from './async-exec.js';
import { delegationFor } from './delegation.js';
import { inheritPlayFlow } from './flow-values.js';
import { executeTask, type TaskOutcome, visible } from './task-executor.js';
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
  /** The hosts of the serial batch being run (ansible_play_batch); all the play's hosts without `serial`. */
  readonly batch?: readonly string[];
  /** `strategy: free`. */
  readonly free?: boolean;
  /** The play's any_errors_fatal (a task's own beats it). */
  readonly anyErrorsFatal?: boolean;
  readonly maxFailPercentage?: number;
  /** Hosts failed so far in this play, for max_fail_percentage. */
  readonly failedInPlay?: Set<string>;
  /** Set when the play must stop now (any_errors_fatal, max_fail_percentage): Ansible's RUN_FAILED_BREAK_PLAY. */
  readonly flags?: { breakPlay: boolean; reason?: 'any_errors_fatal' | 'max_fail_percentage' };
}

/**
 * Runs one task (or handler) on these hosts, at most --forks at once, and records each result:
 * facts, register, notified handlers, and hosts that fail (not ignored) or are unreachable.
 * Emits task_start, then exactly one host_result per host. Returns the hosts that failed.
 */
export async function runTask(run: PlayRun, written: Task, context: TaskContext, hosts: readonly string[], kind: 'task' | 'handler', sharedTaskId?: string): Promise<Set<string>> {
  const { state, play, playId } = run;
  const { events, settings } = state;
  const task = inheritPlayFlow(written, play);
  const flow = task.flow;
  // The free strategy runs a task host by host under one id (one banner in the plain output per run of results).
  const taskId = sharedTaskId ?? state.newId('task');
  const failed = new Set<string>();
  const playHosts = playHostsOf(run);
  const scope = { play, task, context, playHosts };
  // run_once: the first host runs it for all (the linear strategy queues it once); the free
  // strategy runs it on every host, as free.py does.
  const runOnce = flow?.runOnce === true && !run.free;
  const targets = runOnce ? hosts.slice(0, 1) : hosts;
  // Every host's variables before the banner, as the linear strategy gets them (a vars_files
  // entry that cannot be read ends the run there).
  const varsOf = new Map(targets.map((h) => [h, state.variables.forTask(h, scope)]));
  events.emit({ type: 'task_start', task_id: taskId, play_id: playId, name: title(run, task, varsOf.get(targets[0] ?? '')), kind, action: task.module, hosts: targets });
  // throttle: at most that many hosts at once (never more than --forks); run_once ignores it.
  const limit = flow?.throttle && !runOnce ? Math.min(settings.forks, flow.throttle) : settings.forks;
  await mapLimit(targets, limit, async (host) => {
    const started = performance.now();
    const vars = varsOf.get(host) ?? state.variables.forTask(host, scope);
    let onHost: Task = task;
    let outcome: TaskOutcome;
    let delegatedTo: string | undefined;
    let label: { delegated_to?: string; delegated_address?: string } = {};
    const place = { task_id: taskId, play_id: playId, host };
    try {
      onHost = taskForHost(task, vars, state.templar);
      const user = remoteUserFor(play, vars, state.templar);
      const delegation = delegationFor(onHost, vars, state, scope);
      delegatedTo = delegation?.host;
      if (delegation) label = { delegated_to: delegation.host, ...(delegation.address !== undefined ? { delegated_address: delegation.address } : {}) };
      const retryName = task.name ?? `TASK: ${task.moduleAsWritten ?? task.module}`;
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
        // Connection variables from every source, -e included, as Ansible reads them (the delegated host's when delegated).
        connect: delegation ? () => delegation.connect(user) : () => state.pool.get(host, vars, user),
        ...(flow?.until
          ? {
              onRetry: (result: Vars) =>
                events.emit({ type: 'host_retry', ...place, ...label, name: retryName, attempts: Number(result['attempts']), retries: Number(result['retries']), result: visible(result, onHost) }),
            }
          : {}),
        ...(flow?.async !== undefined ? { onAsync: (progress: AsyncProgress) => events.emit({ type: 'host_async', ...place, state: progress.state, jid: progress.jid }) } : {}),
      });
    } catch (err) {
      // A keyword template that does not render fails the task on this host (hidden if no_log could not be decided, as in Ansible).
      if (task.templated.no_log && onHost === task) onHost = { ...task, noLog: true };
      outcome = { status: 'failed', result: { changed: false, failed: true, msg: (err as Error).message }, items: [], ignored: false, facts: undefined, diff: undefined };
    }
    // Killed by Ctrl-C: the run is ending, as ansible-playbook's does, without more results.
    if (isInterrupted()) return;
    // ignore_unreachable: the host stays in the play, its result counts as ok and ignored.
    if (outcome.status === 'unreachable' && flow?.ignoreUnreachable) outcome = { ...outcome, ignored: true };
    record(run, host, onHost, outcome, delegatedTo);
    // A run_once result is every host's: register and facts (get_task_hosts).
    if (runOnce) for (const other of hosts) if (other !== host) record(run, other, onHost, { ...outcome, status: 'ok' }, delegatedTo, false);
    let rescued = false;
    if (outcome.status === 'failed' && !outcome.ignored) {
      // A run_once task that fails fails every host of the batch (StrategyBase marks them all).
      for (const h of runOnce ? hosts : [host]) {
        failed.add(h);
        // As StrategyBase: a failure inside a block with a rescue is rescued (the host stays in
        // the play, the rescue sees the failure); any other takes the host out of the play's hosts.
        const saved = run.rescuing(h);
        if (h === host) rescued = saved;
        if (saved) state.variables.setHostFacts(h, { ansible_failed_task: failedTask(onHost), ansible_failed_result: outcome.result });
        else state.removed.add(h);
      }
    } else if (outcome.status === 'unreachable' && !outcome.ignored) {
      failed.add(host);
      run.unreachable.add(host);
      state.removed.add(host);
    }
    const event = hostResultEvent(place, onHost, outcome, performance.now() - started);
    events.emit({ ...event, ...(rescued ? { rescued } : {}), ...label });
  });
  // The linear strategy treats a run_once task as any_errors_fatal; the free strategy has neither.
  if (failed.size > 0 && kind === 'task' && !run.free && ((flow?.anyErrorsFatal ?? run.anyErrorsFatal ?? false) || runOnce) && !task.ignoreErrors) failEveryHost(run, hosts, failed);
  if (kind === 'task') checkMaxFailPercentage(run, hosts, failed);
  return failed;
}

/**
 * any_errors_fatal: one host failed, so every host of the batch is failed and the play stops
 * (linear strategy). Hosts in a rescue or always section keep going there, as
 * dont_fail_states does (their failure is marked, the rescue takes it).
 */
function failEveryHost(run: PlayRun, hosts: readonly string[], failed: Set<string>, reason: 'any_errors_fatal' | 'max_fail_percentage' = 'any_errors_fatal'): void {
  const batch = run.batch ?? run.hosts;
  for (const h of new Set([...hosts, ...batch])) {
    if (run.state.removed.has(h) && !failed.has(h)) continue;
    if (failed.has(h) && !run.state.removed.has(h)) continue; // rescued: the rescue runs
    failed.add(h);
    run.state.removed.add(h);
  }
  if (run.flags) {
    run.flags.breakPlay = true;
    run.flags.reason ??= reason;
  }
}

/** max_fail_percentage: more than that share of the batch has failed, so the rest fail too and the play stops. */
function checkMaxFailPercentage(run: PlayRun, hosts: readonly string[], failed: Set<string>): void {
  const pct = run.maxFailPercentage;
  if (pct === undefined || !run.failedInPlay) return;
  for (const h of failed) if (!run.unreachable.has(h)) run.failedInPlay.add(h);
  const batch = run.batch ?? run.hosts;
  if (batch.length === 0 || run.failedInPlay.size / batch.length <= pct / 100) return;
  failEveryHost(run, hosts, failed, 'max_fail_percentage');
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

/** What a result changes for the rest of the run: facts (the delegated host's with delegate_facts), register, notified handlers. */
function record(run: PlayRun, host: string, task: Task, outcome: TaskOutcome, delegatedTo: string | undefined, notify = true): void {
  const { variables } = run.state;
  // setup's facts are gathered facts (they replace those of the same names, for the run); set_fact's and include_vars' are host facts.
  // With delegate_facts they are the delegated host's.
  if (outcome.facts) {
    const factsHost = delegatedTo !== undefined && task.flow?.delegateFacts ? delegatedTo : host;
    if (task.module === 'setup') variables.mergeFacts(factsHost, outcome.facts);
    else variables.setHostFacts(factsHost, outcome.facts);
  }
  if (task.register) variables.setHostFacts(host, { [task.register]: outcome.result });
  // Only a changed result notifies (a failed one does not, even when ignored).
  if (notify && outcome.status === 'changed') run.handlers.notify(host, task.notify);
}

/** ansible_play_hosts_all and ansible_play_hosts: the hosts not failed nor ended in the play. */
export function playHostsOf(run: PlayRun): { all: readonly string[]; active: readonly string[]; batch: readonly string[] } {
  const out = (h: string): boolean => run.state.removed.has(h) || run.ended.has(h);
  const active = run.hosts.filter((h) => !out(h));
  return { all: run.hosts, active, batch: run.batch ? run.batch.filter((h) => !out(h)) : active };
}

/** What a rescue sees of the task that failed (Ansible gives the task's serialized fields). */
function failedTask(task: Task): Vars {
  return { name: task.name ?? taskTitle(task), action: task.moduleAsWritten ?? task.module, args: task.args, tags: [...task.tags], when: task.when.map((c) => c.text) };
}
