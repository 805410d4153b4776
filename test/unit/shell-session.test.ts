import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { LocalConnection } from '../../src/connection/local.js';
import { frame } from '../../src/connection/session-protocol.js';

/** A result with its output as text, for short assertions. */
async function text(connection: LocalConnection, script: string, options = {}) {
  const r = await connection.exec(script, options);
  return { rc: r.rc, stdout: r.stdout.toString(), stderr: r.stderr.toString(), timedOut: r.timedOut };
}

function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z /s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('the session protocol (a real local sh)', { timeout: 60_000 }, () => {
  const connection = new LocalConnection('local', 10_000);
  const dir = mkdtempSync(join(tmpdir(), 'provision-session-'));
  after(async () => {
    await connection.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('output with and without a final newline, stderr and exit codes', async () => {
    assert.deepEqual(await text(connection, 'printf "a\\nb"'), { rc: 0, stdout: 'a\nb', stderr: '', timedOut: false });
    assert.deepEqual(await text(connection, 'echo out; echo err >&2; exit 3'), { rc: 3, stdout: 'out\n', stderr: 'err\n', timedOut: false });
    assert.deepEqual(await text(connection, 'true'), { rc: 0, stdout: '', stderr: '', timedOut: false });
  });

  test('no text of a task can end or confuse the session', async () => {
    for (const script of ['echo )', "echo 'unterminated", 'cat <<EOF\nno end', 'exit 9', 'exec true', '"', "'; echo broken; '"]) {
      const r = await text(connection, script);
      assert.equal(r.timedOut, false, script);
      assert.equal((await text(connection, 'echo still here')).stdout, 'still here\n', `after: ${script}`);
    }
    assert.equal((await text(connection, 'echo )')).rc, 2, 'a syntax error fails the task only');
  });

  test('tasks get no stdin; data given as stdin arrives byte for byte', async () => {
    assert.equal((await text(connection, 'cat; echo after')).stdout, 'after\n', 'stdin is /dev/null, not the next frame');
    const bytes = randomBytes(100_000);
    const r = await connection.exec('cat', { stdin: bytes });
    assert.ok(r.stdout.equals(bytes));
    assert.equal((await text(connection, 'cat', { stdin: '' })).stdout, '');
  });

  test('binary output comes back exactly, also split multi-byte characters', async () => {
    const bytes = randomBytes(64 * 1024);
    const file = join(dir, 'random');
    await connection.put(file, bytes, { mode: '0600' });
    assert.ok((await connection.exec(`cat ${file}`)).stdout.equals(bytes));
    assert.ok((await connection.get(file)).equals(bytes));
    assert.equal((statSync(file).mode & 0o777).toString(8), '600');
    const euro = '€'.repeat(100_000);
    await connection.put(file, euro);
    assert.equal((await text(connection, `cat ${file}`)).stdout, euro);
  });

  test('environment values are data: quotes, newlines and $() are not run', async () => {
    const value = `a'b"c $(touch ${dir}/owned) \`x\`\nline 2\n`;
    const r = await text(connection, 'printf "%s|%s" "$ONE" "$TWO"', { env: { ONE: value, TWO: '' } });
    assert.equal(r.stdout, `${value}|`);
    assert.equal(existsSync(join(dir, 'owned')), false);
    await assert.rejects(connection.exec('true', { env: { 'BAD NAME': 'x' } }), /invalid environment variable name/);
  });

  test('an inline run gets its env too (as data), and the env does not outlive it', async () => {
    const value = `a'b $(touch ${dir}/owned-inline)\nline 2`;
    const r = await text(connection, 'printf "%s|%s" "$ONE" "$TWO"; cat', { env: { ONE: value, TWO: 'two' }, inline: true, stdin: 'in' });
    assert.equal(r.stdout, `${value}|twoin`);
    assert.equal(existsSync(join(dir, 'owned-inline')), false);
    assert.equal((await text(connection, 'printf "[%s]" "$ONE"', { inline: true })).stdout, '[]');
    assert.equal((await text(connection, 'printf "[%s]" "$ONE"')).stdout, '[]');
  });

  test('each task runs in a process group of its own, not the session’s', async () => {
    const r = await text(connection, 'echo $$; ps -o pgid= -p $$; ps -o pgid= -p $PPID');
    const [pid, own, session] = r.stdout.trim().split(/\s+/).map(Number);
    assert.equal(own, pid, 'the task leads its own group');
    assert.notEqual(own, session);
  });

  test('a timeout kills the whole process group and the session carries on', async () => {
    const started = Date.now();
    const r = await text(connection, `sleep 1000 & echo $! > ${dir}/bg; sleep 1000`, { timeoutMs: 500 });
    assert.equal(r.timedOut, true);
    assert.ok(Date.now() - started < 5000, 'the kill took too long');
    const bg = Number(readFileSync(join(dir, 'bg'), 'utf8'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(alive(bg), false, 'the background sleep outlived the timeout');
    assert.equal((await text(connection, 'echo next')).stdout, 'next\n');
  });

  test('interrupt() kills a running task at once', async () => {
    const running = connection.exec('sleep 1000');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = Date.now();
    await connection.interrupt();
    const r = await running;
    assert.equal(r.rc, 143);
    assert.ok(Date.now() - started < 3000);
  });

  test('a background job’s late output is never attributed to a later task', async () => {
    const first = await text(connection, '(sleep 0.3; echo late; echo late >&2) & echo now');
    assert.equal(first.stdout, 'now\n', 'the task ends when its script exits');
    await new Promise((resolve) => setTimeout(resolve, 600));
    const second = await text(connection, 'echo next');
    assert.deepEqual([second.stdout, second.stderr], ['next\n', '']);
  });

  test('a daemon with its output redirected lives on after its task', async () => {
    await text(connection, `nohup sleep 1000 >/dev/null 2>&1 & echo $! > ${dir}/daemon`);
    const pid = Number(readFileSync(join(dir, 'daemon'), 'utf8'));
    await text(connection, 'true');
    assert.equal(alive(pid), true);
    process.kill(pid, 'SIGKILL');
  });

  test('large output and many tasks in a row', async () => {
    assert.equal((await connection.exec('head -c 3000000 /dev/zero | tr "\\0" a')).stdout.length, 3_000_000);
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => text(connection, `echo ${i}`)));
    assert.deepEqual(results.map((r) => r.stdout), Array.from({ length: 50 }, (_, i) => `${i}\n`));
  });

  test('output that looks like a frame is just output', async () => {
    assert.equal((await text(connection, 'echo "__provision_0123 F 1 0"; echo "x E 2"')).stdout, '__provision_0123 F 1 0\nx E 2\n');
  });

  test('a secret given as stdin or env is in no argv of the host while the task runs', async () => {
    const secret = `s3cr3t-${randomBytes(6).toString('hex')}`;
    const r = await text(connection, 'cat >/dev/null; ps -eo args', { stdin: secret, env: { PW: secret } });
    assert.equal(r.rc, 0);
    assert.doesNotMatch(r.stdout, new RegExp(secret));
  });

  test('the session’s framing marker is in no argv or environment a task can read', async () => {
    const r = await text(connection, 'ps -eo args; tr "\\0" "\\n" </proc/$PPID/cmdline; tr "\\0" "\\n" </proc/$PPID/environ; env');
    assert.equal(r.rc, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /__provision_[0-9a-f]{24}/);
  });

  test('an inline script (provision’s own) past its time limit ends its session; the next one gets a new session', async () => {
    const before = (await text(connection, 'echo $PPID')).stdout;
    const r = await connection.exec('sleep 1000', { inline: true, timeoutMs: 300 });
    assert.equal(r.timedOut, true);
    assert.equal((await text(connection, 'echo $PPID')).stdout === before, false, 'a new session');
    assert.equal((await connection.exec('echo inline', { inline: true })).stdout.toString(), 'inline\n');
    await connection.exec('exit 3', { inline: true });
    assert.equal((await text(connection, 'ls -d "$TMPDIR" >/dev/null 2>&1; echo ok')).stdout, 'ok\n', 'a subshell exit left the session intact');
  });

  test('a task’s PATH or IFS does not change how the session works', async () => {
    const r = await text(connection, 'echo "[$TOKEN]"', { env: { PATH: '/nowhere', IFS: ':', TOKEN: 's3cret' } });
    assert.deepEqual([r.rc, r.stdout], [0, '[s3cret]\n']);
    assert.equal((await text(connection, 'echo fine')).stdout, 'fine\n');
  });

  test('a task that removes the session’s temp directory does not break later tasks', async () => {
    // Its own session's directory only (other sessions on this machine are not the test's).
    await text(connection, 'rm -rf "$(dirname "$(readlink /proc/self/fd/1)")"');
    assert.equal((await text(connection, 'echo after')).stdout, 'after\n');
    assert.equal((await connection.exec('cat', { stdin: 'data', inline: true })).stdout.toString(), 'data');
  });

  test('a become password with a line break is refused before sudo runs', async () => {
    await assert.rejects(connection.exec('id -u', { become: true, becomePassword: 'right\ntouch /tmp/x' }), /line break/);
  });

  test('frames refuse what the protocol cannot carry', () => {
    assert.throws(() => frame({ id: 1, script: 'true', env: { X: 'a\0b' } }), /NUL/);
    assert.throws(() => frame({ id: 1, script: 'a\0b' }), /NUL/);
    assert.throws(() => frame({ id: 1, script: 'x'.repeat(200_000) }), /limited/);
  });
});
