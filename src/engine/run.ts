import { dirname, resolve } from 'node:path';
import type { Inventory } from '../inventory/model.js';
import type { Playbook } from '../playbook/model.js';
import { Templar } from '../template/templar.js';
import type { Vars } from '../util/data.js';
import { type ConnectionOptions, ConnectionPool } from './connections.js';
import type { EventBus } from './event-bus.js';
import type { RunEvent } from './events.js';
import { trackPool } from './interrupt.js';
import { type RunSettings, runPlay } from './play-runner.js';
import { Stats } from './stats.js';
import { Variables } from './variables.js';
import type { AskVar } from './ask-var.js';

export interface RunOptions extends RunSettings {
  readonly inventory: Inventory;
  readonly playbooks: readonly Playbook[];
  readonly extraVars: Vars;
  readonly connection: ConnectionOptions;
  /** The run reports only through these events; displays subscribe to them. */
  readonly events: EventBus<RunEvent>;
  readonly projectDir: string;
  readonly templar?: Templar;
  /** Asks a vars_prompt question (the CLI's terminal prompt); absent: never asked. */
  readonly askVar?: AskVar;
}

/** Runs validated playbooks in order, then prints the recap (also when the run ends with an error, which is rethrown). Returns the stats (and so the exit code). */
export async function runPlaybooks(options: RunOptions): Promise<Stats> {
  const { events } = options;
  const started = performance.now();
  const templar = options.templar ?? new Templar();
  const stats = new Stats();
  const unsubscribe = events.subscribe((event) => stats.observe(event));
  const variables = new Variables(
    options.inventory,
    options.extraVars,
    {
      ansible_check_mode: options.check,
      ansible_diff_mode: options.diff,
      ansible_forks: options.forks,
      ansible_run_tags: options.tags.length > 0 ? [...options.tags] : ['all'],
      ansible_skip_tags: [...options.skipTags],
    },
    templar,
    { ansible_managed: 'Managed by provision: local changes will be overwritten' },
  );
  const pool = new ConnectionPool(options.connection);
  const untrack = trackPool(pool);
  const removed = new Set<string>();
  const newId = idSequence();
  events.emit({ type: 'run_start', playbooks: options.playbooks.map((p) => p.file), check: options.check, diff: options.diff, forks: options.forks });
  let failure: { error: unknown } | undefined;
  try {
    const state = { inventory: options.inventory, variables, pool, templar, events, newId, settings: options, removed, warned: new Set<string>(), extraVars: options.extraVars, askVar: options.askVar };
    for (const playbook of options.playbooks) {
      const dir = dirname(resolve(playbook.file));
      variables.setPlaybookDir(dir);
      templar.setFileBases([dir, options.projectDir]);
      let stop = false;
      for (const play of playbook.plays) {
        // As ansible-playbook: when every host of a play failed, no further play runs.
        if ((await runPlay(play, state)).everyHostFailed) {
          stop = true;
          break;
        }
      }
      // And a playbook that ends with a failed host is the last playbook run.
      if (stop || removed.size > 0) break;
    }
  } catch (error) {
    // A run that ends early still shows the recap of what ran; the error is reported after it.
    failure = { error };
  } finally {
    untrack();
    unsubscribe();
    await pool.closeAll();
  }
  events.emit({ type: 'run_end', stats: stats.snapshot(), exit_code: stats.exitCode(), duration_ms: Math.round(performance.now() - started) });
  if (failure) throw failure.error;
  return stats;
}

/** Ids in run order (play-1, task-1, task-2, …): unique in the run, opaque to readers. */
function idSequence(): (kind: 'play' | 'task') => string {
  const counts = { play: 0, task: 0 };
  return (kind) => `${kind}-${++counts[kind]}`;
}
