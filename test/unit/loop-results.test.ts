import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { emptyLoopResult, itemResultFields, itemVars, loopResult, loopStatus, withItems } from '../../src/engine/loop-results.js';
import { setFactValues } from '../../src/engine/set-fact.js';
import type { LoopControl } from '../../src/playbook/model.js';

const control = (fields: Partial<LoopControl> = {}): LoopControl => ({ loopVar: 'item', indexVar: undefined, label: undefined, pauseSeconds: 0, extended: false, extendedAllItems: true, ...fields });

/** Each expectation is what ansible-playbook 2.14 registers for the same loop (debug: var=r). */
describe("a loop's results, as ansible-core's TaskExecutor builds them", () => {
  test('an item that ran and one skipped: changed, "All items completed", skipped false', () => {
    const a = { changed: true, failed: false, rc: 0, ...itemResultFields(control(), ['a', 'b'], 0) };
    const b = { changed: false, skipped: true, skip_reason: 'Conditional result was False', ...itemResultFields(control(), ['a', 'b'], 1) };
    assert.deepEqual(b, { changed: false, skipped: true, skip_reason: 'Conditional result was False', item: 'b', ansible_loop_var: 'item' });
    const r = loopResult([a, b]);
    assert.deepEqual(r, { results: [a, b], skipped: false, changed: true, msg: 'All items completed' });
    assert.equal(loopStatus(r, ['changed', 'skipped']), 'changed');
  });
  test('every item skipped: "All items skipped", skipped; nothing to loop over: skipped, "No items in the list"', () => {
    const r = loopResult([{ changed: false, skipped: true }, { changed: false, skipped: true }]);
    assert.equal(r['msg'], 'All items skipped');
    assert.equal(loopStatus(r, ['skipped', 'skipped']), 'skipped');
    assert.deepEqual(emptyLoopResult(), { changed: false, skipped: true, skipped_reason: 'No items in the list', results: [] });
  });
  test('a failed item: failed, "One or more items failed"; changed counts the items that changed', () => {
    const r = loopResult([{ changed: true, failed: false }, { changed: true, failed: true }]);
    assert.deepEqual([r['failed'], r['msg'], r['changed']], [true, 'One or more items failed', true]);
    assert.equal(loopStatus(r, ['changed', 'failed']), 'failed');
  });
  test('loop_var, index_var and extended', () => {
    const c = control({ loopVar: 'x', indexVar: 'i', extended: true });
    assert.deepEqual(itemResultFields(c, ['a', 'b', 'c'], 1), {
      x: 'b', ansible_loop_var: 'x', i: 1, ansible_index_var: 'i',
      ansible_loop: { index: 2, index0: 1, first: false, last: false, length: 3, revindex: 2, revindex0: 1, allitems: ['a', 'b', 'c'], nextitem: 'c', previtem: 'a' },
    });
    assert.deepEqual(Object.keys(itemVars(c, ['a'], 0)).sort(), ['ansible_index_var', 'ansible_loop', 'ansible_loop_var', 'i', 'x']);
  });
});

describe('with_items, as the items lookup reads its rendered value', () => {
  test('lists inside are flattened one level; a single value is one item', () => {
    assert.deepEqual(withItems([[1, 2], [3, [4, 5]]]), [1, 2, 3, [4, 5]]);
    assert.deepEqual(withItems([['x', ['y']], 'z']), ['x', ['y'], 'z']);
    assert.deepEqual(withItems('text'), ['text']);
  });
});

describe('set_fact values as its action stores them', () => {
  test('true/false/yes/no in any case become booleans; on, y, "1" stay text', () => {
    assert.deepEqual(setFactValues({ a: 'yes', b: 'No', c: 'TRUE', d: 'false', e: 'on', f: 'y', g: '1', h: 3 }), { a: true, b: false, c: true, d: false, e: 'on', f: 'y', g: '1', h: 3 });
  });
});
