import type { SourcePosition } from '../errors.js';
import type { Expression } from '../expr/expression.js';
import type { Vars } from '../util/data.js';
import type { TaskFlow } from './flow-keywords.js';
import type { KeywordTemplates } from './keyword-values.js';
import type { PlayFlow } from './play-flow.js';

/** A parsed condition with the text it came from, for messages. */
export interface Condition {
  readonly text: string;
  readonly expression: Expression;
  readonly at: SourcePosition | undefined;
}

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

/** Tasks that run together: a section of a play, a role's tasks; later, `block:`. */
export interface Block {
  readonly kind: 'block';
  readonly children: readonly PlayNode[];
  readonly vars: Vars;
  /** The role whose tasks these are. */
  readonly role: RoleRun | undefined;
}

/** Where notified handlers run: after pre_tasks, after roles and tasks, after post_tasks (as Ansible's implicit meta: flush_handlers). */
export interface FlushHandlers {
  readonly kind: 'flush_handlers';
}

export type PlayNode = Task | Block | FlushHandlers;

/** Every task under these nodes, in order. */
export function tasksIn(nodes: readonly PlayNode[]): Task[] {
  return nodes.flatMap((node) => (node.kind === 'task' ? [node] : node.kind === 'block' ? tasksIn(node.children) : []));
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
