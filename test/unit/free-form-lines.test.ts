import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseKeyValues } from '../../src/playbook/task-parse.js';

const at = { file: 'x.yml', line: 1, col: 1 };

// `shell: |` with several lines: Ansible's split_args/join_args keep the line breaks of the
// command, so the script runs line by line. (Ansible also keeps runs of spaces and indentation,
// which provision still joins into one space: the same for sh, but for heredocs.)
test('a free-form command keeps its line breaks, as Ansible does', () => {
  const keys = ['chdir', 'creates'];
  assert.deepEqual(parseKeyValues('set -e\nfor f in a b; do\n  echo "$f"\ndone\n', at, keys), { _raw_params: 'set -e\nfor f in a b; do\necho "$f"\ndone' });
  assert.deepEqual(parseKeyValues('echo one\necho two creates=/tmp/x\n', at, keys), { _raw_params: 'echo one\necho two', creates: '/tmp/x' });
  assert.deepEqual(parseKeyValues('echo  "a  b"   c', at, keys), { _raw_params: 'echo "a  b" c' });
  assert.deepEqual(parseKeyValues('echo {{ a }}\necho b', at, keys), { _raw_params: 'echo {{ a }}\necho b' });
});
