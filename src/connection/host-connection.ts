import { randomBytes } from 'node:crypto';
import { shellQuote } from '../util/shlex.js';
import { type ExecResult, ShellClosedError, ShellSession, type ShellStreams } from './shell-session.js';

export interface Become {
  readonly user: string;
  readonly password: string | undefined;
}

/** The host is not there (or went away): Ansible's "unreachable". */
export class UnreachableError extends Error {}

/** sudo refused (no NOPASSWD and no password, or a wrong one). */
export class BecomeError extends Error {}

export interface HostConnection {
  readonly name: string;
  /** Runs a shell script on the host, as the login user or, with `become`, under sudo. */
  run(script: string, become?: Become): Promise<ExecResult>;
  close(): Promise<void>;
}

/**
 * One persistent shell per (host, become user): sudo runs once per connection, not per task.
 * The become password is written to sudo's stdin before any script, never on a command line.
 */
export abstract class ShellConnection implements HostConnection {
  private readonly sessions = new Map<string, Promise<ShellSession>>();

  constructor(readonly name: string) {}

  /** Starts `command` on the host with piped stdin/stdout/stderr. */
  protected abstract openShell(command: string): Promise<ShellStreams>;

  abstract close(): Promise<void>;

  async run(script: string, become?: Become): Promise<ExecResult> {
    const session = await this.session(become);
    try {
      return await session.run(script);
    } catch (err) {
      if (err instanceof ShellClosedError) throw new UnreachableError(`${this.name}: ${err.message}`);
      throw err;
    }
  }

  private session(become: Become | undefined): Promise<ShellSession> {
    const key = become ? become.user : '';
    let session = this.sessions.get(key);
    if (!session) {
      session = this.startSession(become);
      this.sessions.set(key, session);
      session.catch(() => this.sessions.delete(key));
    }
    return session;
  }

  private async startSession(become: Become | undefined): Promise<ShellSession> {
    if (!become) return new ShellSession(await this.openShell('/bin/sh'));
    const prompt = `[sudo via provision, key=${randomBytes(8).toString('hex')}] password:`;
    const command = become.password === undefined
      ? `sudo -H -n -u ${shellQuote(become.user)} -- /bin/sh`
      : `sudo -H -S -p ${shellQuote(prompt)} -u ${shellQuote(become.user)} -- /bin/sh`;
    const session = new ShellSession(await this.openShell(command));
    if (become.password !== undefined) session.writeRaw(`${become.password}\n`);
    try {
      await session.run('true');
    } catch (err) {
      const said = session.takeStartupError().split(prompt).join('').trim() || (err as Error).message;
      throw new BecomeError(`become (sudo to ${become.user}) failed: ${said.replace(/\s+/g, ' ')}`);
    }
    session.takeStartupError();
    return session;
  }
}
