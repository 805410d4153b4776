import type { Inventory } from '../inventory/model.js';
import type { Templar } from '../template/templar.js';
import type { Vars } from '../util/data.js';
import type { ConnectionPool } from './connections.js';
import type { EventBus } from './event-bus.js';
import type { AskVar } from './ask-var.js';
import type { RunEvent } from './events.js';
import type { Variables } from './variables.js';

export interface RunSettings {
  readonly check: boolean;
  readonly diff: boolean;
  readonly forks: number;
  readonly tags: readonly string[];
  readonly skipTags: readonly string[];
  readonly limit: ReadonlySet<string> | undefined;
  readonly become: boolean | undefined;
  readonly becomeUser: string | undefined;
  readonly becomePassword: string | undefined;
  /** The default `timeout:` of every task, in ms (0: none, as in Ansible). */
  readonly taskTimeoutMs: number;
  /** -v count: debug's `verbosity:` is measured against it (0 when not given). */
  readonly verbosity?: number;
  /** --force-handlers: notified handlers run on hosts that failed after notifying them. */
  readonly forceHandlers?: boolean;
}

/** What every play of a run shares. */
export interface RunState {
  readonly inventory: Inventory;
  readonly variables: Variables;
  readonly pool: ConnectionPool;
  readonly templar: Templar;
  /** Everything the run reports goes out here, and only here. */
  readonly events: EventBus<RunEvent>;
  /** A new id, unique in the run, for a play or a task. */
  readonly newId: (kind: 'play' | 'task') => string;
  readonly settings: RunSettings;
  /** Hosts that failed or were unreachable: out for the rest of the run. */
  readonly removed: Set<string>;
  /** Warnings already given: like Ansible's display, each is given once. */
  readonly warned: Set<string>;
  /** -e: a vars_prompt variable given there is not asked for. */
  readonly extraVars?: Vars;
  /** Asks a vars_prompt question on the terminal (absent: no terminal). */
  readonly askVar?: AskVar | undefined;
}
