import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { splitHostPattern } from '../inventory/pattern-split.js';
import type { HostStats } from '../engine/events.js';

/**
 * `--limit`'s terms, a term `@FILE` replaced by the host names in that file (one per line), as
 * InventoryManager.subset reads a retry file.
 */
export function limitTerms(limit: string): string[] {
  // Without a file, the pattern goes as written (selectHosts reports its errors with --limit named).
  if (!limit.includes('@')) return [limit];
  return splitHostPattern(limit).flatMap((term) => {
    if (!term.startsWith('@')) return [term];
    const file = term.slice(1);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new UsageError(`--limit @${file}: cannot read the file: ${(err as Error).message}`);
    }
    return text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  });
}

/**
 * A retry file (retry_files_enabled): the hosts that failed or were unreachable, sorted, one a
 * line, in PLAYBOOK.retry beside the playbook or in retry_files_save_path; undefined when no host
 * failed. Returns the file written.
 */
export function writeRetryFile(playbook: string, stats: Readonly<Record<string, Readonly<HostStats>>>, saveDir: string | undefined): string | undefined {
  const hosts = Object.entries(stats).filter(([, s]) => s.failed > 0 || s.unreachable > 0).map(([h]) => h).sort();
  if (hosts.length === 0) return undefined;
  const dir = saveDir ? resolve(saveDir.replace(/^~(?=$|\/)/, process.env['HOME'] ?? '~')) : dirname(resolve(playbook));
  const file = join(dir, `${basename(playbook, extname(playbook))}.retry`);
  writeFileSync(file, `${hosts.join('\n')}\n`);
  return file;
}
