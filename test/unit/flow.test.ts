import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test } from 'node:test';
import { jobKillAfter } from '../../src/engine/async-exec.js';
import { runFree } from '../../src/engine/free-strategy.js';
import { environmentFor, inheritPlayFlow, retryPlan } from '../../src/engine/flow-values.js';
import { HostIterator } from '../../src/engine/host-iterator.js';
import { parseJobState } from '../../src/modules/async-job.js';
import { parseTaskFlow } from '../../src/playbook/flow-keywords.js';
import type { Block, Play, Task } from '../../src/playbook/model.js';
import { parsePlayFlow, serialBatches } from '../../src/playbook/play-flow.js';
import { Templar } from '../../src/template/templar.js';

const at = { file: 'site.yml', line: 3, col: 5 };
const keyAt = (): typeof at => at;
const task = (name: string, fields: Partial<Task> = {}): Task => ({ kind: 'task', name, module: 'command', tags: [], notify: [], listen: [], role: undefined, at, ...fields }) as Task;
const play = (tasks: Task[], fields: Partial<Play> = {}): Play => ({ gatherFacts: false, blocks: [{ kind: 'block', children: tasks, vars: {}, role: undefined } as Block], handlers: [], roles: [], tags: [], ...fields }) as Play;

describe('serial batches, as PlaybookExecutor._get_serialized_batches', () => {
  const hosts = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
  test('none: one batch of all; a number; the last size repeats', () => {
    assert.deepEqual(serialBatches(hosts, undefined), [hosts]);
    assert.deepEqual(serialBatches(hosts, [3]), [['a', 'b', 'c'], ['d', 'e', 'f'], ['g']]);
    assert.deepEqual(serialBatches(hosts, [1, 2]), [['a'], ['b', 'c'], ['d', 'e'], ['f', 'g']]);
  });
  test('percentages of all the hosts (at least 1), and 0 takes the rest', () => {
    assert.deepEqual(serialBatches(hosts, ['30%']), [['a', 'b'], ['c', 'd'], ['e', 'f'], ['g']]);
    assert.deepEqual(serialBatches(hosts, ['10%', 0]), [['a'], ['b', 'c', 'd', 'e', 'f', 'g']]);
  });
  test('what serial may be', () => {
    assert.deepEqual(parsePlayFlow({ serial: ['1', '50%', 3] }, keyAt)?.serial, [1, '50%', 3]);
    assert.throws(() => parsePlayFlow({ serial: 'half' }, keyAt), /"serial" must be a number of hosts, a percentage/);
    assert.throws(() => parsePlayFlow({ strategy: 'debug' }, keyAt), /strategy "debug" is not supported/);
    assert.throws(() => parsePlayFlow({ max_fail_percentage: 120 }, keyAt), /from 0 to 100/);
    assert.throws(() => parsePlayFlow({ vars_prompt: [{ name: 'x', encrypt: 'sha512_crypt' }] }, keyAt), /"encrypt" is not supported/);
    assert.equal(parsePlayFlow({ name: 'x' }, keyAt), undefined);
  });
});

