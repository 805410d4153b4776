import { Listr, type ListrTaskWrapper } from 'listr2';
import type { HostResultEvent, RunEvent, TaskStartEvent } from '../engine/events.js';
import type { Reporter } from '../engine/reporter.js';
import { diffText, hostResultLines } from './format.js';
import { banner, recapBlock } from './recap.js';

/** A host's line in the live view waits on this for its one result (undefined: the run stopped). */
interface Awaited {
  readonly result: Promise<HostResultEvent | undefined>;
  resolve(result: HostResultEvent | undefined): void;
}

function awaited(): Awaited {
  let resolve: (result: HostResultEvent | undefined) => void = () => {};
  const result = new Promise<HostResultEvent | undefined>((r) => (resolve = r));
  return { result, resolve };
}

/**
 * The live view on a terminal: one listr2 list per task with a line per host that turns into
 * ok/changed/failed when that host's one host_result arrives (a loop's items come inside it).
 * The engine schedules; this only displays.
 */
export class ListrReporter implements Reporter {
  private running: Promise<void> = Promise.resolve();
  /** Hosts whose result has not arrived yet, by task id, then host. */
  private readonly waiting = new Map<string, Map<string, Awaited>>();

  constructor(private readonly verbosity: number) {}

  handle(event: RunEvent): void {
    switch (event.type) {
      case 'play_start':
        this.after(() => process.stdout.write(`\n${banner(`PLAY [${event.name}]`)}\n`));
        break;
      case 'task_start':
        this.startTask(event);
        break;
      case 'host_result': {
        const hosts = this.waiting.get(event.task_id);
        hosts?.get(event.host)?.resolve(event);
        hosts?.delete(event.host);
        if (hosts?.size === 0) this.waiting.delete(event.task_id);
        break;
      }
      case 'no_hosts_matched':
        this.after(() => process.stdout.write('skipping: no hosts matched\n'));
        break;
      case 'warning':
        this.after(() => process.stderr.write(`[WARNING]: ${event.message}\n`));
        break;
      case 'run_end':
        this.after(() => process.stdout.write(recapBlock(event.stats)));
        break;
      case 'run_start':
      case 'host_retry':
      case 'host_async':
      case 'play_end':
      case 'no_hosts_left':
      case 'included':
        break;
    }
  }

  /** Ends every line still waiting (a run stopped by an error), so the view always finishes. */
  close(): Promise<void> {
    for (const hosts of this.waiting.values()) for (const entry of hosts.values()) entry.resolve(undefined);
    this.waiting.clear();
    return this.running;
  }

  private startTask(event: TaskStartEvent): void {
    // The lines are fixed now; `waiting` loses each host as its result arrives.
    const lines = event.hosts.map((host) => ({ host, entry: awaited() }));
    this.waiting.set(event.task_id, new Map(lines.map(({ host, entry }) => [host, entry])));
    const heading = `${event.kind === 'handler' ? 'RUNNING HANDLER' : 'TASK'} [${event.name}]`;
    const list = new Listr(
      [
        {
          title: heading,
          task: (_ctx, task) =>
            task.newListr(
              lines.map(({ host, entry }) => ({
                title: host,
                task: async (_c: unknown, t: ListrTaskWrapper<unknown, never, never>) => this.show(host, await entry.result, event.action, t),
              })),
              { concurrent: true, exitOnError: false },
            ),
        },
      ],
      // Many hosts: a finished task folds to one line (the recap still lists every host).
      { exitOnError: false, rendererOptions: { collapseSubtasks: event.hosts.length > 10, collapseErrors: false } },
    );
    this.after(() => list.run().then(() => undefined, () => undefined));
  }

  private show(host: string, result: HostResultEvent | undefined, action: string, task: ListrTaskWrapper<unknown, never, never>): void {
    if (!result) {
      task.skip(`${host}: no result (the run stopped)`);
      return;
    }
    if (result.diff?.length) task.output = diffText(result.diff);
    const text = hostResultLines(result, action, this.verbosity).join('\n');
    if (result.status === 'skipped') task.skip(text);
    else if (result.status === 'failed' && !result.ignored) throw new Error(text);
    else if (result.status === 'unreachable') throw new Error(text);
    else task.title = text;
  }

  /** Output happens in order: each piece waits for the list before it to finish drawing. */
  private after(step: () => unknown): void {
    this.running = this.running.then(async () => {
      await step();
    });
  }
}
