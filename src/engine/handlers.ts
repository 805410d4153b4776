import { type Block, type Task, tasksIn, taskTitle } from '../playbook/model.js';
import type { TaskContext } from './host-iterator.js';

/** A handler with the role (and blocks) it was defined in. */
export interface HandlerEntry {
  readonly task: Task;
  readonly context: TaskContext;
}

/**
 * A play's handlers and who notified them (ansible-core 2.14): a changed task notifies, per
 * host, the handler of each name (by its name or "role : name"; the last defined wins) and every
 * handler that listens to it. At a flush point the notified handlers run in the order they are
 * defined, each once for the hosts that notified it; a handler may notify one defined after it.
 */
export class Handlers {
  /** The handlers, block by block (a role's, then the play's). */
  private readonly byBlock: readonly (readonly HandlerEntry[])[];
  readonly entries: readonly HandlerEntry[];
  private readonly notified = new Map<HandlerEntry, Set<string>>();

  constructor(blocks: readonly Block[]) {
    this.byBlock = blocks.map((block) =>
      tasksIn(block.children).map((task) => ({ task, context: { blocks: [block], role: block.role } })),
    );
    this.entries = this.byBlock.flat();
  }

  notify(host: string, names: readonly string[]): void {
    for (const name of names) {
      for (const entry of this.targets(name)) {
        let hosts = this.notified.get(entry);
        if (!hosts) this.notified.set(entry, (hosts = new Set()));
        hosts.add(host);
      }
    }
  }

  /** search_handler_blocks_by_name (blocks from the last, tasks from the first), then every listener. */
  private targets(name: string): HandlerEntry[] {
    const matches = (entry: HandlerEntry): boolean => entry.task.name !== undefined && (entry.task.name === name || taskTitle(entry.task) === name);
    const named = [...this.byBlock].reverse().map((entries) => entries.find(matches)).find((e) => e !== undefined);
    const listeners = this.entries.filter((entry) => entry.task.listen.includes(name) && entry !== named);
    return named ? [named, ...listeners] : listeners;
  }

  /** Runs the notified handlers for these hosts; returns the hosts that failed (they run no further handler). */
  async flush(hosts: readonly string[], run: (entry: HandlerEntry, hosts: readonly string[]) => Promise<ReadonlySet<string>>): Promise<Set<string>> {
    const failed = new Set<string>();
    for (const entry of this.entries) {
      const waiting = this.notified.get(entry);
      const targets = hosts.filter((h) => waiting?.has(h) && !failed.has(h));
      if (targets.length === 0) continue;
      for (const h of targets) waiting?.delete(h);
      for (const h of await run(entry, targets)) failed.add(h);
    }
    return failed;
  }
}
