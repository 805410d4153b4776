import { ConfigError, type SourcePosition } from '../errors.js';

/** A NUL byte ends a path for the kernel and is dropped by shells: a path holding one is a mistake. */
export function hasNul(text: string): boolean {
  return text.includes('\u0000');
}

/** Refuses a path with a NUL byte, naming what it is (`vars_files path`, `--inventory`) and where. */
export function checkPath(path: string, what: string, at?: SourcePosition): void {
  if (hasNul(path)) throw new ConfigError(`${what} contains a NUL byte: ${JSON.stringify(path)}`, at);
}
