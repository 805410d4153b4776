import type { HostIterator, Step } from './host-iterator.js';

/** What a strategy asks of the engine for one step on some hosts; each returns the hosts that failed (or were unreachable). */
export interface StepRunner {
  gatherFacts(hosts: readonly string[]): Promise<ReadonlySet<string>>;
  runTask(step: Extract<Step, { kind: 'task' }>, hosts: readonly string[]): Promise<ReadonlySet<string>>;
  flushHandlers(hosts: readonly string[]): Promise<ReadonlySet<string>>;
  /** A host that was unreachable leaves the play; one that failed goes to its rescue or always. */
  unreachable(host: string): boolean;
  /** True when the run is being interrupted (Ctrl-C): no further step starts. */
  stopped(): boolean;
}

/**
 * Ansible's linear strategy: the hosts move in lockstep. The next step is the next one in play
 * order (from the lockstep cursor) that any host is at; the hosts at it run it together (at
 * most --forks at once, in the runner), and every host finishes it before the next step
 * starts. A host that fails goes on in its block's rescue and always, or leaves the play.
 */
export async function runLinear(iterator: HostIterator, runner: StepRunner): Promise<void> {
  for (;;) {
    if (runner.stopped()) return;
    const next = lockstep(iterator);
    if (!next) return;
    const { step, hosts } = next;
    const failed =
      step.kind === 'gather_facts' ? await runner.gatherFacts(hosts) : step.kind === 'task' ? await runner.runTask(step, hosts) : await runner.flushHandlers(hosts);
    for (const host of hosts) {
      if (!failed.has(host)) continue;
      if (runner.unreachable(host)) iterator.end(host);
      else iterator.markFailed(host);
    }
  }
}

/**
 * _get_next_task_lockstep: the next step in play order, from the cursor, that some host is at;
 * those hosts are moved past it. Undefined when no host has a step left.
 */
export function lockstep(iterator: HostIterator): { step: Step; hosts: string[] } | undefined {
  const peeked = new Map<string, NonNullable<ReturnType<HostIterator['peekState']>>>();
  // One peek per host: the next step is computed on a copy of its state, committed if it runs.
  for (const host of iterator.hosts()) {
    const p = iterator.peekState(host);
    if (p?.step) peeked.set(host, p);
  }
  if (peeked.size === 0) return undefined;
  const waiting = new Set([...peeked.values()].map((p) => p.step));
  let step: Step | undefined;
  for (let wrapped = 0; wrapped <= 1 && !step; ) {
    const candidate = iterator.allSteps[iterator.cursor];
    if (!candidate) {
      iterator.cursor = 0;
      wrapped++;
      continue;
    }
    iterator.cursor++;
    if (waiting.has(candidate)) step = candidate;
  }
  if (!step) throw new Error('BUG: the play iterator and the host states disagree');
  const hosts: string[] = [];
  for (const [host, p] of peeked) {
    if (p.step !== step) continue;
    iterator.commit(host, p.state);
    hosts.push(host);
  }
  return { step, hosts };
}
