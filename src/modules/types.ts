import type { SourcePosition } from '../errors.js';
import type { Templar } from '../template/templar.js';
import type { Vars } from '../util/data.js';
import type { FactRequests } from './facts/fact.js';
import type { FileDiff, Plan } from './plan.js';
import type { JobMeta } from './async-job.js';
import type { ArgsSchema } from './schema.js';

export type { FileDiff } from './plan.js';

/** Checks before any connection (referenced files exist, templates compile); args may hold templates. */
export interface ValidationContext {
  readonly at: SourcePosition;
  readonly templar: Templar;
  findFile(kind: 'templates' | 'files', name: string): string | undefined;
}

/** What a planner may read on the controller before it plans: files, templates, variables. */
export interface LocalContext extends ValidationContext {
  readonly vars: Vars;
  /** --diff is on: a planner asks for the old content too, to show it. */
  readonly diff: boolean;
}

/** A module's failure with Ansible's message (and result fields), not a bug: the task fails with it. */
export class ModuleFailure extends Error {
  constructor(
    message: string,
    readonly data: Vars = {},
  ) {
    super(message);
  }
}

/**
 * A planner: typed arguments and declared facts in, a plan out. It never reaches the host; the
 * engine gathers its facts, applies its plan, and skips applying in check mode.
 */
export interface PlannerModule {
  readonly kind: 'planner';
  readonly name: string;
  /** Its Ansible collection (ansible.builtin when absent): tasks may name it collection.name. */
  readonly collection?: string;
  readonly description: string;
  readonly schema: ArgsSchema;
  validate?(args: Vars, context: ValidationContext): void;
  /** Controller-side inputs (rendered template, a file's bytes), given to facts() and plan(). */
  local(args: Vars, context: LocalContext): unknown;
  facts(args: Vars, local: unknown, context: LocalContext): FactRequests;
  plan(args: Vars, facts: Readonly<Record<string, unknown>>, local: unknown): Plan;
}

/** What an action's run() sees of the host: user commands, run isolated, with data as stdin. */
export interface ActionContext {
  readonly host: string;
  readonly vars: Vars;
  readonly check: boolean;
  readonly diff: boolean;
  /** The run's -v count (0 when not given). */
  readonly verbosity?: number;
  readonly at: SourcePosition;
  /** `job`: how async_status shapes the result when the task runs this as an async job (`async:`). */
  exec(script: string, options?: { readonly stdin?: Buffer | string; readonly env?: Readonly<Record<string, string>>; readonly job?: JobMeta }): Promise<TextResult>;
  /**
   * Drops the connection and opens it again (reboot, wait_for_connection); throws while the host
   * is not reachable. The engine always gives it; optional so that test doubles need not.
   */
  reconnect?(): Promise<void>;
  /** The task runs over the local connection (on the controller itself): reboot refuses to. */
  readonly localConnection?: boolean;
}

export interface TextResult {
  readonly rc: number;
  readonly stdout: string;
  readonly stderr: string;
  /** When it ran, as the host saw it (an async job's own times). */
  readonly times?: { readonly startMs: number; readonly endMs: number };
}

export interface ModuleResult {
  readonly changed: boolean;
  readonly failed?: boolean;
  readonly skipped?: boolean;
  readonly msg?: string;
  readonly diff?: readonly FileDiff[];
  /** Variables the module sets for the host (set_fact). */
  readonly facts?: Vars;
  /** Fields added to the registered result (rc, stdout, stat, …). */
  readonly data?: Vars;
}

/**
 * An action learns its result only by running (command, shell, raw; later reboot, wait_for):
 * it says so, validates its arguments by schema like any module, may declare facts (creates/
 * removes), and gets a narrow context with the connection. It honours check mode itself.
 */
export interface ActionModule {
  readonly kind: 'action';
  readonly name: string;
  /** Its Ansible collection (ansible.builtin when absent): tasks may name it collection.name. */
  readonly collection?: string;
  readonly description: string;
  readonly schema: ArgsSchema;
  /** Runs on the controller alone: no connection is opened for it. */
  readonly controllerOnly: boolean;
  /** What it does under --check, for the reference. */
  readonly checkMode: string;
  validate?(args: Vars, context: ValidationContext): void;
  facts?(args: Vars): FactRequests;
  run(ctx: ActionContext, args: Vars, facts: Readonly<Record<string, unknown>>): Promise<ModuleResult>;
}

export type Module = PlannerModule | ActionModule;
