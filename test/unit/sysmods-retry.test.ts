import assert from 'node:assert/strict';
import { test } from 'node:test';
import { untilSuccess } from '../../src/modules/retry.js';

test('untilSuccess: retries with backoff until it works, and is bounded by its timeout', async () => {
  let n = 0;
  assert.equal(await untilSuccess(async () => (++n < 3 ? Promise.reject(new Error('not yet')) : 'up'), 5000, () => 'timed out', 20, 10), 'up');
  assert.equal(n, 3);
  const started = Date.now();
  await assert.rejects(untilSuccess(() => Promise.reject(new Error('line 1\nstill down')), 200, (last) => `Timed out: ${last}`, 50, 10), /Timed out: still down/);
  assert.ok(Date.now() - started < 1000);
});

test('wait_for: every probe script is valid sh (sh -n)', async () => {
  const { execFileSync } = await import('node:child_process');
  const { probeScript } = await import('../../src/modules/wait-for.js');
  for (const [args, content] of [[{ host: '127.0.0.1', port: 22, connect_timeout: 5 }, false], [{ host: 'h', port: 22, connect_timeout: 5 }, true], [{ host: 'h', path: "/tmp/it's", connect_timeout: 5 }, false], [{ host: 'h', path: '/tmp/x', connect_timeout: 5 }, true]] as const) {
    execFileSync('sh', ['-n', '-c', probeScript(args, content)]);
  }
});
