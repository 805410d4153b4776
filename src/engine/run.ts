import { dirname, resolve } from 'node:path';
import type { Inventory } from '../inventory/model.js';
import type { Playbook } from '../playbook/model.js';
import { Templar } from '../template/templar.js';
import type { Vars } from '../util/data.js';
import { type ConnectionOptions, ConnectionPool } from './connections.js';
import { type RunSettings, runPlay } from './play-runner.js';
import type { Reporter } from './reporter.js';
import { Stats } from './stats.js';
import { Variables } from './variables.js';

export interface RunOptions extends RunSettings {
  readonly inventory: Inventory;
  readonly playbooks: readonly Playbook[];
  readonly extraVars: Vars;
  readonly connection: ConnectionOptions;
  readonly reporter: Reporter;
  readonly projectDir: string;
  readonly templar?: Templar;
}

/** Runs validated playbooks in order, then prints the recap (also when the run ends with an error, which is rethrown). Returns the stats (and so the exit code). */
export async function runPlaybooks(options: RunOptions): Promise<Stats> {
  const templar = options.templar ?? new Templar();
  const stats = new Stats();
  const variables = new Variables(options.inventory, options.extraVars, {
    ansible_check_mode: options.check,
    ansible_diff_mode: options.diff,
    ansible_forks: options.forks,
    ansible_managed: 'Managed by provision: local changes will be overwritten',
  }, templar);
  const pool = new ConnectionPool(options.connection);
  const removed = new Set<string>();
  let failure: { error: unknown } | undefined;
  try {
    for (const playbook of options.playbooks) {
      const dir = dirname(resolve(playbook.file));
      variables.setMagic('playbook_dir', dir);
      templar.setFileBases([dir, options.projectDir]);
      for (const play of playbook.plays) {
        await runPlay(play, { inventory: options.inventory, variables, pool, templar, reporter: options.reporter, stats, settings: options, removed });
      }
    }
  } catch (error) {
    // A run that ends early still shows the recap of what ran; the error is reported after it.
    failure = { error };
  } finally {
    await pool.closeAll();
  }
  options.reporter.recap(stats);
  await options.reporter.close();
  if (failure) throw failure.error;
  return stats;
}
