import type { SourcePosition } from '../errors.js';
import type { Expression } from '../expr/expression.js';
import type { Vars } from '../util/data.js';

/** A parsed condition with the text it came from, for messages. */
export interface Condition {
  readonly text: string;
  readonly expression: Expression;
  readonly at: SourcePosition | undefined;
}

export interface Task {
  readonly name: string | undefined;
  readonly module: string;
  /** Module arguments as written (strings may hold templates); positions via positionOf(args). */
  readonly args: Vars;
  readonly at: SourcePosition;
  readonly when: readonly Condition[];
  readonly loop: unknown;
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
  readonly path: string;
  readonly at: SourcePosition | undefined;
  readonly vars: Vars;
}

export interface Play {
  readonly name: string;
  readonly hosts: string;
  /** Where `hosts` is written, for errors in its pattern. */
  readonly hostsAt: SourcePosition;
  readonly at: SourcePosition;
  readonly file: string;
  readonly vars: Vars;
  /** Role defaults: the lowest-precedence variables. */
  readonly defaults: Vars;
  readonly varsFiles: readonly PlayVarsFile[];
  readonly tasks: readonly Task[];
  readonly handlers: readonly Task[];
  readonly gatherFacts: boolean;
  readonly become: boolean | undefined;
  readonly becomeUser: string | undefined;
  readonly remoteUser: string | undefined;
  readonly tags: readonly string[];
}

export interface Playbook {
  readonly file: string;
  readonly plays: readonly Play[];
}

/** How Ansible shows a task: its name, else "module", with "role : " in front. */
export function taskTitle(task: Task): string {
  const base = task.name ?? task.module;
  return task.role ? `${task.role} : ${base}` : base;
}
