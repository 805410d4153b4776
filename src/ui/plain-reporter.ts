import type { RunEvent } from '../engine/events.js';
import type { Reporter } from '../engine/reporter.js';
import { asyncLine, diffText, hostResultLines, resultJson, retryLine } from './format.js';
import { banner, recapBlock } from './recap.js';

const INCLUDES = /(^|\.)(include_tasks|include_role|include)$/;

/** A loop item as Ansible's label shows it. */
function itemLabel(item: unknown): string {
  return typeof item === 'string' ? item : resultJson(item);
}

/** Plain lines like ansible-playbook's (for pipes, CI, Vagrant and Molecule). */
export class PlainReporter implements Reporter {
  /** Each task's module, by task id: how a result is shown depends on it (debug). */
  private readonly actions = new Map<string, string>();
  private readonly banners = new Map<string, string>();
  private lastBanner: string | undefined;
  private free = false;

  constructor(
    private readonly write: (text: string) => void,
    private readonly warn: (text: string) => void,
    private readonly verbosity: number,
  ) {}

  handle(event: RunEvent): void {
    switch (event.type) {
      case 'play_start':
        this.free = event.strategy === 'free';
        this.lastBanner = undefined;
        this.write(`\n${banner(`PLAY [${event.name}]`)}\n`);
        break;
      case 'task_start':
        this.actions.set(event.task_id, event.action);
        this.banners.set(event.task_id, `\n${banner(`${event.kind === 'handler' ? 'RUNNING HANDLER' : 'TASK'} [${event.name}]`)}\n`);
        // Free strategy: the banner comes with a result of another task than the last one shown (Ansible's default callback).
        if (!this.free) this.showBanner(event.task_id);
        break;
      case 'included':
        this.write(`included: ${event.file} for ${event.hosts.join(', ')}${event.item !== undefined ? ` => (item=${itemLabel(event.item)})` : ''}\n`);
        break;
      case 'host_result':
        if (this.free) this.showBanner(event.task_id);
        // ansible-playbook shows an include's result only as its "included:" lines (a skip still shows).
        if (event.status === 'ok' && INCLUDES.test(this.actions.get(event.task_id) ?? '')) break;
        if (event.diff && event.diff.length > 0) this.write(`${diffText(event.diff)}\n`);
        for (const line of hostResultLines(event, this.actions.get(event.task_id) ?? '', this.verbosity)) this.write(`${line}\n`);
        break;
      case 'host_retry':
        if (this.free) this.showBanner(event.task_id);
        this.write(`${retryLine(event)}\n`);
        break;
      case 'host_async':
        if (this.free) this.showBanner(event.task_id);
        this.write(`${asyncLine(event)}\n`);
        break;
      case 'no_hosts_matched':
        this.write('skipping: no hosts matched\n');
        break;
      case 'no_hosts_left':
        // ansible-playbook 2.14 prints NO MORE HOSTS LEFT only for any_errors_fatal and max_fail_percentage.
        // (Twice for max_fail_percentage: the linear strategy sends it from both of its checks.)
        if (event.reason) this.write(`\n${banner('NO MORE HOSTS LEFT')}\n`.repeat(event.reason === 'max_fail_percentage' ? 2 : 1));
        break;
      case 'warning':
        this.warn(`[WARNING]: ${event.message}\n`);
        break;
      case 'play_end':
        this.actions.clear();
        this.banners.clear();
        break;
      case 'run_end':
        this.write(recapBlock(event.stats));
        break;
      case 'run_start':
        break;
    }
  }

  private showBanner(taskId: string): void {
    if (this.lastBanner === taskId) return;
    this.lastBanner = taskId;
    this.write(this.banners.get(taskId) ?? '');
  }

  async close(): Promise<void> {}
}
