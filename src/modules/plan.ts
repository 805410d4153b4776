import type { Vars } from '../util/data.js';

/**
 * What a planner returns: the changes it would make, each said in words, with the diff. The
 * engine applies them through the Connection (or, in check mode, does not); `changed` is whether
 * there are any. A planner never touches the host itself.
 */
export type Change = WriteFile | RunScript | FailOnApply;

/** Put these bytes at `path`: atomically, with mode/owner/group from the start (the bytes as stdin). */
export interface WriteFile {
  readonly kind: 'write';
  readonly what: string;
  readonly path: string;
  readonly content: Buffer;
  readonly mode?: string | undefined;
  readonly owner?: string | undefined;
  readonly group?: string | undefined;
  /** Missing parent directories are made first (mkdir -p). */
  readonly createParents?: boolean;
}

/** provision's own short shell script (mkdir, chmod, chown, ln, rm), run with `set -e`. */
export interface RunScript {
  readonly kind: 'script';
  readonly what: string;
  readonly script: string;
}

/**
 * The real run stops here with `msg`. For what Ansible's check mode reports as a change because
 * its module would fail only when it runs (copy into a directory that does not exist).
 */
export interface FailOnApply {
  readonly kind: 'fail';
  readonly what: string;
  readonly msg: string;
}

/**
 * One entry of a task's diff: a file's text before and after, or, as Ansible's file module and
 * set_*_if_different report them, a mapping of the path's state and attributes (path, state,
 * src, owner and group as numeric ids, mode as "0644") before and after.
 */
export type DiffSide = string | Readonly<Record<string, unknown>>;

export interface FileDiff {
  readonly path: string;
  readonly before: DiffSide;
  readonly after: DiffSide;
}

export interface Plan {
  readonly changes: readonly Change[];
  /** The module fails before any change (Ansible's fail_json), with this message. */
  readonly failed?: string;
  readonly msg?: string;
  readonly diff?: readonly FileDiff[];
  /**
   * What check mode shows instead, where Ansible's module shows less there: it returns before
   * setting the attributes of a path it would have made (a directory, a touched or created file).
   */
  readonly checkDiff?: readonly FileDiff[];
  /** Fields of the registered result (dest, path, state, checksum, …). */
  readonly result?: Vars;
  /** Variables the module sets for the host, as a module's ansible_facts do (hostname's ansible_hostname). */
  readonly facts?: Vars;
}

export const noChange = (result?: Vars, msg?: string): Plan => ({ changes: [], ...(result ? { result } : {}), ...(msg !== undefined ? { msg } : {}) });

export const failure = (msg: string, result?: Vars): Plan => ({ changes: [], failed: msg, ...(result ? { result } : {}) });
