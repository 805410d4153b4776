import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { HostResultEvent, RunEvent } from '../../src/engine/events.js';
import { labControllerEnv } from '../../src/lab/lab.js';
import { BIN, type CliResult, REPO } from '../helpers/cli.js';
import { labSkipReason, startLab, type TestLab } from '../helpers/lab.js';

const PLAYGROUND = join(REPO, 'inventories/playground.yml');
const FIXTURES = join(REPO, 'test/fixtures/trust');
const ADDRESSES: Record<string, string> = { mgmt: '10.0.15.10', lb: '10.0.15.11', 'mesos-master-1': '10.0.15.101', 'mesos-agent-1': '10.0.15.201', 'mesos-agent-2': '10.0.15.202' };

/** Passwords that would run a command (or break the quoting) if a shell ever read them as text. */
function hostilePasswords(tag: string): string[] {
  const touch = (n: number): string => `touch /tmp/owned-${tag}-${n}`;
  return [
    `x; ${touch(1)}`,
    `a'b; ${touch(2)}; echo '`,
    `a"b"; ${touch(3)}; echo "`,
    `$(${touch(4)})`,
    `\`${touch(5)}\``,
    `back\\slash\\; ${touch(6)} \\`,
    `with spaces  and\ttabs ; ${touch(7)}`,
    `${'p'.repeat(170)};${touch(8)}`.slice(0, 200),
  ];
}

function events(r: CliResult): RunEvent[] {
  return r.stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as RunEvent);
}

/** Each task's result for a host, by task name. */
function resultsOf(r: CliResult, host: string): Map<string, HostResultEvent> {
  const names = new Map<string, string>();
  const out = new Map<string, HostResultEvent>();
  for (const e of events(r)) {
    if (e.type === 'task_start') names.set(e.task_id, e.name);
    if (e.type === 'host_result' && e.host === host) out.set(names.get(e.task_id) ?? '?', e);
  }
  return out;
}

/** Every file under a host's overlay upper layer (all it wrote), searched for a string. */
function filesContaining(dir: string, needle: string): string[] {
  const found: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && statSync(path).size < 50_000_000 && readFileSync(path).includes(needle)) found.push(path);
    }
  };
  walk(dir);
  return found;
}

