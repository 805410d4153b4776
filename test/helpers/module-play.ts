import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, type CliResult, runCli } from './cli.js';
import { startLab, type TestLab } from './lab.js';

/** One host's result of one task, from `--output json`. */
export interface TaskResult {
  readonly task: string;
  readonly host: string;
  readonly status: string;
  readonly result: Record<string, unknown>;
  readonly diff?: readonly { path: string; before: string; after: string }[];
}

export interface PlayRun {
  readonly code: number;
  readonly results: readonly TaskResult[];
  readonly stderr: string;
  /** The results of the task with this name (one per host). */
  task(name: string): TaskResult[];
  /** The one result of this task on this host. */
  on(name: string, host: string): TaskResult;
}

export interface ModuleLab {
  readonly lab: TestLab;
  readonly dir: string;
  readonly inventory: string;
  /** Runs a playbook (its YAML text) with the built CLI from the lab's controller. */
  play(yaml: string, options?: { check?: boolean; diff?: boolean; args?: readonly string[] }): Promise<PlayRun>;
  /** The CLI on this machine (no lab run): for what fails before any connection. */
  local(yaml: string): Promise<PlayRun>;
  /** A shell script on a host, as root; fails the test unless it exits 0. Returns stdout. */
  sh(host: string, script: string): Promise<string>;
  /** A shell script on a host, as root, whatever its exit. */
  shRaw(host: string, script: string): Promise<CliResult>;
  down(): Promise<void>;
}

/** Parses `--output json` lines into per-host task results. */
export function parseRun(r: CliResult): PlayRun {
  const names = new Map<string, string>();
  const results: TaskResult[] = [];
  for (const line of r.stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const e = JSON.parse(line) as Record<string, unknown>;
    if (e['type'] === 'task_start') names.set(String(e['task_id']), String(e['name']));
    if (e['type'] === 'host_result') {
      results.push({
        task: names.get(String(e['task_id'])) ?? '',
        host: String(e['host']),
        status: String(e['status']),
        result: e['result'] as Record<string, unknown>,
        ...(e['diff'] ? { diff: e['diff'] as NonNullable<TaskResult['diff']> } : {}),
      });
    }
  }
  const task = (name: string): TaskResult[] => results.filter((t) => t.task === name);
  return {
    code: r.code,
    results,
    stderr: r.stderr,
    task,
    on(name, host) {
      const found = task(name).find((t) => t.host === host);
      assert.ok(found, `no result of task "${name}" on ${host}:\n${r.stdout}\n${r.stderr}`);
      return found;
    },
  };
}

/**
 * A lab for module tests: `ctl` (the controller) and the given hosts, all of one kind, on
 * 10.0.<net>.x; playbooks run from ctl with the lab's key.
 */
export async function startModuleLab(prefix: string, net: number, hosts: readonly string[], kind: 'sshd' | 'booted'): Promise<ModuleLab> {
  const dir = mkdtempSync(join(tmpdir(), `provision-${prefix}-`));
  const inventory = join(dir, 'inventory.yml');
  const lines = ['all:', '  vars:', '    ansible_user: vagrant', '    ansible_become: true', '  hosts:', `    ctl: { ansible_host: 10.0.${net}.10, lab_controller: true }`, '  children:', '    nodes:', '      hosts:'];
  hosts.forEach((h, i) => lines.push(`        ${h}: { ansible_host: 10.0.${net}.${11 + i} }`));
  writeFileSync(inventory, `${lines.join('\n')}\n`);
  const lab = await startLab(inventory, prefix, { kind });
  let n = 0;
  const shRaw = (host: string, script: string): Promise<CliResult> => lab.exec(host, ['sh', '-c', script]);
  return {
    lab,
    dir,
    inventory,
    async play(yaml, options = {}) {
      const file = join(dir, `play-${++n}.yml`);
      writeFileSync(file, yaml);
      const flags = [...(options.check ? ['--check'] : []), ...(options.diff ? ['--diff'] : []), ...(options.args ?? [])];
      const r = await runCli(['lab', 'run', '--lab', lab.dir, '--lab-key', '--', process.execPath, BIN, '--output', 'json', '-i', inventory, ...flags, file]);
      return parseRun(r);
    },
    async local(yaml) {
      const file = join(dir, `play-${++n}.yml`);
      writeFileSync(file, yaml);
      return parseRun(await runCli(['--output', 'json', '-i', inventory, file]));
    },
    async sh(host, script) {
      const r = await shRaw(host, script);
      assert.equal(r.code, 0, `${host}: ${script}: ${r.stderr}${r.stdout}`);
      return r.stdout;
    },
    shRaw,
    async down() {
      await lab.down();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The statuses of a run's results, as "task host status" lines (for one assert over a whole play). */
export const statusLines = (run: PlayRun): string[] => run.results.map((r) => `${r.task} ${r.host} ${r.status}`).sort();

/**
 * --check, then the real run, then a second run of one playbook: check mode must predict the real
 * run's statuses exactly, and the second run change nothing. Returns the three runs.
 */
export async function converge(lab: ModuleLab, yaml: string, options: { diff?: boolean } = {}): Promise<{ check: PlayRun; real: PlayRun; again: PlayRun }> {
  const check = await lab.play(yaml, { check: true, ...(options.diff ? { diff: true } : {}) });
  assert.equal(check.code, 0, `--check failed: ${JSON.stringify(check.results, null, 1)}\n${check.stderr}`);
  const real = await lab.play(yaml, options.diff ? { diff: true } : {});
  assert.equal(real.code, 0, `the real run failed: ${JSON.stringify(real.results, null, 1)}\n${real.stderr}`);
  assert.deepEqual(statusLines(check), statusLines(real), '--check predicts the real run');
  assert.ok(real.results.some((r) => r.status === 'changed'), 'the real run changed something');
  const again = await lab.play(yaml);
  assert.equal(again.code, 0, `the second run failed: ${again.stderr}`);
  assert.deepEqual(again.results.filter((r) => r.status === 'changed').map((r) => `${r.task} ${r.host}`), [], 'the second run changes nothing');
  return { check, real, again };
}
