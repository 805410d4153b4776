import type { FileDiff } from '../modules/types.js';
import type { Vars } from '../util/data.js';

/**
 * What a run tells the world, in order. The engine emits these and nothing else: the plain and
 * live views, the stats and `--output json` all subscribe. Field names are the JSON names, so
 * this file is the schema docs/json-output.md documents; changing a shape means a new version.
 */
export const EVENTS_SCHEMA_VERSION = 'provision.events/1';

export type TaskStatus = 'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable';

/** Per-host counters for PLAY RECAP, counted as Ansible does: ok includes changed. */
export interface HostStats {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
  rescued: number;
  ignored: number;
}

export interface RunStartEvent {
  readonly type: 'run_start';
  readonly playbooks: readonly string[];
  readonly check: boolean;
  readonly diff: boolean;
  readonly forks: number;
}

export interface PlayStartEvent {
  readonly type: 'play_start';
  readonly play_id: string;
  readonly name: string;
  /** The play's `hosts:` pattern. */
  readonly pattern: string;
  /** The hosts the play starts with (after --limit and earlier failures); may be empty. */
  readonly hosts: readonly string[];
}

export interface TaskStartEvent {
  readonly type: 'task_start';
  readonly task_id: string;
  readonly play_id: string;
  readonly name: string;
  readonly kind: 'task' | 'handler';
  /** The module (`gather_facts` for fact gathering). */
  readonly action: string;
  /** Each of these hosts gets exactly one host_result for this task. */
  readonly hosts: readonly string[];
}

/** One loop item's result, inside its host_result. */
export interface ItemResult {
  /** The item; null under no_log (Ansible shows `item=None`). */
  readonly item: unknown;
  /** What the item's line shows instead of the item (`loop_control.label`); never under no_log. */
  readonly label?: unknown;
  readonly status: TaskStatus;
  readonly ignored: boolean;
  readonly result: Vars;
}

export interface HostResultEvent {
  readonly type: 'host_result';
  readonly task_id: string;
  readonly play_id: string;
  readonly host: string;
  readonly status: TaskStatus;
  readonly changed: boolean;
  /** A failure that ignore_errors let pass. */
  readonly ignored: boolean;
  /** A failure inside a block with a rescue: the recap counts it rescued, not failed. */
  readonly rescued?: boolean;
  /** Not counted in the recap (a meta task's skipped result, as Ansible's stats skip them). */
  readonly uncounted?: boolean;
  /** include_tasks: how many files it included for this host; the recap counts one ok per file (as Ansible), not the include's result. */
  readonly included?: number;
  readonly duration_ms: number;
  /** What `register` stores; only `changed` and `censored` under no_log. */
  readonly result: Vars;
  /** Present exactly when the task has a loop (empty if the loop never ran). */
  readonly items?: readonly ItemResult[];
  /** Only with --diff, never under no_log. */
  readonly diff?: readonly FileDiff[];
}

export interface WarningEvent {
  readonly type: 'warning';
  readonly message: string;
}

/** The play's pattern (within --limit) matched no host: ansible-playbook says "skipping: no hosts matched". */
export interface NoHostsMatchedEvent {
  readonly type: 'no_hosts_matched';
  readonly play_id: string;
}

/** Every host the play started with failed or was unreachable before its end. */
export interface NoHostsLeftEvent {
  readonly type: 'no_hosts_left';
  readonly play_id: string;
}

export interface PlayEndEvent {
  readonly type: 'play_end';
  readonly play_id: string;
  readonly duration_ms: number;
}

/** The recap: every host any play started with, and the run's exit code (0, 2 or 4). */
export interface RunEndEvent {
  readonly type: 'run_end';
  readonly stats: Readonly<Record<string, Readonly<HostStats>>>;
  readonly exit_code: number;
  readonly duration_ms: number;
}

export type RunEvent =
  | RunStartEvent
  | PlayStartEvent
  | TaskStartEvent
  | HostResultEvent
  | WarningEvent
  | NoHostsMatchedEvent
  | NoHostsLeftEvent
  | PlayEndEvent
  | RunEndEvent;
