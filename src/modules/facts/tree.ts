import { shellQuote } from '../../util/shlex.js';
import type { Fact } from './fact.js';

/** What removing a directory removes, as Ansible's file module lists it in its diff (`path_content`). */
export interface TreeListing {
  readonly directories: readonly string[];
  readonly files: readonly string[];
}

/**
 * The entries under a directory in Python's os.walk order: each directory's entries in the
 * order the filesystem lists them (the order find reads them in), its subdirectories (links to
 * directories included, not entered) before its files, then each subdirectory the same way.
 * Names travel as base64. Nothing when the path is not a directory.
 */
export function treeFact(path: string): Fact<TreeListing> {
  return {
    key: `tree ${path}`,
    command: `p=${shellQuote(path)}; if [ -d "$p" ] && [ ! -L "$p" ]; then find "$p" | while IFS= read -r f; do if [ -d "$f" ]; then t=d; else t=f; fi; printf '%s ' "$t"; printf '%s' "$f" | base64 -w0; echo; done; fi`,
    parse: (output) => walkOrder(path, output),
  };
}

function walkOrder(top: string, output: string): TreeListing {
  const children = new Map<string, { path: string; dir: boolean }[]>();
  let first = true;
  for (const line of output.split('\n')) {
    const [kind, encoded] = line.split(' ');
    if (!kind || encoded === undefined) continue;
    const path = Buffer.from(encoded, 'base64').toString('utf8');
    if (first) {
      first = false; // find lists the top directory itself first
      continue;
    }
    const parent = path.slice(0, path.lastIndexOf('/'));
    const list = children.get(parent) ?? [];
    list.push({ path, dir: kind === 'd' });
    children.set(parent, list);
  }
  const directories: string[] = [];
  const files: string[] = [];
  const walk = (dir: string): void => {
    const entries = children.get(dir) ?? [];
    for (const e of entries) (e.dir ? directories : files).push(e.path);
    // os.walk does not enter links to directories; find does not list inside them either.
    for (const e of entries) if (e.dir && children.has(e.path)) walk(e.path);
  };
  walk(top.replace(/(.)\/+$/, '$1'));
  return { directories, files };
}
