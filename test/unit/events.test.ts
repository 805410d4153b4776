import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { EventBus } from '../../src/engine/event-bus.js';
import { EVENTS_SCHEMA_VERSION, type HostResultEvent, type RunEvent } from '../../src/engine/events.js';
import { hostResultEvent } from '../../src/engine/host-result-event.js';
import { Stats } from '../../src/engine/stats.js';
import type { TaskOutcome } from '../../src/engine/task-executor.js';
import type { Task } from '../../src/playbook/model.js';
import { JsonReporter } from '../../src/ui/json-reporter.js';
import { PlainReporter } from '../../src/ui/plain-reporter.js';
import { REPO } from '../helpers/cli.js';

const CENSORED = "the output has been hidden due to the fact that 'no_log: true' was specified for this result";
const place = { task_id: 'task-2', play_id: 'play-1', host: 'web1' };

/** A task as the loader makes it, with only what these tests look at set. */
function task(fields: Partial<Task>): Task {
  return { name: 't', module: 'command', args: {}, loop: undefined, loopVar: 'item', noLog: false, ignoreErrors: false, ...fields } as Task;
}

function result(fields: Partial<HostResultEvent>): HostResultEvent {
  return { type: 'host_result', ...place, status: 'ok', changed: false, ignored: false, duration_ms: 5, result: { changed: false }, ...fields };
}

/** A play with a loop (a changed, a skipped and an ignored failed item), a debug task and a handler. */
const RUN: RunEvent[] = [
  { type: 'run_start', playbooks: ['site.yml'], check: false, diff: false, forks: 5 },
  { type: 'play_start', play_id: 'play-1', name: 'Web', pattern: 'web', hosts: ['web1', 'web2'] },
  { type: 'task_start', task_id: 'task-1', play_id: 'play-1', name: 'loop', kind: 'task', action: 'command', hosts: ['web1', 'web2'] },
  result({
    task_id: 'task-1',
    status: 'failed',
    changed: true,
    ignored: true,
    result: { changed: true, failed: true, msg: 'One or more items failed', results: [] },
    items: [
      { item: 'a', status: 'changed', ignored: false, result: { changed: true } },
      { item: 'b', status: 'skipped', ignored: false, result: { changed: false, skipped: true } },
      { item: 'c', label: 'C', status: 'failed', ignored: true, result: { changed: false, failed: true, msg: 'no' } },
    ],
  }),
  result({ task_id: 'task-1', host: 'web2', status: 'skipped', result: { changed: false, skipped: true }, items: [] }),
  { type: 'task_start', task_id: 'task-2', play_id: 'play-1', name: 'say', kind: 'task', action: 'debug', hosts: ['web1', 'web2'] },
  result({ result: { changed: false, msg: 'hi' } }),
  result({ host: 'web2', status: 'failed', result: { changed: false, failed: true, msg: 'boom' } }),
  { type: 'no_hosts_left', play_id: 'play-1' },
  { type: 'task_start', task_id: 'task-3', play_id: 'play-1', name: 'restart', kind: 'handler', action: 'command', hosts: ['web1'] },
  result({ task_id: 'task-3', status: 'changed', changed: true, result: { changed: true } }),
  { type: 'warning', message: 'careful' },
  { type: 'play_end', play_id: 'play-1', duration_ms: 40 },
];

describe('the event bus', () => {
  test('every subscriber sees every event in order; unsubscribing stops delivery', () => {
    const bus = new EventBus<number>();
    const a: number[] = [];
    const b: number[] = [];
    bus.subscribe((n) => a.push(n));
    const stopB = bus.subscribe((n) => b.push(n));
    bus.emit(1);
    stopB();
    bus.emit(2);
    assert.deepEqual(a, [1, 2]);
    assert.deepEqual(b, [1]);
  });

  test('a failing subscriber does not keep the event from the others; its error comes back to the emitter', () => {
    const bus = new EventBus<string>();
    const seen: string[] = [];
    bus.subscribe(() => {
      throw new Error('display broke');
    });
    bus.subscribe((e) => seen.push(e));
    assert.throws(() => bus.emit('x'), /display broke/);
    assert.deepEqual(seen, ['x']);
  });
});

