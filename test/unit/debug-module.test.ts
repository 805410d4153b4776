import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { debugModule } from '../../src/modules/controller.js';
import type { ActionContext } from '../../src/modules/types.js';

const vars = { n: 5, r: { rc: 257, out: '[1, 2]', none: null, l: [1, 'a'] }, s: '[1, 2]', z: null };

function context(verbosity: number): ActionContext {
  return {
    host: 'h',
    vars,
    check: false,
    diff: false,
    verbosity,
    at: { file: 'debug.yml', line: 1, col: 1 },
    exec: () => Promise.reject(new Error('debug runs on the controller')),
  };
}

describe('debug', () => {
  test('var: what ansible-playbook 2.14 shows for each (a plain name keeps a number or null; an expression is templated to text, read back when it looks like a list, mapping or boolean)', async () => {
    // From `ansible-playbook -c local` with the same vars and tasks.
    const expected: [string, unknown][] = [
      ['n', 5],
      ['r.rc', '257'],
      ['r.out', [1, 2]],
      ['s', [1, 2]],
      ['z', null],
      ['r.none', ''],
      ['r.l', [1, 'a']],
      ['n > 1', true],
      ['r.l | length', '2'],
      ['not_defined_anywhere', 'VARIABLE IS NOT DEFINED!'],
    ];
    for (const [expression, value] of expected) {
      const r = await debugModule.run(context(0), { var: expression, verbosity: 0 }, {});
      assert.deepEqual(r.data, { [expression]: value }, expression);
    }
  });

  test('verbosity: above the run\'s -v level the task is skipped, at or below it shown', async () => {
    const hidden = await debugModule.run(context(0), { msg: 'x', verbosity: 1 }, {});
    assert.deepEqual(hidden, { changed: false, skipped: true, data: { skipped_reason: 'Verbosity threshold not met.' } });
    const shown = await debugModule.run(context(1), { msg: 'x', verbosity: 1 }, {});
    assert.equal(shown.skipped, undefined);
    assert.equal(shown.msg, 'x');
  });
});