describe('task flow keywords', () => {
  const conditions = (): never[] => [];
  test('absent when a task uses none (nothing to do when it runs)', () => {
    assert.equal(parseTaskFlow({ command: 'id' }, keyAt, conditions), undefined);
  });
  test('numbers, templates and wrong values', () => {
    const flow = parseTaskFlow({ retries: '2', delay: '{{ d }}', run_once: 'yes', throttle: 1 }, keyAt, conditions);
    assert.equal(flow?.retries, 2);
    assert.deepEqual(flow?.delay, { text: '{{ d }}', at });
    assert.equal(flow?.runOnce, true);
    assert.throws(() => parseTaskFlow({ async: -1 }, keyAt, conditions), /"async" must be a whole number \(0 or more\)/);
    assert.throws(() => parseTaskFlow({ delegate_to: ['a'] }, keyAt, conditions), /"delegate_to" must name a host/);
    assert.throws(() => parseTaskFlow({ environment: ['PATH=/bin'] }, keyAt, conditions), /"environment" must be a mapping/);
  });
  test("until's attempts: Ansible's defaults (retries 3: 4 runs, delay 5), retries 0 is one run", () => {
    const templar = new Templar();
    const until = [{ text: 'x', expression: {} as never, at }];
    assert.deepEqual(retryPlan(task('t', { flow: { until } }), {}, templar), { attempts: 4, delaySeconds: 5 });
    assert.deepEqual(retryPlan(task('t', { flow: { until, retries: 0, delay: -3 } }), {}, templar), { attempts: 1, delaySeconds: 1 });
    assert.deepEqual(retryPlan(task('t', { flow: { until, retries: { text: '{{ n }}', at } } }), { n: 2 }, templar), { attempts: 3, delaySeconds: 5 });
    assert.deepEqual(retryPlan(task('t', { flow: { retries: 5 } }), {}, templar), { attempts: 1, delaySeconds: 0 });
  });
  test("environment: the play's, then the task's over it; values as text", () => {
    const templar = new Templar();
    const t = inheritPlayFlow(task('t', { flow: { environment: [{ B: 'task', C: '{{ v }}' }] } }), play([], { flow: { environment: [{ A: 1, B: 'play' }] } }));
    assert.deepEqual(environmentFor(t, { v: true }, templar), { A: '1', B: 'task', C: 'True' });
    const plain = task('t');
    assert.equal(inheritPlayFlow(plain, play([])), plain);
  });
});

describe('async jobs', () => {
  test("the job is killed as async_wrapper's watcher would (5 s steps after a first 5 s)", () => {
    assert.equal(jobKillAfter(2), 10);
    assert.equal(jobKillAfter(5), 10);
    assert.equal(jobKillAfter(6), 15);
  });
  test('the status read back: missing, running, finished with its output, a timed-out job', () => {
    assert.deepEqual(parseJobState('missing /h/.ansible_async/j1.2\n'), { kind: 'missing', path: '/h/.ansible_async/j1.2' });
    assert.equal(parseJobState('status /p\n{"started": 1, "finished": 0, "ansible_job_id": "j1.2"}\n').kind, 'running');
    const out = Buffer.from('hi\n').toString('base64');
    const done = parseJobState(`status /p\n{"started": 1, "finished": 1, "ansible_job_id": "j1.2", "rc": 3, "start": 10.5, "end": 12}\n${out}\n\n{"module":"shell","cmd":"x","strip_empty_ends":true}\n`);
    assert.deepEqual(done, { kind: 'finished', path: '/p', rc: 3, startMs: 10500, endMs: 12000, stdout: 'hi\n', stderr: '', meta: { module: 'shell', cmd: 'x', strip_empty_ends: true } });
    assert.deepEqual(parseJobState('status /p\n{"msg": "Timeout exceeded", "failed": true, "child_pid": 7}\n'), { kind: 'other', path: '/p', data: { msg: 'Timeout exceeded', failed: true, child_pid: 7 } });
  });
});

describe('the free strategy: each host at its own pace', () => {
  test('a slow host does not hold the others back; a failed host stops; at most forks steps at once', async () => {
    const ran: string[] = [];
    let running = 0;
    let most = 0;
    let releaseSlow = (): void => {};
    const bDone = new Promise<void>((resolve) => (releaseSlow = resolve));
    const it = new HostIterator(play([task('one'), task('two'), task('three')]), ['slow', 'b', 'c'], () => true);
    await runFree(
      it,
      {
        gatherFacts: async () => new Set(),
        runTask: async (step, on) => {
          running++;
          most = Math.max(most, running);
          // The slow host's first task ends only once b is through (or after 5 s, if b waited for it).
          if (on[0] === 'slow' && step.task.name === 'one') await Promise.race([bDone, sleep(5000)]);
          else await sleep(5);
          running--;
          ran.push(`${step.task.name} ${on.join(',')}`);
          if (on[0] === 'b' && step.task.name === 'three') releaseSlow();
          return new Set(on[0] === 'c' && step.task.name === 'two' ? ['c'] : []);
        },
        flushHandlers: async () => new Set(),
        unreachable: () => false,
        stopped: () => false,
      },
      2,
    );
    assert.ok(ran.indexOf('three b') < ran.indexOf('one slow'), ran.join(' | '));
    assert.ok(!ran.includes('three c'));
    assert.ok(ran.includes('three slow'));
    assert.equal(most, 2);
  });
});
