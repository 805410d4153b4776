import type { FileDiff } from '../modules/types.js';
import type { Vars } from '../util/data.js';
import type { Stats, TaskStatus } from './stats.js';

export interface HostResult {
  readonly host: string;
  readonly status: TaskStatus;
  /** The result as `register` would store it (censored when no_log). */
  readonly result: Vars;
  readonly item?: unknown;
  readonly hasItem?: boolean;
  readonly ignored?: boolean;
  /** Show the result even without -v (what `debug` is for). */
  readonly show?: boolean;
  readonly diff?: readonly FileDiff[];
}

/** What the engine tells the world; reporters only display it. */
export interface Reporter {
  playStart(name: string): void;
  /** A task begins on these hosts; each will report exactly one result (loops report items first). */
  taskStart(title: string, kind: 'task' | 'handler', hosts: readonly string[]): void;
  hostResult(result: HostResult): void;
  noHostsLeft(): void;
  warning(message: string): void;
  recap(stats: Stats): void;
  /** Waits for the display to finish (the live view). */
  close(): Promise<void>;
}
