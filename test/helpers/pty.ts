import { spawn } from 'node:child_process';

export interface PtyResult {
  readonly code: number | null;
  /** What the terminal showed, escape sequences and carriage returns removed. */
  readonly screen: string;
  readonly killed: boolean;
}

/**
 * Runs a shell command on a real pty (script(1)), 120x50, and never waits past the deadline:
 * a live view that does not end is killed, so a test fails instead of hanging. `command` should
 * itself run under `timeout --foreground` below the deadline (this kill is the backstop).
 */
export function runOnPty(command: string, options: { cwd: string; env: NodeJS.ProcessEnv; deadlineMs: number }): Promise<PtyResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', `stty cols 120 rows 50; ${command}`, '/dev/null'], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let out = '';
    let killed = false;
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => {
      killed = true;
      // script's process group; the pty closing then hangs up what ran on it.
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    }, options.deadlineMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, killed, screen: out.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '') });
    });
  });
}
