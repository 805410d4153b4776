import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labUnsupportedReason } from '../../src/lab/requirements.js';
import { type CliResult, runCli } from './cli.js';

/** Why lab tests must skip here (not root, not Linux, tools missing), or false to run them. */
export function labSkipReason(): string | false {
  return labUnsupportedReason() ?? false;
}

export interface TestLab {
  readonly dir: string;
  /** `provision lab run -- …args` from the controller host. */
  run(args: readonly string[], options?: { cwd?: string; env?: NodeJS.ProcessEnv }): Promise<CliResult>;
  exec(host: string, args: readonly string[]): Promise<CliResult>;
  down(): Promise<CliResult>;
}

/** Brings up a lab of its own (unique directory, unique names) for one test file. */
export async function startLab(inventory: string | readonly string[], prefix = 'lab'): Promise<TestLab> {
  const dir = mkdtempSync(join(tmpdir(), `provision-test-${prefix}-`));
  rmSync(dir, { recursive: true });
  const sources = typeof inventory === 'string' ? [inventory] : inventory;
  const up = await runCli(['lab', 'up', '--lab', dir, ...sources.flatMap((s) => ['-i', s])]);
  assert.equal(up.code, 0, `lab up failed: ${up.stderr}${up.stdout}`);
  return {
    dir,
    run: (args, options) => runCli(['lab', 'run', '--lab', dir, '--', ...args], options),
    exec: (host, args) => runCli(['lab', 'exec', '--lab', dir, host, '--', ...args]),
    down: () => runCli(['lab', 'down', '--lab', dir]),
  };
}
