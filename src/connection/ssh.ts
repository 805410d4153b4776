import { readFileSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { NodeSSH } from 'node-ssh';
import type { ClientChannel } from 'ssh2';
import { UnreachableError } from './connection.js';
import { defaultIdentity } from './default-identity.js';
import { type HostKeyPolicy, type KnownHosts, knownHostsName } from './known-hosts.js';
import { ShellConnection, type ShellOpener } from './shell-connection.js';
import type { ShellStreams } from './shell-session.js';

export interface SshTarget {
  readonly name: string;
  readonly address: string;
  readonly port: number;
  readonly user: string;
  readonly password: string | undefined;
  readonly privateKeyFile: string | undefined;
  readonly timeoutMs: number;
  readonly knownHosts: KnownHosts;
  readonly hostKeyPolicy: HostKeyPolicy;
}

/** ssh2's names for the key types known_hosts stores. */
const HOST_KEY_ALGORITHMS: Record<string, string[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
};

/** One SSH connection per host for the whole run (node-ssh over ssh2), opened again after a loss. */
export class SshConnection extends ShellConnection {
  private transport: Promise<SshTransport> | undefined;
  private current: SshTransport | undefined;

  constructor(private readonly target: SshTarget) {
    super(target.name, target.timeoutMs);
  }

  /** Connects now, so that an unreachable host is known before its first task. */
  static async connect(target: SshTarget): Promise<SshConnection> {
    const connection = new SshConnection(target);
    await connection.opener();
    return connection;
  }

  protected opener(): Promise<ShellOpener> {
    if (this.current?.lost) return Promise.reject(new UnreachableError(`${this.name}: connection lost: ${this.current.lost}`));
    if (!this.transport) {
      const started = SshTransport.connect(this.target);
      this.transport = started;
      started.then(
        (t) => (this.current = t),
        () => {
          if (this.transport === started) this.transport = undefined;
        },
      );
    }
    return this.transport;
  }

  protected get transportLost(): boolean {
    return this.current?.lost !== undefined;
  }

  protected async dropTransport(): Promise<void> {
    const t = this.transport;
    this.transport = undefined;
    this.current = undefined;
    if (t) await t.then((x) => x.dispose(), () => undefined);
  }
}

class SshTransport implements ShellOpener {
  lost: string | undefined;

  private constructor(private readonly ssh: NodeSSH) {
    // node-ssh drops its error listener after connecting; without ours, a reset crashes the process.
    ssh.connection?.on('error', (err: Error) => {
      this.lost ??= err.message;
    });
    ssh.connection?.on('close', () => {
      this.lost ??= 'the SSH connection closed';
    });
  }

  static async connect(target: SshTarget): Promise<SshTransport> {
    const name = knownHostsName(target.address, target.port);
    let refusal: string | undefined;
    const hostVerifier = (key: Buffer): boolean => {
      if (target.hostKeyPolicy === 'off') return true;
      const verdict = target.knownHosts.check(name, key);
      if (verdict === 'match') return true;
      if (verdict === 'unknown' && target.hostKeyPolicy === 'accept-new') {
        target.knownHosts.add(name, key);
        return true;
      }
      refusal = verdict === 'mismatch'
        ? `host key for ${name} does not match known_hosts: refusing to connect (possible man-in-the-middle)`
        : `host key for ${name} is not in known_hosts (host_key_checking is strict; use accept-new to trust new hosts)`;
      return false;
    };
    const knownTypes = target.knownHosts.typesFor(name).flatMap((t) => HOST_KEY_ALGORITHMS[t] ?? []);
    // As OpenSSH: the key given, else the first default identity (~/.ssh/id_rsa, …) there is.
    const privateKey = target.privateKeyFile ? readFileSync(target.privateKeyFile, 'utf8') : defaultIdentity();
    const sock = await openSocket(target);
    const ssh = new NodeSSH();
    try {
      await ssh.connect({
        sock,
        username: target.user,
        ...(target.password !== undefined ? { password: target.password } : {}),
        ...(privateKey !== undefined ? { privateKey } : {}),
        ...(process.env['SSH_AUTH_SOCK'] ? { agent: process.env['SSH_AUTH_SOCK'] } : {}),
        hostVerifier,
        readyTimeout: target.timeoutMs,
        keepaliveInterval: 15_000,
        keepaliveCountMax: 3,
        tryKeyboard: false,
        ...(knownTypes.length > 0 && target.hostKeyPolicy !== 'off' ? { algorithms: { serverHostKey: knownTypes as never } } : {}),
      });
    } catch (err) {
      sock.destroy();
      ssh.dispose();
      throw new UnreachableError(refusal ?? `Failed to connect to the host via ssh: ${(err as Error).message}`);
    }
    return new SshTransport(ssh);
  }

  open(command: string): Promise<ShellStreams> {
    const client = this.ssh.connection;
    if (!client || this.lost) return Promise.reject(new UnreachableError(`connection lost${this.lost ? `: ${this.lost}` : ''}`));
    return new Promise((resolve, reject) => {
      client.exec(command, (err: Error | undefined, channel: ClientChannel) => {
        if (err) {
          reject(new UnreachableError(`cannot open a channel: ${err.message}`));
          return;
        }
        resolve({
          stdin: channel,
          stdout: channel,
          stderr: channel.stderr,
          onClose: (listener) => channel.once('close', () => listener(this.lost ? `connection lost: ${this.lost}` : 'the remote shell ended')),
          destroy: () => channel.destroy(),
        });
      });
    });
  }

  dispose(): void {
    this.ssh.dispose();
  }
}

/** A TCP socket with Nagle off: measured here, it turns ~47 ms per round trip into ~4 ms. */
function openSocket(target: SshTarget): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const sock = createConnection({ host: target.address, port: target.port, noDelay: true });
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new UnreachableError(`Failed to connect to the host via ssh: ${target.address}:${target.port}: timed out after ${target.timeoutMs / 1000} s`));
    }, target.timeoutMs);
    sock.once('connect', () => {
      clearTimeout(timer);
      resolve(sock);
    });
    sock.once('error', (err) => {
      clearTimeout(timer);
      reject(new UnreachableError(`Failed to connect to the host via ssh: ${target.address}:${target.port}: ${err.message}`));
    });
  });
}
