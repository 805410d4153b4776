import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { HostResultEvent, HostStats, RunEvent, TaskStartEvent } from '../../src/engine/events.js';
import { Stats } from '../../src/engine/stats.js';
import { type CliResult, REPO, runCli } from '../helpers/cli.js';
import { labSkipReason, startLab, type TestLab } from '../helpers/lab.js';

const PLAYGROUND = join(REPO, 'inventories/playground.yml');
const WITH_GHOST = join(REPO, 'test/fixtures/playground-with-ghost.yml');
const FIXTURES = join(REPO, 'test/fixtures/playbooks');
const LOCAL = join(REPO, 'test/fixtures/local-inventory.ini');

type Line = RunEvent & { schema_version: string; time: string };

/** Every stdout line is one event in the documented envelope; nothing else is on stdout. */
function parseEvents(r: CliResult): Line[] {
  assert.ok(r.stdout.endsWith('\n'), `stdout does not end with a newline:\n${r.stdout.slice(-500)}`);
  return r.stdout.slice(0, -1).split('\n').map((line) => {
    const event = JSON.parse(line) as Line;
    assert.equal(event.schema_version, 'provision.events/1');
    assert.ok(!Number.isNaN(Date.parse(event.time)), `no time in ${line}`);
    return event;
  });
}

/**
 * The stream's promises: run_start first and run_end last; every host of a task_start gets
 * exactly one host_result, after its task_start and before the next one; none for other hosts.
 * Returns each task's name with each host's status, in order.
 */
function checkStream(events: readonly Line[]): string[] {
  assert.equal(events[0]?.type, 'run_start');
  assert.equal(events.at(-1)?.type, 'run_end');
  assert.equal(events.filter((e) => e.type === 'run_start' || e.type === 'run_end').length, 2);
  const seen: string[] = [];
  let task: TaskStartEvent | undefined;
  let results: HostResultEvent[] = [];
  const closeTask = (): void => {
    if (!task) return;
    assert.deepEqual(results.map((r) => r.host).sort(), [...task.hosts].sort(), `one result per host for task "${task.name}"`);
    seen.push(`${task.kind === 'handler' ? 'handler ' : ''}${task.name}: ${results.map((r) => `${r.host}=${r.status}${r.ignored ? '(ignored)' : ''}`).sort().join(' ')}`);
    task = undefined;
    results = [];
  };
  for (const e of events) {
    if (e.type === 'host_result') {
      assert.equal(e.task_id, task?.task_id, `a result for ${e.host} outside its task`);
      results.push(e);
    } else if (e.type !== 'warning' && e.type !== 'no_hosts_left' && e.type !== 'no_hosts_matched') {
      closeTask();
      if (e.type === 'task_start') task = e;
    }
  }
  assert.equal(new Set(events.filter((e) => e.type === 'task_start').map((e) => e.task_id)).size, events.filter((e) => e.type === 'task_start').length, 'task ids are unique');
  return seen;
}

/** The recap of the stream's run_end, checked against counting its host_results. */
function recapOf(events: readonly Line[]): Record<string, HostStats> {
  const end = events.at(-1);
  assert.ok(end?.type === 'run_end');
  const counted = new Stats();
  for (const e of events) counted.observe(e);
  assert.deepEqual(end.stats, counted.snapshot(), 'run_end.stats differs from the host_results');
  return { ...end.stats };
}

const stats = (s: Partial<HostStats>): HostStats => ({ ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0, ...s });

