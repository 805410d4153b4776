import { randomBytes } from 'node:crypto';
import { shellQuote } from '../util/shlex.js';
import { BecomeError } from './connection.js';
import type { ShellStreams } from './shell-session.js';

export interface SudoStart {
  /** The command to open the channel with. */
  readonly command: string;
  /** Waits until the shell under sudo runs, answering sudo's prompt once with the password. */
  readonly handshake: (streams: ShellStreams) => Promise<void>;
}

/**
 * sudo, then a shell. The password is written only after sudo's own prompt (a per-session random
 * string) has been read on stderr, and at most once: on a NOPASSWD host it is never sent, and a
 * second prompt means it was wrong. The shell announces itself with a random token before it
 * reads anything, so nothing but the password is written before it is known who reads it (with
 * sudo -n, which never reads stdin, the only thing written before is the request to announce).
 */
export function sudoStart(user: string, password: string | undefined, timeoutMs: number): SudoStart {
  // sudo reads the password up to the first line break: anything after it would reach the shell.
  if (password !== undefined && /[\r\n\0]/.test(password)) {
    throw new BecomeError(`become (sudo to ${user}) failed: the become password contains a line break or NUL, which sudo cannot take`);
  }
  const key = randomBytes(8).toString('hex');
  const prompt = `[sudo via provision, key=${key}] password:`;
  const ready = `provision-ready-${key}`;
  if (password === undefined) {
    // sudo -n never reads stdin (it fails instead of prompting), so the shell itself can be asked
    // to announce itself: one exec fewer on every host than the wrapper below.
    return { command: `sudo -H -n -u ${shellQuote(user)} -- /bin/sh`, handshake: (streams) => handshake(streams, { user, password, prompt, ready, timeoutMs }, `echo ${ready}\n`) };
  }
  const shell = `/bin/sh -c ${shellQuote(`echo ${ready}; exec /bin/sh`)}`;
  const command = `sudo -H -S -p ${shellQuote(prompt)} -u ${shellQuote(user)} -- ${shell}`;
  return { command, handshake: (streams) => handshake(streams, { user, password, prompt, ready, timeoutMs }) };
}

interface HandshakeSpec {
  readonly user: string;
  readonly password: string | undefined;
  readonly prompt: string;
  readonly ready: string;
  readonly timeoutMs: number;
}

/** `announce`: written first, for a shell that reads it as soon as sudo has started it. */
function handshake(streams: ShellStreams, spec: HandshakeSpec, announce?: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let out = '';
    let err = '';
    let prompts = 0;
    let done = false;
    const finish = (error?: Error): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      streams.stdout.off('data', onOut);
      streams.stderr.off('data', onErr);
      if (error) {
        streams.destroy();
        reject(error);
      } else resolve();
    };
    const fail = (what: string): BecomeError => new BecomeError(`become (sudo to ${spec.user}) failed: ${what}`);
    const said = (): string => err.split(spec.prompt).join('').replace(/\s+/g, ' ').trim();
    const onOut = (chunk: Buffer): void => {
      out += chunk.toString('latin1');
      if (out.includes(`${spec.ready}\n`)) finish();
    };
    const onErr = (chunk: Buffer): void => {
      err += chunk.toString('utf8');
      const seen = err.split(spec.prompt).length - 1;
      if (seen <= prompts) return;
      prompts = seen;
      if (spec.password === undefined) finish(fail('Missing sudo password'));
      else if (prompts > 1) finish(fail('Incorrect sudo password'));
      else streams.stdin.write(`${spec.password}\n`);
    };
    const timer = setTimeout(() => finish(fail(`no answer from sudo within ${spec.timeoutMs / 1000} s${said() ? `: ${said()}` : ''}`)), spec.timeoutMs);
    streams.stdout.on('data', onOut);
    streams.stderr.on('data', onErr);
    streams.onClose(() => finish(fail(/password is required/.test(err) ? 'Missing sudo password' : said() || 'sudo ended')));
    if (announce) streams.stdin.write(announce);
  });
}
