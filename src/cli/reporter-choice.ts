import type { Reporter } from '../engine/reporter.js';
import { UsageError } from '../errors.js';
import { JsonReporter } from '../ui/json-reporter.js';
import { PlainReporter } from '../ui/plain-reporter.js';
import type { Io } from './lab-command.js';

export type OutputFormat = 'plain' | 'json';

/** `--output plain|json` (plain by default). */
export function parseOutputFormat(value: string | undefined): OutputFormat {
  if (value === undefined || value === 'plain' || value === 'json') return value ?? 'plain';
  throw new UsageError(`--output must be plain or json, got "${value}"`);
}

/**
 * JSON lines when asked (only they go to stdout); else the live view on a terminal, and
 * Ansible's plain lines everywhere else (pipes, CI).
 */
export async function reporterFor(format: OutputFormat, verbosity: number, io: Io): Promise<Reporter> {
  if (format === 'json') return new JsonReporter(io.out);
  if (!process.stdout.isTTY || process.env['CI']) return new PlainReporter(io.out, io.err, verbosity);
  // listr2 is loaded only for the live view: plain runs (CI, pipes, benchmarks) start faster.
  return new (await import('../ui/listr-reporter.js')).ListrReporter(verbosity);
}
