import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Handlers } from '../../src/engine/handlers.js';
import { HostIterator } from '../../src/engine/host-iterator.js';
import { lockstep, runLinear } from '../../src/engine/linear-strategy.js';
import type { Block, FlushHandlers, Play, PlayNode, RoleRun, Task } from '../../src/playbook/model.js';

/** A task as the loader makes it, with only what these tests look at set. */
const task = (name: string, fields: Partial<Task> = {}): Task => ({ kind: 'task', name, module: 'command', tags: [], notify: [], listen: [], role: undefined, ...fields }) as Task;
const block = (children: PlayNode[], role?: RoleRun): Block => ({ kind: 'block', children, vars: {}, role });
const flush: FlushHandlers = { kind: 'flush_handlers' };
const role = (name: string): RoleRun => ({ name, path: `roles/${name}`, defaults: {}, vars: {}, entryVars: {}, params: {}, parents: [] });
const play = (blocks: PlayNode[], fields: Partial<Play> = {}): Play => ({ gatherFacts: false, blocks, handlers: [], roles: [], tags: [], ...fields }) as Play;
const all = (): boolean => true;

/** Runs a play's steps with the linear strategy, recording what ran on whom; `fails` says who fails where. */
async function trace(p: Play, hosts: string[], fails: Record<string, string[]> = {}, handlers?: Handlers): Promise<string[]> {
  const ran: string[] = [];
  const failing = (name: string, on: readonly string[]): Set<string> => new Set(on.filter((h) => fails[name]?.includes(h)));
  await runLinear(new HostIterator(p, hosts, all), {
    gatherFacts: async (on) => (ran.push(`facts ${on.join(',')}`), failing('facts', on)),
    runTask: async (step, on) => {
      ran.push(`${step.task.name} ${on.join(',')}`);
      for (const h of on) handlers?.notify(h, step.task.notify);
      return failing(step.task.name ?? '', on);
    },
    flushHandlers: async (on) => handlers?.flush(on, async (entry, targets) => (ran.push(`handler ${entry.task.name} ${targets.join(',')}`), failing(entry.task.name ?? '', targets))) ?? new Set(),
    unreachable: () => false,
    stopped: () => false,
  });
  return ran;
}

describe('the host iterator: a play as steps, each host at its own place', () => {
  test('facts first, then the blocks in order with the flush points; tags leave tasks out', () => {
    const p = play([block([task('pre')]), flush, block([task('r')], role('web')), block([task('t'), task('skip', { tags: ['x'] })]), flush], { gatherFacts: true });
    const it = new HostIterator(p, ['a'], (t) => !t.tags.includes('x'));
    const kinds: string[] = [];
    for (let step = it.peek('a'); step; it.advance('a'), step = it.peek('a')) kinds.push(step.kind === 'task' ? `${step.task.name}${step.context.role ? `@${step.context.role.name}` : ''}` : step.kind);
    assert.deepEqual(kinds, ['gather_facts', 'pre', 'flush_handlers', 'r@web', 't', 'flush_handlers']);
  });
  test('a failed host has no next step and is not remaining', () => {
    const it = new HostIterator(play([block([task('a'), task('b')])]), ['h1', 'h2'], all);
    it.markFailed('h1');
    assert.equal(it.peek('h1'), undefined);
    assert.equal(it.isFailed('h1'), true);
    assert.deepEqual(it.remaining(), ['h2']);
  });
});

describe('the linear strategy: hosts in lockstep', () => {
  test('every host finishes a step before the next; a failed host leaves the play, the others go on', async () => {
    const ran = await trace(play([block([task('one'), task('two'), task('three')])]), ['a', 'b', 'c'], { one: ['b'], two: ['c'] });
    assert.deepEqual(ran, ['one a,b,c', 'two a,c', 'three a']);
  });
  test('the earliest step any host is at runs first, for the hosts at it', () => {
    const it = new HostIterator(play([block([task('one'), task('two')])]), ['a', 'b'], all);
    it.advance('a');
    const next = lockstep(it);
    assert.deepEqual([next?.step.kind === 'task' ? next.step.task.name : '', next?.hosts], ['one', ['b']]);
  });
  test('when every host has failed, nothing more runs', async () => {
    assert.deepEqual(await trace(play([block([task('one'), task('two')])]), ['a', 'b'], { one: ['a', 'b'] }), ['one a,b']);
  });
});