describe('--output json over real SSH (playground lab plus an unreachable host)', { skip: labSkipReason() }, () => {
  let lab: TestLab;
  before(async () => {
    lab = await startLab(PLAYGROUND, 'events');
  });
  after(async () => {
    await lab?.down();
  });
  const provision = (args: string[]) => lab.run(['provision', '--output', 'json', '-i', WITH_GHOST, '-T', '3', ...args, join(FIXTURES, 'events.yml')]);

  test('one host_result per host per task for every construct; the lines parse and add up to the recap', async () => {
    const r = await provision([]);
    assert.equal(r.code, 4, r.stdout + r.stderr);
    assert.equal(r.stderr, '');
    const events = parseEvents(r);
    assert.deepEqual(checkStream(events), [
      'Reach the hosts: ghost=unreachable lb=ok mgmt=ok',
      'A loop with a changed, a skipped and a failed item: lb=failed(ignored) mgmt=failed(ignored)',
      'A loop that notifies: lb=changed mgmt=changed',
      'Skipped everywhere: lb=skipped mgmt=skipped',
      'Fails on lb: lb=failed mgmt=skipped',
      'An ignored failure: mgmt=failed(ignored)',
      'A secret loop: mgmt=changed',
      'handler note it: mgmt=changed',
      'Gathering Facts: mgmt=ok',
      'Say hello: mgmt=ok',
    ]);
    assert.deepEqual(recapOf(events), {
      mgmt: stats({ ok: 8, changed: 5, skipped: 2, ignored: 2 }),
      lb: stats({ ok: 3, changed: 2, skipped: 1, failed: 1, ignored: 1 }),
      ghost: stats({ unreachable: 1 }),
    });
    const end = events.at(-1);
    assert.equal(end?.type === 'run_end' && end.exit_code, 4);

    const results = events.filter((e): e is Line & HostResultEvent => e.type === 'host_result');
    const loop = results.find((e) => e.host === 'mgmt' && e.items?.length === 3);
    assert.deepEqual(loop?.items?.map((i) => [i.item, i.status, i.ignored]), [['one', 'changed', false], ['skip', 'skipped', false], ['bad', 'failed', true]]);
    assert.equal(results.filter((e) => e.items !== undefined).length, 5, 'items only on loop tasks');
    const secret = results.find((e) => e.items?.length === 1 && e.items[0]?.item === null);
    assert.deepEqual(secret?.result, { censored: "the output has been hidden due to the fact that 'no_log: true' was specified for this result", changed: true });
    assert.doesNotMatch(r.stdout, /s3cr3t-Events-7/);
    assert.match(results.find((e) => e.host === 'ghost')?.result['msg'] as string, /^Failed to connect to the host via ssh: 10\.0\.15\.250:22/);
    const play2 = events.filter((e) => e.type === 'play_start')[1];
    assert.deepEqual(play2?.type === 'play_start' && play2.hosts, ['mgmt'], 'the failed and unreachable hosts are out of the next play');
  });

  test('--check: the same promise, with what check mode does to each task', async () => {
    const r = await provision(['--check']);
    assert.equal(r.code, 4, r.stdout + r.stderr);
    const events = parseEvents(r);
    assert.equal(events[0]?.type === 'run_start' && events[0].check, true);
    assert.deepEqual(checkStream(events), [
      'Reach the hosts: ghost=unreachable lb=skipped mgmt=skipped',
      'A loop with a changed, a skipped and a failed item: lb=skipped mgmt=skipped',
      'A loop that notifies: lb=skipped mgmt=skipped',
      'Skipped everywhere: lb=skipped mgmt=skipped',
      'Fails on lb: lb=failed mgmt=skipped',
      'An ignored failure: mgmt=skipped',
      'A secret loop: mgmt=skipped',
      'Gathering Facts: mgmt=ok',
      'Say hello: mgmt=ok',
    ]);
    assert.deepEqual(recapOf(events), {
      mgmt: stats({ ok: 2, skipped: 7 }),
      lb: stats({ skipped: 4, failed: 1 }),
      ghost: stats({ unreachable: 1 }),
    });
  });
});

describe('--output json without a lab', () => {
  test('a run over connection local: only JSON lines on stdout, warnings in them, no password anywhere', async () => {
    const password = 'bec0me-Pa55-json';
    const dir = mkdtempSync(join(tmpdir(), 'provision-json-'));
    const file = join(dir, 'become-pass');
    writeFileSync(file, `${password}\n`);
    try {
      const r = await runCli(['--output', 'json', '-i', LOCAL, '--become-password-file', file, join(FIXTURES, 'local-loops.yml'), join(REPO, 'test/fixtures/local-project/no-hosts.yml')]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(r.stderr, '');
      const events = parseEvents(r);
      assert.deepEqual(checkStream(events), [
        'A loop with a skipped item: localhost=changed',
        'A loop with a failed item, ignored: localhost=failed(ignored)',
        'After the loops: localhost=ok',
      ]);
      assert.deepEqual(events.filter((e) => e.type === 'warning').map((e) => e.type === 'warning' && e.message), ['Could not match supplied host pattern, ignoring: nobody']);
      assert.equal(events.filter((e) => e.type === 'no_hosts_matched').length, 1);
      assert.deepEqual(recapOf(events), { localhost: stats({ ok: 3, changed: 2, ignored: 1 }) });
      assert.doesNotMatch(r.stdout, new RegExp(password));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--output takes plain or json, and json is refused for listings', async () => {
    const bad = await runCli(['--output', 'yaml', '-i', LOCAL, join(FIXTURES, 'local-loops.yml')]);
    assert.equal(bad.code, 5, bad.stderr);
    assert.match(bad.stderr, /--output must be plain or json, got "yaml"/);
    const listing = await runCli(['--output', 'json', '-i', LOCAL, '--list-hosts', join(FIXTURES, 'local-loops.yml')]);
    assert.equal(listing.code, 5, listing.stderr);
    assert.equal(listing.stdout, '');
  });
});
