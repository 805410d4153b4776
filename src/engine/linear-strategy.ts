import type { HostIterator, Step } from './host-iterator.js';

/** What a strategy asks of the engine for one step on some hosts; each returns the hosts that failed. */
export interface StepRunner {
  gatherFacts(hosts: readonly string[]): Promise<ReadonlySet<string>>;
  runTask(step: Extract<Step, { kind: 'task' }>, hosts: readonly string[]): Promise<ReadonlySet<string>>;
  flushHandlers(hosts: readonly string[]): Promise<ReadonlySet<string>>;
  /** True when the run is being interrupted (Ctrl-C): no further step starts. */
  stopped(): boolean;
}

/**
 * Ansible's linear strategy: the hosts move in lockstep. The next step is the earliest one any
 * remaining host is at; the hosts at it run it together (at most --forks at once, in the runner),
 * and every host finishes it before the next step starts. A host that fails leaves the play.
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
      if (failed.has(host)) iterator.markFailed(host);
      else iterator.advance(host);
    }
  }
}

/** The earliest step any remaining host is at, and the hosts at it. */
export function lockstep(iterator: HostIterator): { step: Step; hosts: string[] } | undefined {
  let step: Step | undefined;
  let hosts: string[] = [];
  for (const host of iterator.remaining()) {
    const at = iterator.peek(host);
    if (!at) continue;
    if (!step || at.index < step.index) {
      step = at;
      hosts = [host];
    } else if (at.index === step.index) {
      hosts.push(host);
    }
  }
  return step ? { step, hosts } : undefined;
}
