import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

/** A controller file for `src`: `<dir>/<kind>/<name>`, then `<dir>/<name>`, over the search dirs in order. */
export function findFile(searchDirs: readonly string[], kind: 'templates' | 'files', name: string): string | undefined {
  if (isAbsolute(name)) return existsSync(name) ? name : undefined;
  for (const dir of searchDirs) {
    for (const candidate of [join(dir, kind, name), join(dir, name)]) {
      if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
    }
  }
  return undefined;
}
