import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RunEvent } from '../../src/engine/events.js';
import { type CliResult, REPO } from '../helpers/cli.js';
import { labSkipReason, startLab, type TestLab } from '../helpers/lab.js';

const DIR = join(REPO, 'test/fixtures/flow-run');
const INVENTORY = join(DIR, 'inventory.yml');
const WEB = ['w1', 'w2', 'w3', 'w4'];

function events(r: CliResult): RunEvent[] {
  return r.stdout.trim().split('\n').map((line) => JSON.parse(line) as RunEvent);
}

/** The run as lines in event order: `PLAY w1,w2`, `task h status`, `retry h`, `async h state`, `NO MORE HOSTS`. */
function story(list: readonly RunEvent[]): string[] {
  const names = new Map<string, string>();
  const lines: string[] = [];
  for (const e of list) {
    if (e.type === 'play_start') lines.push(`PLAY ${e.hosts.join(',')}`);
    else if (e.type === 'task_start') names.set(e.task_id, e.name);
    else if (e.type === 'host_result') lines.push(`${names.get(e.task_id)} ${e.host}${e.delegated_to ? `->${e.delegated_to}` : ''} ${e.status}`);
    else if (e.type === 'host_retry') lines.push(`retry ${e.host} ${e.retries - e.attempts}`);
    else if (e.type === 'host_async') lines.push(`async ${e.host} ${e.state}`);
    else if (e.type === 'no_hosts_left' && e.reason) lines.push(`NO MORE HOSTS (${e.reason})`);
  }
  return lines;
}

