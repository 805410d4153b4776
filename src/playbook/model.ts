import type { SourcePosition } from '../errors.js';
import type { Expression } from '../expr/expression.js';
import type { Vars } from '../util/data.js';
import type { Condition } from './condition.js';
import type { TaskFlow } from './flow-keywords.js';
import type { KeywordTemplates } from './keyword-values.js';
import type { PlayFlow } from './play-flow.js';

// (In a file of its own: the flow keywords use it, and this file uses them.)
export type { Condition } from './condition.js';

export interface Task {
  readonly kind: 'task';
  readonly name: string | undefined;
  readonly module: string;
  /** The module's name as the task wrote it (`ansible.builtin.copy`): Ansible titles unnamed tasks with it. */
  readonly moduleAsWritten?: string;
  /** Module arguments as written (strings may hold templates); positions via positionOf(args). */
  readonly args: Vars;
  readonly at: SourcePosition;
  readonly when: readonly Condition[];
  readonly loop: unknown;
  /** `with_items`: its value (rendered) is flattened one level, and a single value is a list of one. */
  readonly loopWith: 'items' | undefined;
  readonly loopControl: LoopControl;
  readonly register: string | undefined;
  readonly notify: readonly string[];
  readonly listen: readonly string[];
  readonly changedWhen: readonly Condition[] | undefined;
  readonly failedWhen: readonly Condition[] | undefined;
  readonly ignoreErrors: boolean;
  readonly tags: readonly string[];
  readonly become: boolean | undefined;
  readonly becomeUser: string | undefined;
  readonly vars: Vars;
  readonly noLog: boolean;
  readonly checkMode: boolean | undefined;
  readonly diff: boolean | undefined;
  /** `timeout:` in seconds: the task is killed after that long (undefined: the configured default). */
  readonly timeout: number | undefined;
  /** Directories searched for this task's `src` files and templates, in order. */
  readonly searchDirs: readonly string[];
  /** Role name, shown as "role : task" like Ansible. */
  readonly role: string | undefined;
  /** Keywords written as templates (their fields above stay unset until the task runs on a host). */
  readonly templated: KeywordTemplates;
  /** until/retries, delegate_to, run_once, environment, async, throttle…: absent when the task uses none. */
  readonly flow?: TaskFlow;
  /** include_tasks (module "include_tasks"): what it includes, read when it runs on a host. */
  readonly include?: IncludeSpec;
}

/** What an include_tasks (or include_role) task includes. */
export interface IncludeSpec {
  /** The file as written (may be a template, rendered per host and loop item). */
  readonly file: string;
  /** The file (or role) a rendered name means, undefined if there is none. */
  readonly resolve: (name: string) => string | undefined;
  /** The file's tasks, read and checked at load when its name is no template. */
  readonly nodes?: readonly PlayNode[];
  /** Reads and parses a file of tasks (for a templated name, when it runs). */
  readonly load: (path: string) => readonly PlayNode[];
}

/** One run of a role in a play (a role runs again with other parameters), as its variables see it. */
export interface RoleRun {
  readonly name: string;
  /** The role's directory (role_path). */
  readonly path: string;
  /** defaults/main.yml: the lowest-precedence variables. */
  readonly defaults: Vars;
  /** vars/main.yml */
  readonly vars: Vars;
  /** `vars:` on the role's entry (in `roles:` or a dependency). */
  readonly entryVars: Vars;
  /** The other keys on the role's entry: role parameters. */
  readonly params: Vars;
  /** The roles that pulled this one in as a dependency, outermost first (Ansible's dep chain). */
  readonly parents: readonly RoleRun[];
}

/** One run of a role in a play: its tasks and handlers, and its variables. */
export interface LoadedRole {
  readonly run: RoleRun;
  readonly tasks: readonly PlayNode[];
  readonly handlers: readonly PlayNode[];
}

/**
 * Tasks that run together: a section of a play, a role's tasks, a `block:`. When a task of
 * `children` fails on a host, the host goes on with `rescue`, then `always` (Ansible's Block).
 */
