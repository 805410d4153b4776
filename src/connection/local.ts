import { spawn } from 'node:child_process';
import { ShellConnection } from './host-connection.js';
import type { ShellStreams } from './shell-session.js';

/** `connection: local`: the same persistent-shell protocol, on the controller itself. */
export class LocalConnection extends ShellConnection {
  private readonly children: { kill(): boolean }[] = [];

  protected openShell(command: string): Promise<ShellStreams> {
    const child = spawn('/bin/sh', ['-c', command], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.children.push(child);
    return Promise.resolve({
      stdin: child.stdin,
      stdout: child.stdout,
      stderr: child.stderr,
      onClose: (listener) => child.on('close', (code) => listener(`local shell exited ${code}`)),
    });
  }

  async close(): Promise<void> {
    for (const child of this.children) child.kill();
  }
}
