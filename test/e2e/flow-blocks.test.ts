import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REPO } from '../helpers/cli.js';
import { labSkipReason, startLab, type TestLab } from '../helpers/lab.js';

const FLOW = join(REPO, 'test/fixtures/flow');

/** The run as "task host status" lines in the order results came, per task sorted by host (hosts of one task run side by side). */
function trace(stdout: string): string[] {
  const events = stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
  const names = new Map<string, string>();
  const lines: string[][] = [];
  let current: string[] = [];
  for (const e of events) {
    if (e['type'] === 'task_start') {
      names.set(String(e['task_id']), `${e['kind'] === 'handler' ? 'handler ' : ''}${String(e['name'])}`);
      if (current.length) lines.push(current);
      current = [];
    } else if (e['type'] === 'host_result') {
      current.push(`${names.get(String(e['task_id']))}: ${String(e['host'])} ${String(e['status'])}${e['rescued'] ? ' rescued' : ''}`);
    }
  }
  if (current.length) lines.push(current);
  return lines.flatMap((group) => group.sort());
}

function recapOf(stdout: string): Record<string, Record<string, number>> {
  const end = stdout.split('\n').filter((l) => l.includes('"run_end"')).map((l) => JSON.parse(l) as { stats: Record<string, Record<string, number>> })[0];
  assert.ok(end, stdout);
  return end.stats;
}

describe('blocks, handlers and meta over real SSH, in the order Ansible runs them', { skip: labSkipReason() }, () => {
  let lab: TestLab;
  before(async () => {
    lab = await startLab(join(FLOW, 'inventory.yml'), 'flow');
  });
  after(async () => {
    await lab?.down();
  });
  const provision = (args: string[]) => lab.run(['provision', '-i', join(FLOW, 'inventory.yml'), '--output', 'json', ...args]);

  test('a failure in a block goes to its rescue then its always; without a rescue the host is out after the always', async () => {
    await lab.exec('w2', ['rm', '-f', '/tmp/flow-rescued']);
    const r = await provision([join(FLOW, 'blocks.yml')]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.deepEqual(trace(r.stdout), [
      'step one: w1 changed', 'step one: w2 changed', 'step one: w3 changed',
      'w2 fails: w1 skipped', 'w2 fails: w2 failed rescued', 'w2 fails: w3 skipped',
      'step two: w1 changed', 'step two: w3 changed',
      'rescue: w2 changed',
      'always: w1 changed', 'always: w2 changed', 'always: w3 changed',
      'w3 fails: w1 skipped', 'w3 fails: w2 skipped', 'w3 fails: w3 failed',
      'cleanup: w1 changed', 'cleanup: w2 changed', 'cleanup: w3 changed',
      'end: w1 changed', 'end: w2 changed',
    ]);
    const stats = recapOf(r.stdout);
    assert.deepEqual([stats['w2']?.['rescued'], stats['w2']?.['failed'], stats['w3']?.['failed'], stats['w3']?.['rescued']], [1, 0, 1, 0]);
    const file = await lab.exec('w2', ['cat', '/tmp/flow-rescued']);
    assert.equal(file.stdout, 'w2 fails\n');
    await lab.exec('w2', ['rm', '-f', '/tmp/flow-rescued']);
  });

  test('handlers: once per flush however often notified, notified by handlers, by topic; end_host; --force-handlers', async () => {
    const r = await provision([join(FLOW, 'handlers.yml')]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    const common = [
      'change: w1 changed', 'change: w2 changed', 'change: w3 changed',
      'change again: w1 changed', 'change again: w2 changed', 'change again: w3 changed',
      'handler restart: w1 changed', 'handler restart: w2 changed', 'handler restart: w3 changed',
      'handler reload: w1 changed', 'handler reload: w2 changed', 'handler reload: w3 changed',
      'handler on topic: w1 changed', 'handler on topic: w2 changed', 'handler on topic: w3 changed',
      'middle: w1 changed', 'middle: w2 changed', 'middle: w3 changed',
      // A meta task whose when is false shows skipped (not counted); w3 has left the play.
      'w3 leaves: w1 skipped', 'w3 leaves: w2 skipped',
      'w1 fails: w1 failed', 'w1 fails: w2 skipped',
      'last: w2 changed',
    ];
    // w1 failed after "middle" notified reload: its handler runs only with --force-handlers; w3 ended without handlers.
    assert.deepEqual(trace(r.stdout), [...common, 'handler reload: w2 changed']);
    const forced = await provision(['--force-handlers', join(FLOW, 'handlers.yml')]);
    assert.equal(forced.code, 2, forced.stdout + forced.stderr);
    assert.deepEqual(trace(forced.stdout), [...common, 'handler reload: w1 changed', 'handler reload: w2 changed']);
  });

  test('include_tasks per host (each file its own run, in the order first included), include_role with when, its handler', async () => {
    const r = await provision([join(FLOW, 'includes.yml')]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(trace(r.stdout), [
      'per-host part: w1 ok', 'per-host part: w2 ok', 'per-host part: w3 ok',
      'part w1: w1 changed',
      'part w2: w2 changed',
      'part w2 again: w2 changed',
      'part w3: w3 changed',
      'the role where wanted: w1 ok', 'the role where wanted: w2 ok', 'the role where wanted: w3 skipped',
      'webapp : deploy: w1 changed', 'webapp : deploy: w2 changed',
      'done: w1 changed', 'done: w2 changed', 'done: w3 changed',
      'handler webapp : restart app: w1 changed', 'handler webapp : restart app: w2 changed',
    ]);
    const included = r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { type: string; file: string; hosts: string[] }).filter((e) => e.type === 'included');
    assert.deepEqual(included.map((e) => [e.file.replace(/.*\//, ''), e.hosts]), [['part-w1.yml', ['w1']], ['part-w2.yml', ['w2']], ['part-w3.yml', ['w3']]]);
    // The recap counts one ok per included file, and nothing for include_role (as ansible-playbook).
    assert.deepEqual([recapOf(r.stdout)['w1']?.['ok'], recapOf(r.stdout)['w3']?.['ok']], [5, 3]);
  });
});
