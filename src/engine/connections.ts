import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { type Connection, UnreachableError } from '../connection/connection.js';
import { type HostKeyPolicy, KnownHosts } from '../connection/known-hosts.js';
import { LocalConnection } from '../connection/local.js';
import { SshConnection } from '../connection/ssh.js';
import { hostSettings } from '../inventory/host-settings.js';
import type { Vars } from '../util/data.js';

export interface ConnectionOptions {
  readonly remoteUser: string | undefined;
  readonly privateKeyFile: string | undefined;
  readonly password: string | undefined;
  readonly connection: string | undefined;
  readonly timeoutMs: number;
  readonly hostKeyPolicy: HostKeyPolicy;
  readonly knownHostsFiles: readonly string[];
}

export function defaultKnownHostsFiles(env = process.env): string[] {
  return env['PROVISION_KNOWN_HOSTS'] ? env['PROVISION_KNOWN_HOSTS'].split(':') : [join(homedir(), '.ssh', 'known_hosts')];
}

/**
 * One connection per (host, login user) for the whole run, opened on first use. A host that
 * cannot be reached stays unreachable for the run instead of being retried on every task.
 */
export class ConnectionPool {
  private readonly open = new Map<string, Promise<Connection>>();
  private readonly knownHosts: KnownHosts;

  constructor(private readonly options: ConnectionOptions) {
    this.knownHosts = new KnownHosts(options.knownHostsFiles);
  }

  get(host: string, vars: Vars, playUser: string | undefined): Promise<Connection> {
    const settings = hostSettings(host, vars);
    // As in Ansible: the inventory's ansible_user beats the play's remote_user, which beats -u.
    const user = settings.user ?? playUser ?? this.options.remoteUser ?? userInfo().username;
    const kind = this.options.connection ?? settings.connection;
    const key = `${host}\u0000${user}`;
    let connection = this.open.get(key);
    if (!connection) {
      connection = kind === 'local'
        ? Promise.resolve(new LocalConnection(host, this.options.timeoutMs))
        : kind === 'ssh' || kind === 'smart' || kind === 'paramiko'
          ? SshConnection.connect({
              name: host,
              address: settings.address,
              port: settings.port,
              user,
              password: settings.password ?? this.options.password,
              privateKeyFile: settings.privateKeyFile ?? this.options.privateKeyFile,
              timeoutMs: this.options.timeoutMs,
              knownHosts: this.knownHosts,
              hostKeyPolicy: this.options.hostKeyPolicy,
            })
          : Promise.reject(new UnreachableError(`connection type "${kind}" is not supported (use ssh or local)`));
      this.open.set(key, connection);
    }
    return connection;
  }

  /** The controller itself (Ansible's implicit localhost, for `delegate_to: localhost` when the inventory has no localhost). */
  local(name: string): Promise<Connection> {
    const key = `${name}\u0000\u0000local`;
    let connection = this.open.get(key);
    if (!connection) {
      connection = Promise.resolve(new LocalConnection(name, this.options.timeoutMs));
      this.open.set(key, connection);
    }
    return connection;
  }

  /** Ctrl-C: kills every task still running on any host (bounded: each connection gives up after a grace period). */
  async interruptAll(): Promise<void> {
    const all = await Promise.allSettled(this.open.values());
    await Promise.all(all.map((c) => (c.status === 'fulfilled' ? c.value.interrupt() : undefined)));
  }

  async closeAll(): Promise<void> {
    const all = await Promise.allSettled(this.open.values());
    await Promise.all(all.map((c) => (c.status === 'fulfilled' ? c.value.close() : undefined)));
  }
}