export interface Block {
  readonly kind: 'block';
  readonly children: readonly PlayNode[];
  readonly rescue?: readonly PlayNode[];
  readonly always?: readonly PlayNode[];
  readonly vars: Vars;
  /** The role whose tasks these are. */
  readonly role: RoleRun | undefined;
  /** A `block:` as written (sections of a play and roles have none). */
  readonly at?: SourcePosition;
}

/** `meta:` actions the engine runs (ansible-core 2.14's, less reset_connection and clear_host_errors). */
export const META_ACTIONS = ['flush_handlers', 'noop', 'end_play', 'end_host', 'end_batch', 'clear_facts', 'refresh_inventory'] as const;
export type MetaAction = (typeof META_ACTIONS)[number];

/** Where notified handlers run: after pre_tasks, after roles and tasks, after post_tasks (as Ansible's implicit meta: flush_handlers). */
export interface FlushHandlers {
  readonly kind: 'flush_handlers';
}

export type PlayNode = Task | Block | FlushHandlers;

/** Every task under these nodes, in order. */
export function tasksIn(nodes: readonly PlayNode[]): Task[] {
  return nodes.flatMap((node) =>
    node.kind === 'task' ? [node, ...tasksIn(node.include?.nodes ?? [])] : node.kind === 'block' ? [...tasksIn(node.children), ...tasksIn(node.rescue ?? []), ...tasksIn(node.always ?? [])] : [],
  );
}

/** `loop_control:` */
export interface LoopControl {
  readonly loopVar: string;
  readonly indexVar: string | undefined;
  /** A template shown as the item's label instead of the item. */
  readonly label: string | undefined;
  readonly pauseSeconds: number;
  /** `ansible_loop` (index, first, last, …) for each item. */
  readonly extended: boolean;
  readonly extendedAllItems: boolean;
}

/** A vars_files entry, read and checked when the playbook is loaded. */
export interface PlayVarsFile {
  /** The file read; for a templated entry, its first choice as written. */
  readonly path: string;
  readonly at: SourcePosition | undefined;
  /** Its variables (none yet for a templated entry). */
  readonly vars: Vars;
  /** An entry written as templates: its choices, rendered with each host's variables when the play runs (the first that exists is read). */
  readonly templates?: readonly string[];
  /** Where relative paths of a templated entry are looked up. */
  readonly baseDir?: string;
}

export interface Play {
  readonly name: string;
  readonly hosts: string;
  /** Where `hosts` is written, for errors in its pattern. */
  readonly hostsAt: SourcePosition;
  readonly at: SourcePosition;
  readonly file: string;
  readonly vars: Vars;
  readonly varsFiles: readonly PlayVarsFile[];
  /** Every role run of the play in the order they run (dependencies first): their defaults and vars are seen play-wide. */
  readonly roles: readonly RoleRun[];
  /** What the play runs: pre_tasks, roles, tasks and post_tasks as blocks, with the handler flush points between. */
  readonly blocks: readonly PlayNode[];
  /** Role handlers (a block per role), then the play's. */
  readonly handlers: readonly Block[];
  readonly gatherFacts: boolean;
  /** Conditions of the import_playbook that brought the play in: fact gathering is skipped where they do not hold. */
  readonly when?: readonly Condition[];
  /** `force_handlers:` (undefined: --force-handlers decides). */
  readonly forceHandlers?: boolean;
  readonly become: boolean | undefined;
  readonly becomeUser: string | undefined;
  readonly remoteUser: string | undefined;
  readonly tags: readonly string[];
  /** become, become_user, remote_user written as templates: rendered per host. */
  readonly templated: KeywordTemplates;
  /** serial, strategy, any_errors_fatal, max_fail_percentage, vars_prompt…: absent when the play uses none. */
  readonly flow?: PlayFlow;
}

export interface Playbook {
  readonly file: string;
  readonly plays: readonly Play[];
}

/** How Ansible shows a task: its name, else "module", with "role : " in front. */
export function taskTitle(task: Task): string {
  const base = task.name ?? task.moduleAsWritten ?? task.module;
  return task.role ? `${task.role} : ${base}` : base;
}
