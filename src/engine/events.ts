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
  /** The hosts the play starts with (after --limit and earlier failures); may be empty. With `serial`, each batch is a play_start … play_end of its own, with the batch's hosts. */
  readonly hosts: readonly string[];
  /** `strategy: free`: hosts go through the tasks each at its own pace (a task_start per host). */
  readonly strategy?: 'free';
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
  /** The host the task ran on for this host (`delegate_to`, `local_action`): shown as `host -> delegated_to`. */
  readonly delegated_to?: string;
  /** The delegated host's address (ansible_host) when it is not its name. */
  readonly delegated_address?: string;
}

/** A polled async job (`async:` with `poll:` > 0) on this host: still running, or ended (Ansible's ASYNC POLL / ASYNC OK / ASYNC FAILED lines). */
export interface HostAsyncEvent {
  readonly type: 'host_async';
  readonly task_id: string;
  readonly play_id: string;
  readonly host: string;
  readonly state: 'poll' | 'ok' | 'failed';
  /** The job id (ansible_job_id). */
  readonly jid: string;
}

/** A task with `until` runs again on this host: its condition is not met yet (Ansible's `FAILED - RETRYING`). */
export interface HostRetryEvent {
  readonly type: 'host_retry';
  readonly task_id: string;
  readonly play_id: string;
  readonly host: string;
  readonly delegated_to?: string;
  readonly delegated_address?: string;
  /** The task's name as Ansible's retry line shows it. */
  readonly name: string;
  /** The attempt that just ended (1 for the first). */
  readonly attempts: number;
  /** How many runs it may make in all (`retries` + 1). */
  readonly retries: number;
  /** The attempt's result (censored under no_log). */
  readonly result: Vars;
}

/** include_tasks included a file for these hosts (with this loop item): ansible-playbook's "included: FILE for HOSTS". */
export interface IncludedEvent {
  readonly type: 'included';
  readonly task_id: string;
  readonly play_id: string;
  readonly file: string;
  readonly hosts: readonly string[];
  /** The loop item (or its label), when the include has a loop. */
  readonly item?: unknown;
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
  /** Why the play was broken off, when it was (any_errors_fatal also stands for a failed run_once): ansible-playbook prints NO MORE HOSTS LEFT. */
  readonly reason?: 'any_errors_fatal' | 'max_fail_percentage';
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
  | IncludedEvent
  | HostRetryEvent
  | HostAsyncEvent
  | WarningEvent
  | NoHostsMatchedEvent
  | NoHostsLeftEvent
  | PlayEndEvent
  | RunEndEvent;
