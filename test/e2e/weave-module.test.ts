import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { recap, REPO, runCli } from '../helpers/cli.js';
import { bootedSkipReason, importBusybox, labFilesUrl, startLab, type TestLab } from '../helpers/lab.js';

// The weave module through the real CLI over SSH, on three booted hosts with the lab's stand-in.
const INVENTORY = join(REPO, 'test/fixtures/weave-standin/lab.yml');
const PLAYBOOK = join(REPO, 'test/fixtures/weave-standin/weave-router.yml');
const HOSTS = ['weave-1', 'weave-2', 'weave-3'] as const;
const PASSWORD = 'correct-horse-battery-staple';

describe('the weave module on booted lab hosts (stand-in weave)', { skip: bootedSkipReason() }, () => {
  let lab: TestLab;
  const provision = (args: string[]) => runCli(['lab', 'run', '--lab', lab.dir, '--lab-key', '--', 'provision', '-i', INVENTORY, ...args, PLAYBOOK]);
  const ok = async (host: string, script: string): Promise<string> => {
    const r = await lab.exec(host, ['sh', '-c', script]);
    assert.equal(r.code, 0, `${host}: ${script}\n${r.stderr}${r.stdout}`);
    return r.stdout;
  };
  const changedOn = (output: string): Record<string, number> => Object.fromEntries(HOSTS.map((h) => [h, recap(output, h)['changed'] ?? -1]));

  before(async () => {
    lab = await startLab(INVENTORY, 'weavemod', { kind: 'booted' });
    const url = `${labFilesUrl(lab)}weave/v1.9.8/weave`;
    await Promise.all(HOSTS.map(async (h) => {
      await ok(h, `curl -fsS ${url} -o /usr/local/bin/weave && chmod 755 /usr/local/bin/weave`);
      await importBusybox(lab, h, 'busybox:lab');
    }));
  }, { timeout: 120_000 });
  after(async () => {
    await lab?.down();
  });

  test('--check --diff says what it would do and launches nothing', { timeout: 240_000 }, async () => {
    const r = await provision(['--check', '--diff']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(changedOn(r.stdout), { 'weave-1': 1, 'weave-2': 1, 'weave-3': 1 });
    // Each host is given the whole group; its own address is left out.
    assert.match(r.stdout, /-router: absent\n[\s\S]*\+router: running\n\+encryption: enabled\n\+targets:\n\+  - 10\.0\.15\.22\n\+  - 10\.0\.15\.23\n/);
    assert.match(r.stdout, /\+targets:\n\+  - 10\.0\.15\.21\n\+  - 10\.0\.15\.23\n/);
    for (const h of HOSTS) assert.equal((await lab.exec(h, ['docker', 'inspect', 'weave'])).code, 1, `${h}: check mode launched a router`);
  });

  test('launch with peers and password; the second run is changed=0; the password is nowhere', { timeout: 240_000 }, async () => {
    const first = await provision(['-v']);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.deepEqual(changedOn(first.stdout), { 'weave-1': 1, 'weave-2': 1, 'weave-3': 1 });
    const second = await provision([]);
    assert.equal(second.code, 0, second.stdout + second.stderr);
    assert.deepEqual(changedOn(second.stdout), { 'weave-1': 0, 'weave-2': 0, 'weave-3': 0 });
    for (const r of [first, second]) assert.ok(!(r.stdout + r.stderr).includes(PASSWORD), 'the password is in provision\'s output');
    // Every router has the same password: their hellos succeed, so connections are established
    // (a router dialled before it was up is retried every 2 s: wait for both outbound ones).
    let conns = '';
    for (const deadline = Date.now() + 30_000; Date.now() < deadline && !/^-> 10\.0\.15\.22:6783 +established[\s\S]*^-> 10\.0\.15\.23:6783 +established/m.test(conns); ) conns = await ok('weave-1', 'weave status connections; sleep 0.25');
    assert.match(conns, /^-> 10\.0\.15\.22:6783 +established encrypted +fastdp /m);
    assert.match(conns, /^-> 10\.0\.15\.23:6783 +established encrypted +fastdp /m);
    assert.match(await ok('weave-2', 'weave status'), /^ {5}Encryption: enabled$/m);
    // On the host: not in the router's arguments or environment, nor in its state but as a hash.
    const traces = await ok('weave-2', `docker inspect weave; cat /var/lib/weave-standin/router.env /var/lib/weave-standin/targets; journalctl --no-pager -q 2>/dev/null | tail -n 500; cat /proc/*/cmdline 2>/dev/null | tr '\\0' ' '`);
    assert.ok(!traces.includes(PASSWORD), 'the password is on the host in clear');
  });

  test('a changed peer list connects and forgets only the difference', { timeout: 240_000 }, async () => {
    const r = await provision(['-l', 'weave-1', '-e', '{"weave_peers": ["10.0.15.21", "10.0.15.22", "10.0.15.99"]}', '-v']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(recap(r.stdout, 'weave-1')['changed'], 1);
    assert.match(r.stdout, /connect to 10\.0\.15\.99; forget 10\.0\.15\.23/);
    assert.equal(await ok('weave-1', 'weave status targets'), '10.0.15.22\n10.0.15.99\n');
    const again = await provision(['-l', 'weave-1', '-e', '{"weave_peers": ["10.0.15.99", "10.0.15.22", "10.0.15.21"]}']);
    assert.equal(recap(again.stdout, 'weave-1')['changed'], 0, again.stdout);
  });

  test('stopped, then absent: weave reset (--force once stopped) leaves no router, bridge or state', { timeout: 240_000 }, async () => {
    const stop = await provision(['-l', 'weave-3', '-e', 'weave_state=stopped']);
    assert.equal(stop.code, 0, stop.stdout + stop.stderr);
    assert.equal(recap(stop.stdout, 'weave-3')['changed'], 1);
    assert.equal((await ok('weave-3', "docker inspect -f '{{.State.Running}}' weave")).trim(), 'false');
    const absent = await provision(['-e', 'weave_state=absent']);
    assert.equal(absent.code, 0, absent.stdout + absent.stderr);
    assert.deepEqual(changedOn(absent.stdout), { 'weave-1': 1, 'weave-2': 1, 'weave-3': 1 });
    for (const h of HOSTS) {
      assert.equal((await ok(h, 'docker ps -aq --filter name=^weave$; ip -o link show weave 2>/dev/null; ls /var/lib/weave-standin 2>/dev/null; true')), '', h);
    }
    const again = await provision(['-e', 'weave_state=absent']);
    assert.deepEqual(changedOn(again.stdout), { 'weave-1': 0, 'weave-2': 0, 'weave-3': 0 });
  });
});
