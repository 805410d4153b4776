import type { FileDiff } from '../modules/types.js';
import type { Vars } from '../util/data.js';
import type { RunEvent, TaskStatus } from './events.js';

/** One line's worth of a result as the displays print it: a task's result, or one loop item's. */
export interface HostResult {
  readonly host: string;
  readonly status: TaskStatus;
  /** The result as `register` would store it (censored when no_log). */
  readonly result: Vars;
  readonly item?: unknown;
  /** What the item line shows (loop_control.label), if not the item. */
  readonly label?: unknown;
  readonly hasItem?: boolean;
  readonly ignored?: boolean;
  /** Show the result even without -v (what `debug` is for). */
  readonly show?: boolean;
  readonly diff?: readonly FileDiff[];
}

/** A display of the event stream (plain lines, the live view, JSON lines). */
export interface Reporter {
  /** Subscribed to the run's events: called for each, in order, as it happens. */
  handle(event: RunEvent): void;
  /** Waits for the display to finish (the live view draws asynchronously); safe after a failed run. */
  close(): Promise<void>;
}
