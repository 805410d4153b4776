import type { HostIterator } from './host-iterator.js';
import type { StepRunner } from './linear-strategy.js';

/**
 * Ansible's free strategy: each host goes through its steps as fast as it can, never waiting for
 * the others; at most `forks` steps run at once (a slot is held for one step, not for a host's
 * whole walk, as free.py queues one task per free worker). A host that fails goes on in its
 * block's rescue and always, or leaves the play; an unreachable one leaves it.
 */
export async function runFree(iterator: HostIterator, runner: StepRunner, forks: number): Promise<void> {
  const slots = new Slots(Math.max(1, forks));
  await Promise.all(
    iterator.remaining().map(async (host) => {
      for (;;) {
        if (runner.stopped()) return;
        if (!iterator.peek(host)) return;
        await slots.take();
        let failed: ReadonlySet<string>;
        try {
          if (runner.stopped()) return;
          // Moved past the step before it runs, as the linear strategy does (an include adds after it).
          const peeked = iterator.peekState(host);
          const step = peeked?.step;
          if (!peeked || !step) return;
          iterator.commit(host, peeked.state);
          failed = step.kind === 'gather_facts' ? await runner.gatherFacts([host]) : step.kind === 'task' ? await runner.runTask(step, [host]) : await runner.flushHandlers([host]);
        } finally {
          slots.give();
        }
        if (!failed.has(host)) continue;
        if (runner.unreachable(host)) iterator.end(host);
        else iterator.markFailed(host);
      }
    }),
  );
}

/** A counting semaphore: at most `free` holders at once, the others wait in order. */
class Slots {
  private readonly waiting: (() => void)[] = [];
  constructor(private free: number) {}

  take(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  give(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}
