import type { Readable, Writable } from 'node:stream';
import { ByteBuffer } from './byte-buffer.js';
import type { ExecResult } from './connection.js';
import { bootstrapText, frame, newMarker } from './session-protocol.js';

/** The link to one long-lived remote process (plain `sh`, or sudo then `sh`): its stdin and its two outputs. */
export interface ShellStreams {
  readonly stdin: Writable;
  readonly stdout: Readable;
  readonly stderr: Readable;
  /** Called once the channel or process has ended. */
  onClose(listener: (reason: string) => void): void;
  /** Ends the channel or process at once. */
  destroy(): void;
}

/** The session ended. `started` says whether the pending task had begun on the host. */
export class ShellClosedError extends Error {
  constructor(
    message: string,
    readonly started: boolean,
  ) {
    super(message);
  }
}

export interface RunOptions {
  readonly inline?: boolean | undefined;
  readonly stdin?: Buffer | undefined;
  readonly env?: Readonly<Record<string, string>> | undefined;
  readonly timeoutMs?: number | undefined;
}

/** Kills a process group on the host through another channel (the session itself is busy). */
export type GroupKiller = (pgid: number) => Promise<void>;

interface Pending {
  readonly id: number;
  readonly inline: boolean;
  readonly resolve: (r: ExecResult) => void;
  readonly reject: (e: Error) => void;
  started: boolean;
  /** The isolated task's process group, once reported. */
  pgid: number | undefined;
  /** A kill was asked for (timeout or Ctrl-C), and whether it has been sent. */
  killWanted: boolean;
  killSent: Promise<void> | undefined;
  killError: string | undefined;
  timedOut: boolean;
  /** How far the output has been searched for each separator (so large outputs stay linear). */
  scanE: number;
  scanF: number;
  timer: NodeJS.Timeout | undefined;
}

/**
 * The controller's side of one persistent session (see session-protocol.ts): one task at a
 * time, each a child process of the session, its output read back as bytes. A task past its
 * time limit, or interrupted, is killed through `killGroup`: an isolated task's own group, or
 * the whole session's group for provision's own inline scripts (the session then ends).
 */
export class ShellSession {
  private readonly marker = newMarker();
  private readonly out = new ByteBuffer();
  private err = '';
  private counter = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private pending: Pending | undefined;
  private closedReason: string | undefined;
  private readyWaiter: { resolve: () => void; reject: (e: Error) => void } | undefined;
  private readonly idle = new Set<() => void>();
  /** The session's own process group on the host, from its ready line. */
  private sessionGroup: number | undefined;

  private constructor(
    private readonly streams: ShellStreams,
    private readonly killGroup: GroupKiller,
  ) {
    streams.stdout.on('data', (chunk: Buffer) => {
      this.out.append(chunk);
      this.settle();
    });
    streams.stderr.on('data', (chunk: Buffer) => {
      // Only the session's own complaints come here (tasks write to files): keep the tail.
      this.err = (this.err + chunk.toString('utf8')).slice(-4096);
    });
    streams.stdin.on('error', () => {});
    streams.onClose((reason) => this.onClosed(reason));
  }

  /** Starts the session on streams whose remote process is ready to read the bootstrap. */
  static async start(streams: ShellStreams, timeoutMs: number, killGroup: GroupKiller): Promise<ShellSession> {
    const session = new ShellSession(streams, killGroup);
    await session.bootstrap(timeoutMs);
    return session;
  }

  get closed(): boolean {
    return this.closedReason !== undefined;
  }

  get busy(): boolean {
    return this.pending !== undefined;
  }

  run(script: string, options: RunOptions = {}): Promise<ExecResult> {
    const next = this.queue.then(() => this.runNow(script, options));
    this.queue = next.catch(() => {});
    return next;
  }

  /** Kills the running task's process group (if any); resolves once its result is back or the session is gone. */
  interrupt(): Promise<void> {
    const p = this.pending;
    if (!p || this.closed) return Promise.resolve();
    const done = new Promise<void>((resolve) => this.idle.add(resolve));
    this.kill(p);
    return done;
  }

  destroy(): void {
    this.streams.destroy();
  }

