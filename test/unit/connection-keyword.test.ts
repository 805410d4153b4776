import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { connectionKind } from '../../src/engine/connections.js';

describe('which connection reaches a host (PlayContext.set_task_and_variable_override)', () => {
  test('ansible_connection beats the connection keyword, which beats -c; ssh when none says', () => {
    assert.equal(connectionKind({ ansible_connection: 'ssh' }, 'local', 'local'), 'ssh');
    assert.equal(connectionKind({ ansible_connection: 'local' }, 'ssh', undefined), 'local');
    assert.equal(connectionKind({}, 'local', 'ssh'), 'local');
    assert.equal(connectionKind({ ansible_connection: null }, undefined, 'local'), 'local');
    assert.equal(connectionKind({}, undefined, undefined), 'ssh');
  });
});