describe('handlers (checked against ansible-playbook 2.14 runs)', () => {
  test('run at each flush point for the hosts that notified them, in definition order, once', async () => {
    const handlers = new Handlers([block([task('h1'), task('h2'), task('h3')])]);
    const p = play([block([task('pre', { notify: ['h2'] })]), flush, block([task('t', { notify: ['h2', 'h1'] })]), flush, block([]), flush]);
    assert.deepEqual(await trace(p, ['a', 'b'], {}, handlers), ['pre a,b', 'handler h2 a,b', 't a,b', 'handler h1 a,b', 'handler h2 a,b']);
  });
  test('by name, by "role : name", by listen topic; the last block with the name wins', () => {
    const roleHandlers = block([task('restart', { role: 'web' }), task('shared', { role: 'web' })], role('web'));
    const playHandlers = block([task('shared'), task('on topic', { listen: ['topic'] })]);
    const handlers = new Handlers([roleHandlers, playHandlers]);
    const notified = (name: string): string[] => {
      const h = new Handlers([roleHandlers, playHandlers]);
      h.notify('a', [name]);
      const ran: string[] = [];
      void h.flush(['a'], async (entry) => (ran.push(`${entry.task.role ?? ''}:${entry.task.name}`), new Set()));
      return ran;
    };
    assert.equal(handlers.entries.length, 4);
    assert.deepEqual(notified('web : restart'), ['web:restart']);
    assert.deepEqual(notified('shared'), [':shared'], "the play's handler, defined last");
    assert.deepEqual(notified('topic'), [':on topic']);
  });
  test('a handler can notify one defined after it in the same flush; a host that fails in a handler runs no other', async () => {
    const handlers = new Handlers([block([task('first', { notify: ['second'] }), task('second'), task('third')])]);
    const p = play([block([task('t', { notify: ['first', 'third'] })]), flush]);
    const withHandlers: string[] = [];
    await runLinear(new HostIterator(p, ['a', 'b'], all), {
      gatherFacts: async () => new Set(),
      runTask: async (step, on) => {
        for (const h of on) handlers.notify(h, step.task.notify);
        return new Set();
      },
      flushHandlers: (on) =>
        handlers.flush(on, async (entry, targets) => {
          withHandlers.push(`${entry.task.name} ${targets.join(',')}`);
          for (const h of targets) handlers.notify(h, entry.task.notify);
          return new Set(entry.task.name === 'first' ? ['b'] : []);
        }),
      unreachable: () => false,
    stopped: () => false,
    });
    assert.deepEqual(withHandlers, ['first a,b', 'second a', 'third a']);
  });
});

describe('blocks (PlayIterator): rescue, always, nested, as ansible-core 2.14 runs them', () => {
  const tryBlock = (children: PlayNode[], rescue: PlayNode[], always: PlayNode[]): Block => ({ kind: 'block', children, rescue, always, vars: {}, role: undefined });
  test('a failure goes to the rescue, then the always; the others go on in the block; a rescued host goes on after it', async () => {
    const p = play([tryBlock([task('one'), task('two'), task('three')], [task('rescue')], [task('always')]), block([task('after')])]);
    assert.deepEqual(await trace(p, ['a', 'b'], { two: ['b'] }), ['one a,b', 'two a,b', 'three a', 'rescue b', 'always a,b', 'after a,b']);
  });
  test('without a rescue the always runs, then the host is out; a failing rescue runs the always and the host is out', async () => {
    const p = play([tryBlock([task('one')], [], [task('always')]), tryBlock([task('two')], [task('bad rescue')], [task('always 2')]), block([task('after')])]);
    assert.deepEqual(await trace(p, ['a', 'b', 'c'], { one: ['a'], two: ['b'], 'bad rescue': ['b'] }), ['one a,b,c', 'always a,b,c', 'two b,c', 'bad rescue b', 'always 2 b,c', 'after c']);
  });
  test('a failure in an inner block without rescue runs the inner always, then the outer rescue and always', async () => {
    const inner = tryBlock([task('inner fails'), task('inner next')], [], [task('inner always')]);
    const p = play([tryBlock([inner, task('outer next')], [task('outer rescue')], [task('outer always')])]);
    assert.deepEqual(await trace(p, ['a'], { 'inner fails': ['a'] }), ['inner fails a', 'inner always a', 'outer rescue a', 'outer always a']);
  });
  test('isRescuing: true in the block section of a block with a rescue', () => {
    const it = new HostIterator(play([tryBlock([task('one')], [task('r')], [])]), ['a'], all);
    const next = lockstep(it);
    assert.equal(next?.step.kind === 'task' ? next.step.task.name : '', 'one');
    assert.equal(it.isRescuing('a'), true);
    it.markFailed('a');
    const rescue = lockstep(it);
    assert.equal(rescue?.step.kind === 'task' ? rescue.step.task.name : '', 'r');
    assert.equal(it.isRescuing('a'), false);
  });
  test('included blocks run next, for the hosts that included them', async () => {
    const p = play([block([task('include'), task('after')])]);
    const ran: string[] = [];
    const it = new HostIterator(p, ['a', 'b'], all);
    await runLinear(it, {
      gatherFacts: async () => new Set(),
      runTask: async (step, on) => {
        ran.push(`${step.task.name} ${on.join(',')}`);
        if (step.task.name === 'include') it.include(new Map([['b', [block([task('included')])]]]), []);
        return new Set();
      },
      flushHandlers: async () => new Set(),
      unreachable: () => false,
      stopped: () => false,
    });
    assert.deepEqual(ran, ['include a,b', 'included b', 'after a,b']);
  });
});
