import { readdirSync, readFileSync, statSync } from 'node:fs';
import { ConfigError, type SourcePosition } from '../errors.js';

/**
 * File system reads for input files that turn every failure (missing, unreadable, a broken
 * symlink, a NUL in the name) into a ConfigError naming the path, never an uncaught exception.
 */
export type PathKind = 'file' | 'directory' | 'missing';

export function kindOf(path: string): PathKind {
  try {
    return statSync(path).isDirectory() ? 'directory' : 'file';
  } catch {
    return 'missing';
  }
}

export function readText(path: string, at: SourcePosition = { file: path, line: 1, col: 1 }): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read ${path}: ${reason(err)}`, at);
  }
}

export function listDirectory(path: string): string[] {
  try {
    return readdirSync(path);
  } catch (err) {
    throw new ConfigError(`cannot list ${path}: ${reason(err)}`, { file: path, line: 1, col: 1 });
  }
}

function reason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.code ?? e.message ?? String(err);
}
