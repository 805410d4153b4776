import { renameSync, writeFileSync } from 'node:fs';

/** Readers (apt through the lab's web server) never see half a file: write beside it, then rename. */
export function writeTextAtomically(path: string, text: string, mode = 0o644): void {
  writeFileSync(`${path}.tmp`, text, { mode });
  renameSync(`${path}.tmp`, path);
}
