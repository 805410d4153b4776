import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { recap, REPO, runCli } from '../helpers/cli.js';
import { bootedSkipReason, startLab, type TestLab } from '../helpers/lab.js';

// Issue 11 §1, the CoreOS post's way: env files and systemd units (install-weave,
// weave-create-bridge with address, breakout route and multicast route, weave with the password and
// the initial peer count), wanted by weave-network.target.
const INVENTORY = join(REPO, 'inventories/systemd-units.yml');
const PLAYBOOK = join(REPO, 'playbooks/deploy-weave-net.yml');
const HOSTS = { lb: 1, 'mesos-master-1': 2, 'mesos-agent-1': 3, 'mesos-agent-2': 4 } as const;
const PASSWORD = 'example-weave-password';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('systemd units and env files (the CoreOS way) on booted hosts', { skip: bootedSkipReason() }, () => {
  let lab: TestLab;
  const provision = (args: string[] = []) => runCli(['lab', 'run', '--lab', lab.dir, '--lab-key', '--', 'provision', '-i', INVENTORY, ...args, PLAYBOOK]);
  const ok = async (host: string, script: string): Promise<string> => {
    const r = await lab.exec(host, ['sh', '-c', script]);
    assert.equal(r.code, 0, `${host}: ${script}\n${r.stderr}${r.stdout}`);
    return r.stdout;
  };

  before(async () => {
    lab = await startLab(INVENTORY, 'sysunits', { kind: 'booted' });
  }, { timeout: 120_000 });
  after(async () => {
    await lab?.down();
  });

  test('cold run, second run changed=0; the password is in no output, also with a new one under --diff', { timeout: 240_000 }, async () => {
    const first = await provision();
    assert.equal(first.code, 0, first.stdout + first.stderr);
    const second = await provision();
    for (const h of Object.keys(HOSTS)) assert.equal(recap(second.stdout, h)['changed'], 0, `${h}: ${second.stdout}`);
    const diff = await provision(['-e', 'weave_password=another-secret', '--check', '--diff']);
    assert.equal(diff.code, 0, diff.stdout + diff.stderr);
    for (const r of [first, second, diff]) assert.doesNotMatch(r.stdout + r.stderr, new RegExp(`${PASSWORD}|another-secret`));
  });

  test('env files, units, bridge address, breakout and multicast routes; encrypted connections to the first host', { timeout: 120_000 }, async () => {
    for (const [h, i] of Object.entries(HOSTS)) {
      assert.equal(await ok(h, 'systemctl is-active weave-network.target install-weave weave-create-bridge weave'), 'active\nactive\nactive\nactive\n');
      assert.equal(await ok(h, 'stat -c %a /etc/weave.env; grep -c "^WEAVE_PASSWORD=" /etc/weave.env'), '600\n1\n');
      const env = await ok(h, `cat /etc/weave.${h}.env`);
      assert.match(env, new RegExp(`^WEAVE_PEERS="${i === 1 ? '--init-peer-count=4' : '10\\.0\\.15\\.11'}"$`, 'm'));
      assert.match(env, new RegExp(`^WEAVE_BRIDGE_ADDRESS="10\\.1\\.0\\.${i}/16"$`, 'm'));
      assert.match(await ok(h, 'ip -4 -o addr show dev weave'), new RegExp(`inet 10\\.1\\.0\\.${i}/16 `));
      assert.match(await ok(h, 'ip route show dev weave'), /^224\.0\.0\.0\/4 scope link/m);
      const status = await ok(h, 'weave status');
      assert.match(status, /^ {5}Encryption: enabled$/m);
      assert.match(status, /^ {10}Range: 10\.2\.0\.0\/16$/m);
      assert.doesNotMatch(await ok(h, "cat /proc/*/cmdline 2>/dev/null | tr '\\0' ' '; docker inspect weave"), new RegExp(PASSWORD));
    }
    let conns = '';
    for (const deadline = Date.now() + 30_000; Date.now() < deadline && !/(<- [^\n]*established encrypted[^\n]*\n){3}/.test(conns); await sleep(500)) conns = await ok('lb', 'weave status connections');
    assert.match(conns, /(<- [^\n]*established encrypted[^\n]*\n){3}/);
    // Host to host over the weave bridge network (10.1.0.0/16): lb reaches every other host.
    const ping = await ok('lb', 'docker run --rm --net=host busybox:lab ping -c1 -W2 10.1.0.4');
    assert.match(ping, /1 packets received/);
  });
});
