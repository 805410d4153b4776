import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { REPO, runCli } from '../helpers/cli.js';

const hasAnsible = spawnSync('ansible-playbook', ['--version']).status === 0;
const PLAYBOOK = join(REPO, 'test/fixtures/modules/check-run.yml');
const INVENTORY = join(REPO, 'test/fixtures/local-inventory.ini');

/** Each task's name and status line (ok, changed, failed, skipping; "ignored" when ignored), in order. */
function statuses(output: string): string[] {
  const out: string[] = [];
  let task = '';
  for (const line of output.split('\n')) {
    const t = /^TASK \[(.*)\] \**$/.exec(line);
    if (t) task = t[1] ?? '';
    const s = /^(ok|changed|fatal|skipping): \[localhost\]/.exec(line);
    if (s) out.push(`${task}: ${s[1] === 'fatal' ? 'failed' : s[1]}`);
    if (line.startsWith('...ignoring')) out[out.length - 1] += ' (ignored)';
  }
  return out;
}

describe('every module: --check, then a real run, then a second run, as ansible-playbook does them', { skip: hasAnsible ? false : 'ansible-playbook is not installed (scripts/setup.sh installs ansible-core for the tests)' }, () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  /** A fresh directory for the playbook's `d`, with the one thing it removes. */
  const fresh = (tool: string): string => {
    const d = mkdtempSync(join(tmpdir(), `check-run-${tool}-`));
    dirs.push(d);
    mkdirSync(join(d, 'old'));
    writeFileSync(join(d, 'old', 'file'), 'x');
    return d;
  };

  const play = async (tool: 'provision' | 'ansible', d: string, check: boolean): Promise<string[]> => {
    const args = [...(check ? ['--check'] : []), '-e', `d=${d}`, PLAYBOOK];
    if (tool === 'provision') {
      const r = await runCli(['-i', INVENTORY, ...args]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      return statuses(r.stdout);
    }
    const r = spawnSync('ansible-playbook', ['-i', 'localhost,', '-c', 'local', ...args], {
      encoding: 'utf8',
      env: { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_LOCALHOST_WARNING: 'false', ANSIBLE_RETRY_FILES_ENABLED: 'false' },
    });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    return statuses(r.stdout);
  };

  const planners = (list: readonly string[]): string[] => list.filter((l) => l.startsWith('plan:'));

  test('--check, a real run and a second run: the same status for every task as ansible-playbook; planners change nothing the second time', async () => {
    const ours = fresh('provision');
    const theirs = fresh('ansible');
    for (const [i, check] of [true, false, false].entries()) {
      const [a, b] = await Promise.all([play('provision', ours, check), play('ansible', theirs, check)]);
      assert.deepEqual(a, b, ['--check', 'the real run', 'the second run'][i]);
      if (i === 2) assert.deepEqual(planners(a).filter((l) => l.endsWith(' changed')), []);
    }
  });

  test('after changes by hand, --check predicts exactly what the real run of each planner changes', async () => {
    const d = fresh('provision');
    await play('provision', d, false);
    spawnSync('sh', ['-c', `chmod 0700 "${d}/a/b/c"; echo other > "${d}/a/hello"; rm "${d}/a/block"; echo k=9 >> "${d}/a/conf"; chmod 0644 "${d}/a/plain.conf"; mkdir "${d}/old"`]);
    // Not comparable: a task that redoes an earlier task's work (under --check that work is not
    // done), and the copy Ansible's check mode reports as a change although its real run fails.
    const comparable = (list: string[]): string[] => planners(list).filter((l) => !/^plan: (the same directory again|content into a missing directory):/.test(l));
    const check = await play('provision', d, true);
    const real = await play('provision', d, false);
    assert.deepEqual(comparable(check), comparable(real));
    assert.ok(planners(real).filter((l) => l.endsWith(' changed')).length >= 6, real.join('\n'));
    assert.deepEqual(planners(await play('provision', d, false)).filter((l) => l.endsWith(' changed')), []);
  });
});
