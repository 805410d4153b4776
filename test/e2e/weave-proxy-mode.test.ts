import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { recap, REPO, runCli } from '../helpers/cli.js';
import { bootedSkipReason, startLab, type TestLab } from '../helpers/lab.js';

// Issue 11 §1, proxy mode (the playground's deploy-weave-net.yml): weave-net as a systemd unit
// launched with mesos-master-1 as the only peer; the agents' Mesos Docker socket is weave's proxy.
// The stand-in has no gossip: agents reach the master, not each other (docs/weave-standin.md).
const INVENTORY = join(REPO, 'inventories/proxy-mode.yml');
const WEAVE_HOSTS = ['lb', 'mesos-master-1', 'mesos-agent-1', 'mesos-agent-2'] as const;
const AGENTS = ['mesos-agent-1', 'mesos-agent-2'] as const;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('proxy mode: the playground way on booted hosts', { skip: bootedSkipReason() }, () => {
  let lab: TestLab;
  const provision = (playbook: string) => runCli(['lab', 'run', '--lab', lab.dir, '--lab-key', '--', 'provision', '-i', INVENTORY, join(REPO, 'playbooks', playbook)]);
  const ok = async (host: string, script: string): Promise<string> => {
    const r = await lab.exec(host, ['sh', '-c', script]);
    assert.equal(r.code, 0, `${host}: ${script}\n${r.stderr}${r.stdout}`);
    return r.stdout;
  };
  const waitFor = async (host: string, script: string, pattern: RegExp): Promise<string> => {
    let out = '';
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(500)) {
      out = (await lab.exec(host, ['sh', '-c', script])).stdout;
      if (pattern.test(out)) return out;
    }
    assert.fail(`${host}: ${script} never matched ${pattern}: ${out}`);
  };

  before(async () => {
    lab = await startLab(INVENTORY, 'proxy', { kind: 'booted' });
  }, { timeout: 120_000 });
  after(async () => {
    await lab?.down();
  });

  test('hosts file, then deploy-weave-net.yml; the second run is changed=0', { timeout: 240_000 }, async () => {
    // Peers are names: the hosts file from facts comes first, as in the playground's README.
    const hosts = await provision('provision-hosts-file.yml');
    assert.equal(hosts.code, 0, hosts.stdout + hosts.stderr);
    const first = await provision('deploy-weave-net.yml');
    assert.equal(first.code, 0, first.stdout + first.stderr);
    const second = await provision('deploy-weave-net.yml');
    assert.equal(second.code, 0, second.stdout + second.stderr);
    for (const h of WEAVE_HOSTS) assert.equal(recap(second.stdout, h)['changed'], 0, `${h}: ${second.stdout}`);
  });

  test('weave-net runs on every host with mesos-master-1 as its one peer; the master sees them all', { timeout: 120_000 }, async () => {
    for (const h of WEAVE_HOSTS) {
      assert.equal(await ok(h, 'systemctl is-active weave-net; systemctl is-enabled weave-net'), 'active\nenabled\n');
      assert.equal(await ok(h, 'weave status targets'), 'mesos-master-1\n');
    }
    for (const h of ['lb', ...AGENTS]) await waitFor(h, 'weave status connections', /^-> 10\.0\.15\.101:6783 +established fastdp .*\(mesos-master-1\)/m);
    const master = await waitFor('mesos-master-1', 'weave status connections', /(^<- .* established [^\n]*\n?){3}/m);
    for (const a of ['10.0.15.11', '10.0.15.201', '10.0.15.202']) assert.match(master, new RegExp(`^<- ${a.replace(/\./g, '\\.')}:6783 +established`, 'm'));
  });

  test("agents point Mesos at weave's proxy, which reaches Docker; weave env prints it", { timeout: 60_000 }, async () => {
    for (const h of AGENTS) {
      assert.equal(await ok(h, 'cat /etc/mesos-slave/docker_socket; stat -c %a /etc/mesos-slave/docker_socket'), '/var/run/weave/weave.sock\n755\n');
      assert.equal(await ok(h, 'weave env'), 'export DOCKER_HOST=unix:///var/run/weave/weave.sock ORIG_DOCKER_HOST=\n');
      assert.match(await ok(h, 'eval $(weave env) && docker ps --format "{{.Names}}"'), /^weave$/m);
    }
    for (const h of ['lb', 'mesos-master-1']) assert.equal((await lab.exec(h, ['test', '-e', '/etc/mesos-slave/docker_socket'])).code, 1, h);
  });

  test('after a reboot weave-net starts again and reconnects', { timeout: 180_000 }, async () => {
    await lab.exec('mesos-agent-2', ['systemctl', 'reboot']);
    await sleep(3000);
    for (const deadline = Date.now() + 90_000; Date.now() < deadline; await sleep(1000)) {
      if (/^mesos-agent-2\s+\S+\s+up$/m.test((await lab.status()).stdout)) break;
    }
    await waitFor('mesos-agent-2', 'systemctl is-active weave-net; weave status connections', /^active\n-> 10\.0\.15\.101:6783 +established/);
  });
});
