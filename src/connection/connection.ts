/**
 * The one interface every transport implements (SSH with its persistent shells, local). The
 * engine and the modules reach hosts only through it.
 */

/** Who a task runs as, when it runs under sudo. */
export interface Become {
  readonly user: string;
  readonly password: string | undefined;
}

export interface ExecOptions {
  /**
   * Run in a subshell of the session, not as an isolated process group: only for the short
   * scripts provision writes itself (probes, file writes, facts), which start no background job.
   */
  readonly inline?: boolean;
  /** Run under sudo as `becomeUser` (default root). */
  readonly become?: boolean;
  readonly becomeUser?: string;
  /** Sent only in answer to sudo's own prompt, at most once per session. */
  readonly becomePassword?: string | undefined;
  /** Kill the task's process group after this long (0 or absent: no limit, as in Ansible). */
  readonly timeoutMs?: number | undefined;
  /** Bytes for the task's stdin (data, never script text). Absent: stdin is /dev/null. */
  readonly stdin?: Buffer | string | undefined;
  /** Environment variables, delivered as data (never in the script text or an argv). */
  readonly env?: Readonly<Record<string, string>> | undefined;
}

export interface ExecResult {
  readonly rc: number;
  readonly stdout: Buffer;
  readonly stderr: Buffer;
  /** The task was killed because it ran past `timeoutMs`. */
  readonly timedOut: boolean;
  /** Why the kill of a timed-out task could not be made (it may still run on the host). */
  readonly killError?: string | undefined;
}

export interface PutOptions {
  readonly mode?: string | undefined;
  readonly owner?: string | undefined;
  readonly group?: string | undefined;
  /** Write to a temp file beside the destination, then rename (default true). */
  readonly atomic?: boolean;
  /** Create missing parent directories first. */
  readonly createParents?: boolean;
  readonly become?: boolean;
  readonly becomeUser?: string;
  readonly becomePassword?: string | undefined;
  readonly timeoutMs?: number | undefined;
}

export interface Connection {
  readonly name: string;
  exec(script: string, options?: ExecOptions): Promise<ExecResult>;
  put(path: string, bytes: Buffer | string, options?: PutOptions): Promise<void>;
  get(path: string, options?: Pick<ExecOptions, 'become' | 'becomeUser' | 'becomePassword' | 'timeoutMs'>): Promise<Buffer>;
  /** Drops the transport and opens it again (after a reboot or a lost connection). */
  reconnect(): Promise<void>;
  /** Kills every task still running on the host (Ctrl-C); resolves once they have ended or after a grace period. */
  interrupt(): Promise<void>;
  close(): Promise<void>;
}

/** The host is not there (or went away): Ansible's "unreachable". */
export class UnreachableError extends Error {}

/** put() or get() ran past its timeoutMs and was killed. */
export class TransferTimeoutError extends Error {}

/** sudo refused: no NOPASSWD and no password, a wrong password, or no answer in time. */
export class BecomeError extends Error {}
