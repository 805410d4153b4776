import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Stats } from '../../src/engine/stats.js';
import { isSelected } from '../../src/engine/tags.js';
import { resultJson, resultLines } from '../../src/ui/format.js';
import { banner, recapLine } from '../../src/ui/recap.js';

describe('output in Ansible format', () => {
  test("a PLAY RECAP line matches ansible-playbook's byte for byte", () => {
    // As printed by ansible-core 2.14's default callback with colour off.
    const ansible = 'mesos-agent-1              : ok=4    changed=1    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0   ';
    assert.equal(recapLine('mesos-agent-1', { ok: 4, changed: 1, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 }), ansible);
  });
  test('banners, result lines and JSON', () => {
    assert.equal(banner('PLAY RECAP'), `PLAY RECAP ${'*'.repeat(69)}`);
    assert.equal(resultJson({ msg: 'x', changed: false, list: [1, 'a'] }), '{"changed": false, "list": [1, "a"], "msg": "x"}');
    assert.deepEqual(resultLines({ host: 'h', status: 'failed', result: { msg: 'boom' } }, 0), ['fatal: [h]: FAILED! => {"msg": "boom"}']);
    assert.deepEqual(resultLines({ host: 'h', status: 'failed', result: { msg: 'boom' }, ignored: true }, 0), ['fatal: [h]: FAILED! => {"msg": "boom"}', '...ignoring']);
    assert.deepEqual(resultLines({ host: 'h', status: 'changed', result: {}, item: 'b', hasItem: true }, 0), ['changed: [h] => (item=b)']);
    assert.deepEqual(resultLines({ host: 'h', status: 'skipped', result: {} }, 0), ['skipping: [h]']);
  });
  test('exit codes: unreachable (4) wins over failed (2)', () => {
    const s = new Stats();
    s.count('a', 'ok');
    assert.equal(s.exitCode(), 0);
    s.count('a', 'failed', true, true);
    assert.equal(s.exitCode(), 0, 'an ignored failure is not a failure');
    assert.deepEqual(s.hosts.get('a'), { ok: 2, changed: 1, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 1 });
    s.count('b', 'failed');
    assert.equal(s.exitCode(), 2);
    s.count('c', 'unreachable');
    assert.equal(s.exitCode(), 4);
  });
});

describe('tag selection', () => {
  test('--tags, --skip-tags, always, never, tagged, untagged', () => {
    assert.equal(isSelected([], [], []), true);
    assert.equal(isSelected(['weave'], ['weave'], []), true);
    assert.equal(isSelected(['docker'], ['weave'], []), false);
    assert.equal(isSelected(['always'], ['weave'], []), true);
    assert.equal(isSelected(['weave'], [], ['weave']), false);
    assert.equal(isSelected(['never', 'debug'], [], []), false);
    assert.equal(isSelected(['never', 'debug'], ['debug'], []), true);
    assert.equal(isSelected([], ['untagged'], []), true);
    assert.equal(isSelected(['x'], ['tagged'], []), true);
    assert.equal(isSelected(['x'], ['all'], []), true);
  });
});
