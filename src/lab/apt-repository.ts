import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { LabError } from '../errors.js';
import { runChecked } from '../util/process.js';
import { writeTextAtomically } from './text-file.js';

/** Debian packages every lab repository offers (`scripts/setup.sh` downloads them there). */
export const DEFAULT_DEBS_DIR = '/var/cache/provision-lab/debs';

/**
 * The lab's apt repository: a flat repository (`deb [trusted=yes] URL ./`) with the packages in
 * pool/ and a Packages index and Release file beside them, made with dpkg-deb and hashes here.
 */
export async function addToRepository(repoDir: string, debs: readonly string[]): Promise<string[]> {
  const pool = join(repoDir, 'pool');
  mkdirSync(pool, { recursive: true });
  for (const deb of debs) {
    if (!deb.endsWith('.deb') || !existsSync(deb)) throw new LabError(`not a .deb file: ${deb}`);
    copyFileSync(deb, join(pool, basename(deb)));
  }
  return buildRepositoryIndex(repoDir);
}

/** The packages of a directory of .deb files (missing directory: none). */
export function debsIn(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.deb'))
      .map((f) => join(dir, f));
  } catch {
    return [];
  }
}

/** Writes Packages and Release for pool/*.deb; returns the package names indexed. */
export async function buildRepositoryIndex(repoDir: string): Promise<string[]> {
  const pool = join(repoDir, 'pool');
  mkdirSync(pool, { recursive: true });
  const debs = debsIn(pool).sort();
  const paragraphs: string[] = [];
  const names: string[] = [];
  for (const deb of debs) {
    const { stdout } = await runChecked('dpkg-deb', ['--field', deb]);
    const bytes = readFileSync(deb);
    const control = stdout.trimEnd();
    names.push(/^Package: (.+)$/m.exec(control)?.[1] ?? basename(deb));
    paragraphs.push(
      `${control}\nFilename: pool/${basename(deb)}\nSize: ${statSync(deb).size}\nMD5sum: ${hash('md5', bytes)}\nSHA256: ${hash('sha256', bytes)}\n`,
    );
  }
  const packages = paragraphs.join('\n');
  writeTextAtomically(join(repoDir, 'Packages'), packages);
  writeTextAtomically(join(repoDir, 'Release'), releaseFile(packages));
  return names;
}

function releaseFile(packages: string): string {
  const size = Buffer.byteLength(packages);
  return [
    'Origin: provision-lab',
    'Label: provision-lab',
    `Date: ${new Date().toUTCString()}`,
    'Description: the provision lab repository',
    'MD5Sum:',
    ` ${hash('md5', packages)} ${size} Packages`,
    'SHA256:',
    ` ${hash('sha256', packages)} ${size} Packages`,
    '',
  ].join('\n');
}

function hash(algorithm: 'md5' | 'sha256', data: Buffer | string): string {
  return createHash(algorithm).update(data).digest('hex');
}
