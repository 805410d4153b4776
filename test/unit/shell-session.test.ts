import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { LocalConnection } from '../../src/connection/local.js';

describe('the persistent shell protocol (a real local sh)', () => {
  const connection = new LocalConnection('local');
  after(() => connection.close());

  test('output with and without a final newline, stderr and exit codes', async () => {
    assert.deepEqual(await connection.run('printf "a\\nb"'), { rc: 0, stdout: 'a\nb', stderr: '' });
    assert.deepEqual(await connection.run('echo out; echo err >&2; exit 3'), { rc: 3, stdout: 'out\n', stderr: 'err\n' });
    assert.deepEqual(await connection.run('true'), { rc: 0, stdout: '', stderr: '' });
  });
  test('a script cannot end the session or read the command stream', async () => {
    await connection.run('exit 9');
    assert.equal((await connection.run('cat; echo after')).stdout, 'after\n', 'stdin is /dev/null, not the next script');
    assert.equal((await connection.run('echo still here')).stdout, 'still here\n');
  });
  test('heredocs, large output and many scripts in a row', async () => {
    assert.equal((await connection.run("cat <<'X'\nline 1\nline 2\nX")).stdout, 'line 1\nline 2\n');
    assert.equal((await connection.run('head -c 3000000 /dev/zero | tr "\\0" a')).stdout.length, 3_000_000);
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => connection.run(`echo ${i}`)));
    assert.deepEqual(results.map((r) => r.stdout), Array.from({ length: 50 }, (_, i) => `${i}\n`));
  });
  test('output that looks like a marker is just output', async () => {
    assert.equal((await connection.run('echo "__provision_0123_1 0"')).stdout, '__provision_0123_1 0\n');
  });
});
