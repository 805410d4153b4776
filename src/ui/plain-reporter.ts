import type { RunEvent } from '../engine/events.js';
import type { Reporter } from '../engine/reporter.js';
import { diffText, hostResultLines, retryLine } from './format.js';
import { banner, recapBlock } from './recap.js';

/** Plain lines like ansible-playbook's (for pipes, CI, Vagrant and Molecule). */
export class PlainReporter implements Reporter {
  /** Each task's module, by task id: how a result is shown depends on it (debug). */
  private readonly actions = new Map<string, string>();

  constructor(
    private readonly write: (text: string) => void,
    private readonly warn: (text: string) => void,
    private readonly verbosity: number,
  ) {}

  handle(event: RunEvent): void {
    switch (event.type) {
      case 'play_start':
        this.write(`\n${banner(`PLAY [${event.name}]`)}\n`);
        break;
      case 'task_start':
        this.actions.set(event.task_id, event.action);
        this.write(`\n${banner(`${event.kind === 'handler' ? 'RUNNING HANDLER' : 'TASK'} [${event.name}]`)}\n`);
        break;
      case 'host_result':
        if (event.diff && event.diff.length > 0) this.write(`${diffText(event.diff)}\n`);
        for (const line of hostResultLines(event, this.actions.get(event.task_id) ?? '', this.verbosity)) this.write(`${line}\n`);
        break;
      case 'host_retry':
        this.write(`${retryLine(event)}\n`);
        break;
      case 'no_hosts_matched':
        this.write('skipping: no hosts matched\n');
        break;
      case 'no_hosts_left':
        // ansible-playbook 2.14 prints NO MORE HOSTS LEFT only for any_errors_fatal and max_fail_percentage.
        break;
      case 'warning':
        this.warn(`[WARNING]: ${event.message}\n`);
        break;
      case 'play_end':
        this.actions.clear();
        break;
      case 'run_end':
        this.write(recapBlock(event.stats));
        break;
      case 'run_start':
        break;
    }
  }

  async close(): Promise<void> {}
}
