import { spawn } from 'node:child_process';
import { ShellConnection, type ShellOpener } from './shell-connection.js';
import type { ShellStreams } from './shell-session.js';

/** `connection: local`: the same session protocol, on the controller itself. */
export class LocalConnection extends ShellConnection {
  private readonly children = new Set<{ kill(signal?: NodeJS.Signals): boolean }>();

  private readonly local: ShellOpener = {
    open: (command) => {
      // A session of its own (as sshd gives each channel): killing the session's group on a
      // timeout must never reach the controller's own group.
      const child = spawn('/bin/sh', ['-c', command], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
      this.children.add(child);
      child.on('close', () => this.children.delete(child));
      const streams: ShellStreams = {
        stdin: child.stdin,
        stdout: child.stdout,
        stderr: child.stderr,
        onClose: (listener) => child.once('close', (code, signal) => listener(`local shell exited ${code ?? signal}`)),
        // End of input ends the session (its watcher kills a running task, its trap cleans up).
        destroy: () => child.stdin.destroy(),
      };
      return Promise.resolve(streams);
    },
  };

  constructor(name: string, timeoutMs: number) {
    super(name, timeoutMs);
  }

  protected opener(): Promise<ShellOpener> {
    return Promise.resolve(this.local);
  }

  protected get transportLost(): boolean {
    return false;
  }

  protected async dropTransport(): Promise<void> {
    for (const child of this.children) child.kill('SIGTERM');
  }
}