describe('subscribers', () => {
  test('the stats count each host_result once (a loop is one result) and know every host of a play', () => {
    const stats = new Stats();
    for (const e of RUN) stats.observe(e);
    assert.deepEqual(stats.snapshot(), {
      web1: { ok: 3, changed: 2, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 1 },
      web2: { ok: 0, changed: 0, unreachable: 0, failed: 1, skipped: 1, rescued: 0, ignored: 0 },
    });
    assert.equal(stats.exitCode(), 2);
  });

  test("the plain reporter prints Ansible's lines: loop items and no loop line, debug's message, handlers, the recap", () => {
    let out = '';
    let err = '';
    const reporter = new PlainReporter((t) => (out += t), (t) => (err += t), 0);
    const stats = new Stats();
    for (const e of RUN) {
      stats.observe(e);
      reporter.handle(e);
    }
    reporter.handle({ type: 'run_end', stats: stats.snapshot(), exit_code: 2, duration_ms: 50 });
    const stars = (title: string) => `${title} ${'*'.repeat(79 - title.length)}`;
    assert.equal(out, [
      '',
      stars('PLAY [Web]'),
      '',
      stars('TASK [loop]'),
      'changed: [web1] => (item=a)',
      'skipping: [web1] => (item=b) ',
      'failed: [web1] (item=C) => {"changed": false, "msg": "no"}',
      '...ignoring',
      'skipping: [web2]',
      '',
      stars('TASK [say]'),
      'ok: [web1] => {\n    "msg": "hi"\n}',
      'fatal: [web2]: FAILED! => {"msg": "boom"}',
      '',
      stars('RUNNING HANDLER [restart]'),
      'changed: [web1]',
      '',
      stars('PLAY RECAP'),
      'web1                       : ok=3    changed=2    unreachable=0    failed=0    skipped=0    rescued=0    ignored=1   ',
      'web2                       : ok=0    changed=0    unreachable=0    failed=1    skipped=1    rescued=0    ignored=0   ',
      '',
      '',
    ].join('\n'));
    assert.equal(err, '[WARNING]: careful\n');
  });

  test('the JSON reporter writes one object per event per line, each with the schema version and time', () => {
    const lines: string[] = [];
    const reporter = new JsonReporter((t) => lines.push(t), () => new Date('2025-01-02T03:04:05.678Z'));
    for (const e of RUN) reporter.handle(e);
    assert.equal(lines.length, RUN.length);
    lines.forEach((line, i) => {
      assert.ok(line.endsWith('\n') && !line.slice(0, -1).includes('\n'), 'one line per event');
      assert.deepEqual(JSON.parse(line), { schema_version: EVENTS_SCHEMA_VERSION, time: '2025-01-02T03:04:05.678Z', ...RUN[i] });
    });
    assert.match(lines[0] ?? '', /^\{"schema_version":"provision\.events\/1","time":"[^"]+","type":"run_start",/);
  });
});

describe('host_result events', () => {
  const outcome = (fields: Partial<TaskOutcome>): TaskOutcome => ({ status: 'changed', result: { changed: true }, items: [], ignored: false, facts: undefined, diff: undefined, ...fields });

  test('a loop is one event with its items inside; a task without a loop has no items', () => {
    const loop = task({ loop: ['a', 'b'] });
    const e = hostResultEvent(place, loop, outcome({
      result: { changed: true, results: [{ changed: true, item: 'a' }, { changed: false, item: 'b' }] },
      items: [
        { host: 'web1', status: 'changed', result: { changed: true }, item: 'a', hasItem: true, ignored: false },
        { host: 'web1', status: 'ok', result: { changed: false }, item: 'b', hasItem: true, ignored: false },
      ],
    }), 12.6);
    assert.deepEqual(e.items, [
      { item: 'a', status: 'changed', ignored: false, result: { changed: true } },
      { item: 'b', status: 'ok', ignored: false, result: { changed: false } },
    ]);
    assert.equal(e.duration_ms, 13);
    assert.equal(e.changed, true);
    assert.equal('items' in hostResultEvent(place, task({}), outcome({}), 1), false);
  });

  test('no_log censors the result, every item (value and result) and drops the diff', () => {
    const secret = 's3cr3t-Value-42';
    const e = hostResultEvent(place, task({ loop: [secret], noLog: true }), outcome({
      result: { changed: true, results: [{ changed: true, item: secret, stdout: secret }] },
      items: [{ host: 'web1', status: 'changed', result: { changed: true, stdout: secret }, item: secret, hasItem: true, ignored: false }],
      diff: [{ path: '/etc/secret', before: '', after: secret }],
    }), 1);
    assert.doesNotMatch(JSON.stringify(e), new RegExp(secret));
    assert.deepEqual(e.result, { censored: CENSORED, changed: true });
    assert.deepEqual(e.items, [{ item: null, status: 'changed', ignored: false, result: { censored: CENSORED, changed: true } }]);
    assert.equal(e.diff, undefined);
  });
});

describe('the documented schema', () => {
  test('docs/json-output.md documents every event type and every field the events carry', () => {
    const doc = readFileSync(join(REPO, 'docs/json-output.md'), 'utf8');
    const end: RunEvent = { type: 'run_end', stats: {}, exit_code: 0, duration_ms: 1 };
    const diff = result({ diff: [{ path: '/etc/x', before: '', after: 'x' }] });
    const none: RunEvent = { type: 'no_hosts_matched', play_id: 'play-2' };
    for (const event of [...RUN, end, diff, none]) {
      assert.match(doc, new RegExp(`### \`${event.type}\``), `no section for ${event.type}`);
      const fields = [...Object.keys(event), ...(event.type === 'host_result' ? (event.items ?? []).flatMap(Object.keys) : [])];
      for (const field of fields) assert.ok(doc.includes(`| \`${field}\``), `${event.type}.${field} is not documented`);
    }
    assert.ok(doc.includes(EVENTS_SCHEMA_VERSION));
  });
});