describe('flow keywords over real SSH: serial, run_once, delegate_to, until, any_errors_fatal, async, free', { skip: labSkipReason() }, () => {
  let lab: TestLab;
  before(async () => {
    lab = await startLab(INVENTORY, 'flow');
  });
  after(async () => {
    await lab?.down();
  });
  const provision = (playbook: string) => lab.run(['provision', '-i', INVENTORY, '--output', 'json', join(DIR, playbook)]);
  const onHost = async (host: string, script: string): Promise<string> => {
    const r = await lab.exec(host, ['sh', '-c', script]);
    assert.equal(r.code, 0, `${host}: ${script}: ${r.stderr}`);
    return r.stdout;
  };

  test('serial [1, 2]: each batch runs the whole play, its handlers included, before the next starts; run_once once per batch; until retries; delegate_to localhost runs on the controller', async () => {
    for (const h of WEB) await onHost(h, 'rm -f /tmp/flow-n /tmp/flow-once /tmp/flow-where');
    const r = await provision('rolling.yml');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const lines = story(events(r));
    const batch = (hosts: string[]): string[] => {
      const one = (task: string, status = 'changed'): string[] => hosts.map((h) => `${task} ${h} ${status}`);
      return [
        `PLAY ${hosts.join(',')}`,
        ...one('change'),
        `once per batch ${hosts[0]} changed`,
        ...one('everyone sees it'),
        ...hosts.map((h) => `on the controller ${h}->localhost changed`),
        ...one('keep where it ran'),
        ...hosts.flatMap((h) => [`retry ${h} 3`, `retry ${h} 2`]),
        ...one('third time lucky'),
        ...one('restart'),
      ];
    };
    // Hosts of a batch run side by side: compare each batch's lines as a set, batches in order.
    const cut = (all: string[]): string[][] => all.reduce<string[][]>((acc, l) => (l.startsWith('PLAY ') ? [...acc, [l]] : (acc.at(-1)?.push(l), acc)), []);
    const sorted = (groups: string[][]): string[][] => groups.map((g) => [...g].sort());
    assert.deepEqual(sorted(cut(lines)), sorted([batch(['w1']), batch(['w2', 'w3']), batch(['w4'])]));
    // Retries of one host come in order before its result.
    assert.ok(lines.indexOf('retry w2 2') < lines.indexOf('third time lucky w2 changed'));
    assert.equal(await onHost('w3', 'cat /tmp/flow-once'), 'w2,w3\n');
    assert.equal(await onHost('w4', 'cat /tmp/flow-once'), 'w4\n');
    assert.equal(await onHost('w1', 'cat /tmp/flow-where'), 'ctl\n');
  });

  test('any_errors_fatal: one host fails, every host stops after that task, and no later play runs', async () => {
    const r = await provision('failing.yml');
    assert.equal(r.code, 2, r.stdout + r.stderr);
    const lines = story(events(r));
    assert.deepEqual([...lines].sort(), ['PLAY w1,w2,w3,w4', 'fails on w2 w1 changed', 'fails on w2 w2 failed', 'fails on w2 w3 changed', 'fails on w2 w4 changed', 'NO MORE HOSTS (any_errors_fatal)'].sort());
    const end = events(r).at(-1);
    assert.ok(end?.type === 'run_end');
    assert.deepEqual(end.stats['w1'], { ok: 1, changed: 1, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 });
    assert.equal(end.stats['w2']?.failed, 1);
  });

  test('ignore_unreachable: an unreachable host stays in the play (ok and ignored) until a task without it', async () => {
    const r = await lab.run(['provision', '-i', join(DIR, 'inventory-ghost.yml'), '-T', '2', '--output', 'json', join(DIR, 'unreachable.yml')]);
    assert.equal(r.code, 4, r.stdout + r.stderr);
    const lines = story(events(r));
    assert.deepEqual(lines.filter((l) => l.includes(' ghost ')), ['try ghost unreachable', 'again ghost unreachable', 'not ignored ghost unreachable']);
    const end = events(r).at(-1);
    assert.ok(end?.type === 'run_end');
    assert.deepEqual(end.stats['ghost'], { ok: 2, changed: 0, unreachable: 1, failed: 0, skipped: 0, rescued: 0, ignored: 2 });
    assert.equal(end.stats['w1']?.ok, 4);
  });

  test('async: a fire-and-forget job survives a later task killed by its timeout, its environment is data; async_status waits for it; poll reports; the free strategy lets fast hosts go ahead', async () => {
    for (const h of ['w1', 'w2']) await onHost(h, 'rm -rf /tmp/flow-job /tmp/flow-pwned ~vagrant/.ansible_async');
    const r = await provision('async.yml');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const list = events(r);
    const lines = story(list);
    for (const h of ['w1', 'w2']) {
      assert.ok(lines.includes(`job ${h} changed`));
      assert.ok(lines.includes(`killed by its timeout ${h} failed`));
      assert.ok(lines.includes(`wait ${h} changed`));
      assert.ok(lines.includes(`async ${h} ok`));
      assert.ok(lines.includes(`polled ${h} changed`));
      assert.equal(await onHost(h, 'cat /tmp/flow-job'), "a'b $(touch /tmp/flow-pwned)\n");
      assert.equal(await onHost(h, 'test -e /tmp/flow-pwned && echo yes || echo no'), 'no\n');
      // The polled job's files are gone; the fire-and-forget one's stay until cleaned up (as Ansible's).
      assert.equal((await onHost(h, 'ls ~vagrant/.ansible_async | grep -c -E "^j[0-9]+\\.[0-9]+$" || true')).trim(), '1');
    }
    const waited = list.find((e) => e.type === 'host_result' && e.host === 'w1' && lines.length > 0 && e.result['ansible_job_id'] !== undefined && e.result['finished'] === 1 && e.result['cmd'] !== undefined);
    assert.ok(waited, 'async_status gave the finished job its command result');
    // Free: w1 sleeps in its first task while the others finish both.
    const free = lines.slice(lines.lastIndexOf('PLAY w1,w2,w3,w4'));
    const slow = free.indexOf('slow on w1 w1 changed');
    for (const h of ['w2', 'w3', 'w4']) assert.ok(free.indexOf(`after ${h} changed`) < slow, free.join('\n'));
  });
});
