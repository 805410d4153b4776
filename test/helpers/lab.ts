import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootedUnsupportedReason, labUnsupportedReason } from '../../src/lab/requirements.js';
import { type CliResult, runCli } from './cli.js';

/** Why lab tests must skip here (not root, not Linux, tools missing), or false to run them. */
export function labSkipReason(): string | false {
  return labUnsupportedReason() ?? false;
}

/** Why booted-host tests must skip here (also: systemd, docker, ifupdown… missing), or false. */
export function bootedSkipReason(): string | false {
  return bootedUnsupportedReason() ?? false;
}

export interface TestLab {
  readonly dir: string;
  /** `provision lab run -- …args` from the controller host. */
  run(args: readonly string[], options?: { cwd?: string; env?: NodeJS.ProcessEnv }): Promise<CliResult>;
  exec(host: string, args: readonly string[]): Promise<CliResult>;
  down(): Promise<CliResult>;
  /** `provision lab status`. */
  status(): Promise<CliResult>;
  /** `provision lab repo add` (booted labs: the hosts' apt repository). */
  repoAdd(debs: readonly string[]): Promise<CliResult>;
}

export interface StartLabOptions {
  /** The kind of hosts whose inventory names none (`lab up --kind`); sshd when not given. */
  readonly kind?: 'sshd' | 'booted';
}

/** Brings up a lab of its own (unique directory, unique names) for one test file. */
export async function startLab(inventory: string | readonly string[], prefix = 'lab', options: StartLabOptions = {}): Promise<TestLab> {
  const dir = mkdtempSync(join(tmpdir(), `provision-test-${prefix}-`));
  rmSync(dir, { recursive: true });
  const sources = typeof inventory === 'string' ? [inventory] : inventory;
  const kind = options.kind ? ['--kind', options.kind] : [];
  const up = await runCli(['lab', 'up', '--lab', dir, ...kind, ...sources.flatMap((s) => ['-i', s])]);
  if (up.code !== 0) await runCli(['lab', 'down', '--lab', dir]);
  assert.equal(up.code, 0, `lab up failed: ${up.stderr}${up.stdout}`);
  return {
    dir,
    run: (args, opts) => runCli(['lab', 'run', '--lab', dir, '--', ...args], opts),
    exec: (host, args) => runCli(['lab', 'exec', '--lab', dir, host, '--', ...args]),
    down: () => runCli(['lab', 'down', '--lab', dir]),
    status: () => runCli(['lab', 'status', '--lab', dir]),
    repoAdd: (debs) => runCli(['lab', 'repo', 'add', '--lab', dir, ...debs]),
  };
}

/** The lab's web root URL as its hosts reach it (booted labs with a controller). */
export function labFilesUrl(lab: TestLab): string {
  const info = JSON.parse(readFileSync(join(lab.dir, 'supervisor.json'), 'utf8')) as { serving?: { files: string } };
  assert.ok(info.serving, 'the lab serves no web root (no controller host?)');
  return info.serving.files;
}

/**
 * Makes the local busybox image (`docker import` of the lab's busybox tar, served from the
 * controller: no registry is reachable) on a booted host, as `name`.
 */
export async function importBusybox(lab: TestLab, host: string, name = 'busybox:lab'): Promise<void> {
  const url = `${labFilesUrl(lab)}images/busybox.tar`;
  const r = await lab.exec(host, ['sh', '-c', `curl -fsS "$1" | docker import - "$2" >/dev/null`, 'import', url, name]);
  assert.equal(r.code, 0, `busybox import on ${host} failed: ${r.stderr}`);
}
