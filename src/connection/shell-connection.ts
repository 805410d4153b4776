import { atomicPutScript, readScript } from './file-transfer.js';
import { BecomeError, type Connection, type ExecOptions, type ExecResult, type PutOptions, TransferTimeoutError, UnreachableError } from './connection.js';
import { ShellClosedError, ShellSession, type ShellStreams } from './shell-session.js';
import { killScript } from './session-protocol.js';
import { sudoStart } from './sudo-handshake.js';

/** A transport's one job: start a command on the host with piped stdin, stdout and stderr. */
export interface ShellOpener {
  open(command: string): Promise<ShellStreams>;
}

/**
 * A `Connection` made of persistent sessions, one per become user (sudo runs once per session,
 * not per task). A session that died between tasks is opened again, once, through a fresh
 * transport before the host is called unreachable; a task that had started when its session
 * died is never run twice.
 */
/**
 * Sessions kept open per connection. sshd allows 10 channels per connection (MaxSessions): the
 * rest stay free for the channels that kill a timed-out task.
 */
const MAX_SESSIONS = 6;

export abstract class ShellConnection implements Connection {
  /** By become user ('' for none), in order of last use (a Map keeps insertion order). */
  private readonly sessions = new Map<string, Promise<ShellSession>>();

  constructor(
    readonly name: string,
    protected readonly timeoutMs: number,
  ) {}

  /** The current transport (connecting first if needed). */
  protected abstract opener(): Promise<ShellOpener>;

  /** Drops the transport so that the next opener() makes a new one. */
  protected abstract dropTransport(): Promise<void>;

  /** Whether the transport is known to be gone (so a reconnect is worth trying). */
  protected abstract get transportLost(): boolean;

  async exec(script: string, options: ExecOptions = {}): Promise<ExecResult> {
    const stdin = typeof options.stdin === 'string' ? Buffer.from(options.stdin) : options.stdin;
    const run = { inline: options.inline, stdin, env: options.env, timeoutMs: options.timeoutMs };
    for (let attempt = 0; ; attempt++) {
      let session: ShellSession;
      try {
        session = await this.session(options);
      } catch (err) {
        if (err instanceof BecomeError || attempt > 0 || !this.transportLost) throw this.unreachable(err);
        await this.reconnect();
        continue;
      }
      try {
        return await session.run(script, run);
      } catch (err) {
        if (!(err instanceof ShellClosedError)) throw err;
        // Retried only when the task cannot have begun: the host never ran it.
        if (err.started || attempt > 0) throw this.unreachable(err);
        await this.reconnect();
      }
    }
  }

  async put(path: string, bytes: Buffer | string, options: PutOptions = {}): Promise<void> {
    const r = await this.exec(atomicPutScript(path, options), { ...options, inline: true, stdin: bytes });
    if (r.timedOut) throw new TransferTimeoutError(`writing ${path} timed out`);
    if (r.rc !== 0) throw new Error(`cannot write ${path}: ${r.stderr.toString('utf8').trim() || `exit ${r.rc}`}`);
  }

  async get(path: string, options: Pick<ExecOptions, 'become' | 'becomeUser' | 'becomePassword' | 'timeoutMs'> = {}): Promise<Buffer> {
    const r = await this.exec(readScript(path), { ...options, inline: true });
    if (r.timedOut) throw new TransferTimeoutError(`reading ${path} timed out`);
    if (r.rc !== 0) throw new Error(`cannot read ${path}: ${r.stderr.toString('utf8').trim() || `exit ${r.rc}`}`);
    return r.stdout;
  }

  async reconnect(): Promise<void> {
    await this.dropSessions();
    await this.dropTransport();
    await this.opener();
  }

  async interrupt(): Promise<void> {
    const open = await Promise.allSettled(this.sessions.values());
    const kills = open.map((s) => (s.status === 'fulfilled' ? s.value.interrupt() : undefined));
    await Promise.race([Promise.all(kills), new Promise((r) => setTimeout(r, 5000).unref())]);
  }

  async close(): Promise<void> {
    await this.dropSessions();
    await this.dropTransport();
  }

  private async dropSessions(): Promise<void> {
    const open = await Promise.allSettled(this.sessions.values());
    this.sessions.clear();
    for (const s of open) if (s.status === 'fulfilled') s.value.destroy();
  }

  /** At the cap, the session unused for longest goes (one task runs at a time per host, so it is idle). */
  private closeLeastRecentlyUsed(): void {
    if (this.sessions.size < MAX_SESSIONS) return;
    const [key, oldest] = this.sessions.entries().next().value as [string, Promise<ShellSession>];
    this.sessions.delete(key);
    oldest.then((s) => s.destroy(), () => undefined);
  }

  private unreachable(err: unknown): Error {
    if (err instanceof BecomeError || err instanceof UnreachableError) return err;
    return new UnreachableError(`${this.name}: ${(err as Error).message}`);
  }

  private session(options: ExecOptions): Promise<ShellSession> {
    const user = options.become ? (options.becomeUser ?? 'root') : undefined;
    const key = user ?? '';
    const existing = this.sessions.get(key);
    if (existing) {
      this.sessions.delete(key);
      this.sessions.set(key, existing);
      return existing.then((s) => {
        if (!s.closed) return s;
        if (this.sessions.get(key) === existing) this.sessions.delete(key);
        return this.session(options);
      });
    }
    this.closeLeastRecentlyUsed();
    const started = this.startSession(user, options.becomePassword);
    this.sessions.set(key, started);
    started.catch(() => {
      if (this.sessions.get(key) === started) this.sessions.delete(key);
    });
    return started;
  }

  private async startSession(user: string | undefined, password: string | undefined): Promise<ShellSession> {
    const streams = await this.openAs(user, password);
    return ShellSession.start(streams, this.timeoutMs, (pgid) => this.killGroup(user, password, pgid));
  }

  /** A shell on the host as the login user, or under sudo as `user`. */
  private async openAs(user: string | undefined, password: string | undefined): Promise<ShellStreams> {
    const opener = await this.opener();
    if (user === undefined) return opener.open('/bin/sh');
    const sudo = sudoStart(user, password, this.timeoutMs);
    const streams = await opener.open(sudo.command);
    await sudo.handshake(streams);
    return streams;
  }

  /** Kills a process group through a channel of its own, as the user the session runs as. */
  private async killGroup(user: string | undefined, password: string | undefined, pgid: number): Promise<void> {
    const streams = await this.openAs(user, password);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        streams.destroy();
        resolve();
      }, 10_000);
      streams.onClose(() => {
        clearTimeout(timer);
        resolve();
      });
      streams.stdout.resume();
      streams.stderr.resume();
      streams.stdin.end(`${killScript(pgid)}\n`);
    });
  }
}
