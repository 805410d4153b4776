import { randomBytes } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';

export interface ExecResult {
  readonly rc: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The link to one long-lived `sh` (plain, or under sudo): its stdin and its two outputs. */
export interface ShellStreams {
  readonly stdin: Writable;
  readonly stdout: Readable;
  readonly stderr: Readable;
  /** Called once the shell's channel or process has ended. */
  onClose(listener: (reason: string) => void): void;
}

export class ShellClosedError extends Error {}

interface Pending {
  readonly marker: string;
  readonly resolve: (r: ExecResult) => void;
  readonly reject: (e: Error) => void;
}

/**
 * Runs scripts one after another in one persistent shell, so a task costs one write and one
 * read instead of a channel, a login shell and a sudo per command. Each script runs in a
 * subshell with stdin from /dev/null; a random per-script marker, printed after it on stdout
 * (with its exit code) and on stderr, tells where its output ends.
 */
export class ShellSession {
  private readonly secret = randomBytes(12).toString('hex');
  private counter = 0;
  private out = '';
  private err = '';
  private queue: Promise<unknown> = Promise.resolve();
  private pending: Pending | undefined;
  /** Where the current script's markers were found (-1: not yet), and how far each buffer was searched. */
  private outEnd = -1;
  private errEnd = -1;
  private outSeen = 0;
  private errSeen = 0;
  private closedReason: string | undefined;

  constructor(private readonly streams: ShellStreams) {
    streams.stdout.setEncoding('utf8');
    streams.stderr.setEncoding('utf8');
    streams.stdout.on('data', (chunk: string) => {
      this.out += chunk;
      this.settle();
    });
    streams.stderr.on('data', (chunk: string) => {
      this.err += chunk;
      this.settle();
    });
    streams.stdin.on('error', () => {});
    streams.onClose((reason) => {
      this.closedReason = reason || 'the remote shell ended';
      const p = this.pending;
      this.pending = undefined;
      p?.reject(new ShellClosedError(`${this.closedReason}${this.err.trim() ? `: ${this.err.trim()}` : ''}`));
    });
  }

  get closed(): boolean {
    return this.closedReason !== undefined;
  }

  /** Everything the shell wrote to stderr before the first script (sudo's complaints, say). */
  takeStartupError(): string {
    const text = this.err;
    this.err = '';
    return text;
  }

  /** Writes raw bytes to the shell's stdin (a sudo password, before any script). */
  writeRaw(text: string): void {
    this.streams.stdin.write(text);
  }

  run(script: string): Promise<ExecResult> {
    const next = this.queue.then(() => this.runNow(script));
    this.queue = next.catch(() => {});
    return next;
  }

  private runNow(script: string): Promise<ExecResult> {
    if (this.closedReason) return Promise.reject(new ShellClosedError(this.closedReason));
    const marker = `__provision_${this.secret}_${++this.counter}`;
    return new Promise<ExecResult>((resolve, reject) => {
      this.pending = { marker, resolve, reject };
      this.streams.stdin.write(`(\n${script}\n) </dev/null\nprintf '\\n%s %d\\n' ${marker} $?\nprintf '\\n%s\\n' ${marker} >&2\n`);
    });
  }

  private settle(): void {
    const p = this.pending;
    if (!p) return;
    // Search only what arrived since the last look (less a marker's length): large outputs stay linear.
    const overlap = p.marker.length + 16;
    if (this.outEnd < 0) {
      this.outEnd = this.out.indexOf(`\n${p.marker} `, Math.max(0, this.outSeen - overlap));
      this.outSeen = this.out.length;
    }
    if (this.errEnd < 0) {
      this.errEnd = this.err.indexOf(`\n${p.marker}\n`, Math.max(0, this.errSeen - overlap));
      this.errSeen = this.err.length;
    }
    if (this.outEnd < 0 || this.errEnd < 0) return;
    const statusLine = /^ (\d+)\n/.exec(this.out.slice(this.outEnd + p.marker.length + 1));
    if (!statusLine) return; // the exit code line has not fully arrived yet
    const result: ExecResult = {
      rc: Number(statusLine[1]),
      stdout: this.out.slice(0, this.outEnd),
      stderr: this.err.slice(0, this.errEnd),
    };
    this.out = this.out.slice(this.outEnd + p.marker.length + 1 + statusLine[0].length);
    this.err = this.err.slice(this.errEnd + p.marker.length + 2);
    this.outEnd = this.errEnd = -1;
    this.outSeen = this.errSeen = 0;
    this.pending = undefined;
    p.resolve(result);
  }
}