  private bootstrap(timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.readyWaiter = undefined;
        this.streams.destroy();
        reject(new ShellClosedError(`the remote shell did not start within ${timeoutMs / 1000} s`, false));
      }, timeoutMs);
      this.readyWaiter = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.streams.stdin.write(bootstrapText(this.marker));
      this.settle();
    });
  }

  private runNow(script: string, options: RunOptions): Promise<ExecResult> {
    if (this.closedReason) return Promise.reject(new ShellClosedError(this.closedReason, false));
    const id = ++this.counter;
    const inline = options.inline === true;
    const text = frame({ id, inline, script, stdin: options.stdin, env: options.env });
    return new Promise<ExecResult>((resolve, reject) => {
      const p: Pending = {
        id, inline, resolve, reject, started: false, pgid: undefined, killWanted: false, killSent: undefined, killError: undefined,
        timedOut: false, timer: undefined, scanE: 0, scanF: 0,
      };
      if (options.timeoutMs && options.timeoutMs > 0) {
        p.timer = setTimeout(() => {
          p.timedOut = true;
          this.kill(p);
        }, options.timeoutMs);
      }
      this.pending = p;
      this.streams.stdin.write(text);
    });
  }

  /** Kills the task's group once its id is known (an inline script's group is the session's). */
  private kill(p: Pending): void {
    p.killWanted = true;
    if (p.killSent) return;
    const group = p.inline ? this.sessionGroup : p.pgid;
    if (group === undefined) return; // asked again when the group id arrives
    // A kill that cannot be made ends the session: never wait on, or report as killed, a task that runs on.
    p.killSent = this.killGroup(group).catch((err: Error) => {
      p.killError = err.message;
      this.streams.destroy();
    });
  }

  private settle(): void {
    if (this.readyWaiter) {
      const ready = Buffer.from(`${this.marker} ready `);
      const at = this.out.indexOf(ready);
      if (at < 0) return;
      const lineEnd = this.out.indexOf('\n', at);
      if (lineEnd < 0) return;
      this.sessionGroup = Number(this.out.slice(at + ready.length, lineEnd).toString('latin1')) || undefined;
      this.out.consume(lineEnd + 1);
      const w = this.readyWaiter;
      this.readyWaiter = undefined;
      w.resolve();
    }
    const p = this.pending;
    if (!p) return;
    const m = this.marker;
    if (!p.started) {
      const ack = Buffer.from(`${m} S ${p.id}\n`);
      const at = this.out.indexOf(ack);
      if (at < 0) return;
      this.out.consume(at + ack.length);
      p.started = true;
      if (p.killWanted) this.kill(p);
    }
    if (!p.inline && p.pgid === undefined) {
      const head = Buffer.from(`${m} P ${p.id} `);
      if (this.out.length < head.length + 2) return;
      if (this.out.indexOf(head) !== 0) return this.desync();
      const lineEnd = this.out.indexOf('\n');
      if (lineEnd < 0) return;
      p.pgid = Number(this.out.slice(head.length, lineEnd).toString('latin1'));
      this.out.consume(lineEnd + 1);
      if (p.killWanted) this.kill(p);
    }
    const sepE = Buffer.from(`\n${m} E ${p.id}\n`);
    const stdoutEnd = this.out.indexOf(sepE, p.scanE);
    if (stdoutEnd < 0) {
      p.scanE = Math.max(0, this.out.length - sepE.length);
      return;
    }
    const sepF = `\n${m} F ${p.id} `;
    const stderrEnd = this.out.indexOf(sepF, Math.max(stdoutEnd + sepE.length, p.scanF));
    if (stderrEnd < 0) {
      p.scanF = Math.max(0, this.out.length - sepF.length);
      return;
    }
    const lineEnd = this.out.indexOf('\n', stderrEnd + sepF.length);
    if (lineEnd < 0) return;
    const rc = Number(this.out.slice(stderrEnd + sepF.length, lineEnd).toString('latin1'));
    const result: ExecResult = {
      rc,
      stdout: this.out.slice(0, stdoutEnd),
      stderr: this.out.slice(stdoutEnd + sepE.length, stderrEnd),
      timedOut: p.timedOut,
    };
    this.out.consume(lineEnd + 1);
    if (p.timer) clearTimeout(p.timer);
    this.pending = undefined;
    p.resolve(result);
    this.notifyIdle();
  }

  /** The stream is not what the protocol says: nothing more from this session can be trusted. */
  private desync(): void {
    this.streams.destroy();
    this.onClosed('the remote shell answered out of protocol');
  }

  private onClosed(reason: string): void {
    if (this.closedReason) return;
    const said = this.err.trim();
    this.closedReason = `${reason || 'the remote shell ended'}${said ? `: ${said}` : ''}`;
    const w = this.readyWaiter;
    this.readyWaiter = undefined;
    w?.reject(new ShellClosedError(this.closedReason, false));
    const p = this.pending;
    this.pending = undefined;
    if (p) {
      if (p.timer) clearTimeout(p.timer);
      // An inline script past its time limit takes its session with it: that is its timeout.
      if (p.timedOut) p.resolve({ rc: 143, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), timedOut: true, killError: p.killError });
      else p.reject(new ShellClosedError(this.closedReason, p.started));
    }
    this.notifyIdle();
  }

  private notifyIdle(): void {
    for (const resolve of this.idle) resolve();
    this.idle.clear();
  }
}
