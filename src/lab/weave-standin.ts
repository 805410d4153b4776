import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The lab's stand-in for Weave Net 1.9's `weave` script (a test fixture, not Weave Net). */
export const WEAVE_STANDIN_SOURCE = fileURLToPath(new URL('../../test/fixtures/weave-standin/weave', import.meta.url));

/** Where the stand-in is in the web root (served at /files/weave/v1.9.8/weave, with weave.sha256 beside). */
export const WEAVE_STANDIN_PATH = 'weave/v1.9.8/weave';

/** The stand-in's sha256, as playbooks pin it (`checksum: sha256:…`). */
export function weaveStandinSha256(): string {
  return createHash('sha256').update(readFileSync(WEAVE_STANDIN_SOURCE)).digest('hex');
}

/** Puts the stand-in and its checksum file (sha256sum's format) in the lab's web root. */
export function publishWeaveStandin(www: string): void {
  const dest = join(www, WEAVE_STANDIN_PATH);
  mkdirSync(dirname(dest), { recursive: true });
  copyFileSync(WEAVE_STANDIN_SOURCE, dest);
  chmodSync(dest, 0o755);
  writeFileSync(`${dest}.sha256`, `${weaveStandinSha256()}  weave\n`);
}
