import { Listr, type ListrTaskWrapper } from 'listr2';
import type { HostResult, Reporter } from '../engine/reporter.js';
import type { Stats } from '../engine/stats.js';
import { diffText, resultLines } from './format.js';
import { banner, recapBlock } from './recap.js';

interface Waiting {
  resolve(result: HostResult): void;
  readonly result: Promise<HostResult>;
  readonly items: string[];
}

/**
 * The live view on a terminal: one listr2 list per task with a line per host that turns into
 * ok/changed/failed as results arrive. The engine schedules; this only displays.
 */
export class ListrReporter implements Reporter {
  private running: Promise<void> = Promise.resolve();
  private waiting = new Map<string, Waiting>();

  constructor(private readonly verbosity: number) {}

  playStart(name: string): void {
    this.after(() => process.stdout.write(`\n${banner(`PLAY [${name}]`)}\n`));
  }

  taskStart(title: string, kind: 'task' | 'handler', hosts: readonly string[]): void {
    const waiting = new Map<string, Waiting>();
    for (const host of hosts) {
      let resolve: (r: HostResult) => void = () => {};
      const result = new Promise<HostResult>((r) => (resolve = r));
      waiting.set(host, { resolve, result, items: [] });
    }
    this.waiting = waiting;
    const heading = `${kind === 'handler' ? 'RUNNING HANDLER' : 'TASK'} [${title}]`;
    const list = new Listr(
      [
        {
          title: heading,
          task: (_ctx, task) =>
            task.newListr(
              hosts.map((host) => ({ title: host, task: (_c: unknown, t: ListrTaskWrapper<unknown, never, never>) => this.show(host, waiting, t) })),
              { concurrent: true, exitOnError: false },
            ),
        },
      ],
      // Many hosts: a finished task folds to one line (the recap still lists every host).
      { exitOnError: false, rendererOptions: { collapseSubtasks: hosts.length > 10, collapseErrors: false } },
    );
    this.after(() => list.run().then(() => undefined, () => undefined));
  }

  private async show(host: string, waiting: Map<string, Waiting>, task: ListrTaskWrapper<unknown, never, never>): Promise<void> {
    const entry = waiting.get(host);
    if (!entry) return;
    const result = await entry.result;
    const lines = [...entry.items, ...resultLines(result, this.verbosity)];
    if (result.diff?.length) task.output = diffText(result.diff);
    const text = lines.join('\n');
    if (result.status === 'skipped') task.skip(text);
    else if (result.status === 'failed' && !result.ignored) throw new Error(text);
    else if (result.status === 'unreachable') throw new Error(text);
    else task.title = text;
  }

  hostResult(result: HostResult): void {
    const entry = this.waiting.get(result.host);
    if (!entry) return;
    if (result.hasItem) entry.items.push(...resultLines(result, this.verbosity));
    else entry.resolve(result);
  }

  noHostsLeft(): void {
    this.after(() => process.stdout.write(`\n${banner('NO MORE HOSTS LEFT')}\n`));
  }

  warning(message: string): void {
    this.after(() => process.stderr.write(`[WARNING]: ${message}\n`));
  }

  recap(stats: Stats): void {
    this.after(() => process.stdout.write(recapBlock(stats)));
  }

  close(): Promise<void> {
    return this.running;
  }

  /** Output happens in order: each piece waits for the list before it to finish drawing. */
  private after(step: () => unknown): void {
    this.running = this.running.then(async () => {
      await step();
    });
  }
}