describe('trust over real SSH: secrets, no hang, reconnect, Ctrl-C (playground lab)', { skip: labSkipReason(), timeout: 300_000 }, () => {
  let lab: TestLab;
  before(async () => {
    lab = await startLab(PLAYGROUND, 'trust');
  });
  after(async () => {
    await lab?.down();
  });

  const provision = (args: string[], env: NodeJS.ProcessEnv = {}) => lab.run(['provision', ...args], { env });
  const onHost = async (host: string, script: string): Promise<string> => {
    const r = await lab.exec(host, ['sh', '-c', script]);
    assert.equal(r.code, 0, `${host}: ${script}: ${r.stderr}`);
    return r.stdout;
  };
  /** Samples every argv on a host while `during` runs. */
  const argvsDuring = async <T>(host: string, during: () => Promise<T>): Promise<{ result: T; argvs: string }> => {
    const sampler = lab.exec(host, ['sh', '-c', 'touch /tmp/sampling; i=0; while [ $i -lt 400 ] && [ ! -e /tmp/stop-sampling ]; do ps -eo args; sleep 0.02; i=$((i+1)); done; rm -f /tmp/stop-sampling /tmp/sampling']);
    // The run starts once the sampler does (on a busy machine, a fast run could end before it).
    for (let i = 0; i < 100 && (await onHost(host, 'test -e /tmp/sampling && echo started || :')).trim() !== 'started'; i++) await new Promise((r) => setTimeout(r, 100));
    const result = await during();
    await onHost(host, 'touch /tmp/stop-sampling');
    return { result, argvs: (await sampler).stdout };
  };
  const upper = (host: string): string => join(lab.dir, 'hosts', host, 'upper');

  test('NOPASSWD hosts given hostile become passwords: nothing runs, the password is unused and shown nowhere', async () => {
    const passwords = hostilePasswords('nopasswd');
    const hosts = Object.keys(ADDRESSES);
    // One run gives each host its own password (inventory data); a second run the other three.
    for (const batch of [passwords.slice(0, 5), passwords.slice(5)]) {
      const inventory = join(lab.dir, 'hostile.yml');
      const lines = batch.map((pw, i) => `    ${hosts[i]}:\n      ansible_host: ${ADDRESSES[hosts[i] as string]}\n      ansible_user: vagrant\n      ansible_become_password: ${JSON.stringify(pw)}\n`);
      writeFileSync(inventory, `all:\n  hosts:\n${lines.join('')}`);
      const r = await provision(['-i', inventory, '-vvvv', join(FIXTURES, 'become-id.yml')]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal((r.stdout.match(/ok: \[/g) ?? []).length, batch.length);
      for (const pw of batch) assert.equal((r.stdout + r.stderr).includes(pw), false, 'a password reached the output');
    }
    for (const host of hosts) {
      assert.equal((await onHost(host, 'ls /tmp')).includes('owned-'), false, `a password ran as a command on ${host}`);
      for (const pw of passwords) assert.deepEqual(filesContaining(upper(host), pw), [], `a password is in a file on ${host}`);
    }
  });

  test('a host that needs the sudo password: right, wrong and missing; never in output, argv or a file', async () => {
    const host = 'mesos-master-1';
    const password = hostilePasswords('needed')[1] as string;
    const passwordFile = join(lab.dir, 'ops-password');
    writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
    // ops logs in with this password and sudo asks for it (its own); no NOPASSWD.
    await onHost(host, `useradd -m -s /bin/sh ops && printf 'ops:%s\\n' '${password.replace(/'/g, "'\\''")}' | chpasswd && echo "ops ALL=(ALL) ALL" > /etc/sudoers.d/ops && chmod 440 /etc/sudoers.d/ops && rm -f /home/ops/.profile`);
    const inventory = join(lab.dir, 'ops.yml');
    writeFileSync(inventory, `all:\n  hosts:\n    ${host}:\n      ansible_host: ${ADDRESSES[host]}\n      ansible_user: ops\n      ansible_password: ${JSON.stringify(password)}\n`);
    const playbook = join(FIXTURES, 'become-id.yml');

    const { result: right, argvs } = await argvsDuring(host, () => provision(['-i', inventory, '--become-password-file', passwordFile, '-vvvv', '--output', 'json', playbook]));
    assert.equal(right.code, 0, right.stdout + right.stderr);
    assert.equal(resultsOf(right, host).get('Who am I under sudo')?.result['stdout'], '0');
    assert.match(argvs, /sudo -H -S -p/, 'the sampler saw the sudo session (so it was looking)');
    assert.equal(argvs.includes(password), false, 'the password was in a remote argv');

    const wrongFile = join(lab.dir, 'wrong-password');
    writeFileSync(wrongFile, 'not-the-password\n');
    const started = Date.now();
    const wrong = await provision(['-i', inventory, '--become-password-file', wrongFile, playbook]);
    assert.equal(wrong.code, 2, wrong.stdout + wrong.stderr);
    assert.match(wrong.stdout, /become \(sudo to root\) failed: Incorrect sudo password/);
    assert.ok(Date.now() - started < 15_000, 'a wrong password must fail fast');

    const missing = await provision(['-i', inventory, playbook]);
    assert.equal(missing.code, 2);
    assert.match(missing.stdout, /become \(sudo to root\) failed: Missing sudo password/);

    for (const r of [right, wrong, missing]) assert.equal((r.stdout + r.stderr).includes(password), false, 'the password reached the output');
    assert.equal((await onHost(host, 'ls /tmp')).includes('owned-'), false, 'the password ran as a command');
    const inFiles = filesContaining(upper(host), password).filter((f) => !f.endsWith('/etc/shadow'));
    assert.deepEqual(inFiles, []);
  });

  test('a no_log file content reaches the host only as data: in no argv, no output, no other file', async () => {
    const secret = `tok-${randomBytes(8).toString('hex')}`;
    const { result, argvs } = await argvsDuring('lb', () => provision(['-i', PLAYGROUND, '-vvvv', '--diff', '-e', `secret_token=${secret}`, join(FIXTURES, 'no-log-copy.yml')]));
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(argvs, /sudo -H -n/, 'the sampler saw the session');
    for (const text of [argvs, result.stdout, result.stderr]) assert.equal(text.includes(secret), false);
    assert.equal(await onHost('lb', 'cat /etc/trust-secret.conf'), `token=${secret}\n`);
    assert.deepEqual(filesContaining(upper('lb'), secret).map((f) => f.slice(upper('lb').length)), ['/etc/trust-secret.conf']);
  });

  test('no task text or command ends, confuses or hangs the session', async () => {
    const started = Date.now();
    const r = await provision(['--output', 'json', '-i', PLAYGROUND, join(FIXTURES, 'no-hang.yml')]);
    assert.ok(Date.now() - started < 60_000, 'the run took too long');
    const results = resultsOf(r, 'lb');
    const status = (name: string): string | undefined => results.get(name)?.status;
    const out = (name: string): unknown => results.get(name)?.result['stdout'];
    assert.equal(status('A stray parenthesis'), 'failed');
    assert.equal(results.get('A stray parenthesis')?.result['rc'], 2);
    assert.equal(status('An unterminated quote'), 'failed');
    assert.ok(['changed', 'failed'].includes(status('An unterminated heredoc') ?? ''), 'heredoc task ended');
    assert.deepEqual([status('A command that reads stdin'), out('A command that reads stdin')], ['changed', '']);
    assert.equal(out('A shell that reads a line'), 'read rc=1');
    const slept = results.get('A command that never ends');
    assert.equal(slept?.status, 'failed');
    assert.match(String(slept?.result['msg']), /timed out after 2 s/);
    assert.ok((slept?.duration_ms ?? 1e9) < 8000, `the timeout took ${slept?.duration_ms} ms`);
    assert.equal(out('A background job that speaks late'), 'now');
    assert.deepEqual([out('The next task'), results.get('The next task')?.result['stderr']], ['next', ''], 'late output leaked into the next task');
    const bytes = Buffer.from(await onHost('lb', 'base64 -w0 /tmp/random.bin'), 'base64');
    assert.equal(bytes.length, 4096);
    assert.ok(out('Binary output') === bytes.toString('utf8').replace(/\n$/, ''), 'binary output differs');
    const euros = String(out('Multi-byte characters across chunks'));
    assert.ok(euros === '€'.repeat(50_000), `multi-byte output differs: ${euros.length} characters, first other: ${JSON.stringify(euros.replace(/€/g, '').slice(0, 20))}`);
    assert.equal(out('Still here'), 'still here');
    assert.equal(r.code, 0, 'every failure above is ignored');
    assert.equal((await onHost('lb', 'ps -eo args')).includes('sleep 100000'), false, 'the timed-out command still runs');
  });

  test('task_timeout from the environment or provision.cfg applies to every task', async () => {
    const r = await provision(['-i', PLAYGROUND, '-l', 'lb', join(FIXTURES, 'interrupt.yml')], { PROVISION_TASK_TIMEOUT: '1' });
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stdout, /timed out after 1 s/);
    assert.equal((await onHost('lb', 'ps -eo args')).includes('sleep 100'), false);
  });

  test('a connection lost between two tasks is opened again once', async () => {
    assert.equal((await lab.exec('mgmt', ['rm', '-f', '/tmp/go', '/tmp/pausing'])).code, 0);
    const run = provision(['--output', 'json', '-i', PLAYGROUND, join(FIXTURES, 'reconnect.yml')]);
    await waitFor('the pause on mgmt', async () => (await lab.exec('mgmt', ['test', '-e', '/tmp/pausing'])).code === 0);
    // Every per-connection sshd on lb (the listener, its PID 1, stays).
    const killed = await lab.exec('lb', ['sh', '-c', 'pkill -f "sshd: vagran[t]" && echo killed']);
    assert.match(killed.stdout, /killed/);
    assert.equal((await lab.exec('mgmt', ['touch', '/tmp/go'])).code, 0);
    const r = await run;
    await lab.exec('mgmt', ['rm', '-f', '/tmp/go']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const lb = resultsOf(r, 'lb');
    assert.equal(lb.get('After')?.status, 'changed');
    assert.equal(lb.get('After')?.result['stdout'], 'after');
  });

  test('Ctrl-C kills the remote tasks, then exits 99; a second Ctrl-C is not needed', async () => {
    const child = controller(['-i', PLAYGROUND, join(FIXTURES, 'interrupt.yml')]);
    await waitFor('the sleeps to start', async () => (await onHost('lb', 'ps -eo args')).includes('sleep 1001') && (await onHost('mgmt', 'ps -eo args')).includes('sleep 1001'));
    const started = Date.now();
    child.process.kill('SIGINT');
    const r = await child.done;
    assert.equal(r.code, 99, r.stdout + r.stderr);
    assert.match(r.stderr, /User interrupted execution/);
    assert.ok(Date.now() - started < 8000, 'Ctrl-C took too long');
    for (const host of ['lb', 'mgmt']) assert.equal(/sleep 100[01]/.test(await onHost(host, 'ps -eo args')), false, `a task still runs on ${host}`);
  });

  test('Ctrl-C during a file write leaves the old file or the whole new one, and no temp file', async () => {
    const big = join(lab.dir, 'big.bin');
    const bytes = randomBytes(48 * 1024 * 1024);
    writeFileSync(big, bytes);
    // Lab hosts see the machine's /tmp: only session directories made after this point count.
    // A watcher on the host itself sees the write begin: a new session receiving the bytes, or
    // the temp file beside the destination.
    await onHost('lb', 'touch /tmp/trust-mark');
    const watcher = lab.exec('lb', ['sh', '-c', 'i=0; while [ $i -lt 20000 ]; do if find /tmp/.provision-*/i /srv/trust/.provision-* -newer /tmp/trust-mark -size +0 2>/dev/null | grep -q .; then echo writing; exit 0; fi; i=$((i+1)); done; exit 1']);
    const child = controller(['-i', PLAYGROUND, '-e', `big_file=${big}`, join(FIXTURES, 'interrupt-copy.yml')]);
    const seen = await watcher;
    assert.equal(seen.stdout.trim(), 'writing', 'the watcher never saw the write');
    child.process.kill('SIGINT');
    const r = await child.done;
    assert.equal(r.code, 99, r.stdout + r.stderr);
    const listing = await onHost('lb', 'ls -a /srv/trust 2>/dev/null || true');
    assert.equal(/\.provision-/.test(listing), false, `a temp file was left: ${listing}`);
    if (listing.includes('big.bin')) {
      const sum = (await onHost('lb', 'sha256sum /srv/trust/big.bin')).split(' ')[0];
      assert.equal(sum, createHash('sha256').update(bytes).digest('hex'), 'a half-written file');
    }
  });

  /** The controller CLI run directly in the controller host's network (so SIGINT reaches it, not a wrapper). */
  function controller(args: string[]): { process: ChildProcess; done: Promise<CliResult> } {
    const state = JSON.parse(readFileSync(join(lab.dir, 'lab.json'), 'utf8')) as { plan: { hosts: { netns: string; controller: boolean }[] } };
    const netns = state.plan.hosts.find((h) => h.controller)?.netns as string;
    const child = spawn('nsenter', [`--net=/run/netns/${netns}`, '--', process.execPath, BIN, ...args], {
      cwd: REPO,
      env: { ...process.env, ...labControllerEnv(lab.dir), NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout?.on('data', (d: Buffer) => stdout.push(d));
    child.stderr?.on('data', (d: Buffer) => stderr.push(d));
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const done = new Promise<CliResult>((resolve) =>
      child.on('close', (code, signal) => {
        if (signal) stderr.push(Buffer.from(`[ended by ${signal}]`));
        clearTimeout(killer);
        resolve({ code: code ?? -1, stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString() });
      }),
    );
    return { process: child, done };
  }
});

async function waitFor(what: string, check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 30));
  }
}
