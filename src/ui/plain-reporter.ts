import type { HostResult, Reporter } from '../engine/reporter.js';
import type { Stats } from '../engine/stats.js';
import { diffText, resultLines } from './format.js';
import { banner, recapBlock } from './recap.js';

/** Plain lines like ansible-playbook's (for pipes, CI, Vagrant and Molecule). */
export class PlainReporter implements Reporter {
  constructor(
    private readonly write: (text: string) => void,
    private readonly warn: (text: string) => void,
    private readonly verbosity: number,
  ) {}

  playStart(name: string): void {
    this.write(`\n${banner(`PLAY [${name}]`)}\n`);
  }

  taskStart(title: string, kind: 'task' | 'handler', _hosts: readonly string[]): void {
    this.write(`\n${banner(`${kind === 'handler' ? 'RUNNING HANDLER' : 'TASK'} [${title}]`)}\n`);
  }

  hostResult(result: HostResult): void {
    if (result.diff && result.diff.length > 0) this.write(`${diffText(result.diff)}\n`);
    for (const line of resultLines(result, this.verbosity)) this.write(`${line}\n`);
  }

  noHostsLeft(): void {
    this.write(`\n${banner('NO MORE HOSTS LEFT')}\n`);
  }

  warning(message: string): void {
    this.warn(`[WARNING]: ${message}\n`);
  }

  recap(stats: Stats): void {
    this.write(recapBlock(stats));
  }

  async close(): Promise<void> {}
}
