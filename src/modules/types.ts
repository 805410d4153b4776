import type { ExecOptions, ExecResult } from '../connection/connection.js';
import type { FileAttributes } from '../connection/file-transfer.js';
import type { SourcePosition } from '../errors.js';
import type { Templar } from '../template/templar.js';
import type { Vars } from '../util/data.js';

export type ParamType = 'str' | 'bool' | 'int' | 'list' | 'dict' | 'mode' | 'raw';

export interface ParamSpec {
  readonly type: ParamType;
  readonly required?: boolean;
  readonly choices?: readonly string[];
  readonly aliases?: readonly string[];
  readonly default?: unknown;
}

export interface ModuleSpec {
  readonly name: string;
  readonly params: Readonly<Record<string, ParamSpec>>;
  /** Free-form modules take a command line (`_raw_params`) plus these `k=v` keys. */
  readonly freeFormKeys?: readonly string[];
  /** Any argument name is allowed (set_fact). */
  readonly anyParams?: boolean;
  /** Runs on the controller alone: no connection is opened for it. */
  readonly controllerOnly?: boolean;
  /** Exactly one of each group must be given (after aliases). */
  readonly oneOf?: readonly (readonly string[])[];
  /** Arguments that are conditions or variable names, evaluated by the module, never templated. */
  readonly rawParams?: readonly string[];
}

/** What a module may pass along with a script: data only (stdin bytes, environment values). */
export type DataOptions = Pick<ExecOptions, 'stdin' | 'env' | 'inline'>;

export interface TextResult {
  readonly rc: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface FileDiff {
  readonly path: string;
  readonly before: string;
  readonly after: string;
}

export interface ModuleContext {
  readonly host: string;
  readonly vars: Vars;
  readonly check: boolean;
  readonly diff: boolean;
  readonly templar: Templar;
  readonly at: SourcePosition;
  /** Runs a script on the host with the task's become settings; output decoded as UTF-8. */
  run(script: string, options?: DataOptions): Promise<TextResult>;
  /** The same, with the output as bytes. */
  exec(script: string, options?: DataOptions): Promise<ExecResult>;
  /** Writes bytes to a file on the host (atomically, with its attributes from the start). */
  put(path: string, bytes: Buffer, attributes: FileAttributes & { readonly createParents?: boolean }): Promise<void>;
  /** A controller-side file for `src`: templates/ or files/ in the role's, playbook's, project's dirs. */
  findFile(kind: 'templates' | 'files', name: string): string | undefined;
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

export interface ValidationContext {
  readonly at: SourcePosition;
  readonly templar: Templar;
  findFile(kind: 'templates' | 'files', name: string): string | undefined;
}

/** A module plans on the controller from what it reads on the host, then applies the change. */
export interface Module {
  readonly spec: ModuleSpec;
  /** Extra checks before any connection (referenced files exist, templates compile). */
  validate?(args: Vars, context: ValidationContext): void;
  run(ctx: ModuleContext, args: Vars): Promise<ModuleResult>;
}
