import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { weaveStandinSha256 } from '../../src/lab/weave-standin.js';
import { recap, REPO, runCli } from '../helpers/cli.js';
import { bootedSkipReason, startLab, type TestLab } from '../helpers/lab.js';

// Issue 11 §1, bridge mode (sttts's blog and role): playbooks/deploy-weave-net.yml with
// inventories/bridge-mode.yml on the booted playground, from the controller, as a user runs it.
const INVENTORY = join(REPO, 'inventories/bridge-mode.yml');
const PLAYBOOK = join(REPO, 'playbooks/deploy-weave-net.yml');
// Inventory order gives the weave IP plan's indexes: lb 1, mesos-master-1 2, agents 3 and 4.
const WEAVE_HOSTS = { lb: ['10.0.15.11', 1], 'mesos-master-1': ['10.0.15.101', 2], 'mesos-agent-1': ['10.0.15.201', 3], 'mesos-agent-2': ['10.0.15.202', 4] } as const;
type WeaveHost = keyof typeof WEAVE_HOSTS;
const NAMES = Object.keys(WEAVE_HOSTS) as WeaveHost[];
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('bridge mode: deploy-weave-net.yml on the booted playground', { skip: bootedSkipReason() }, () => {
  let lab: TestLab;
  const provision = (args: string[] = []) => runCli(['lab', 'run', '--lab', lab.dir, '--lab-key', '--', 'provision', '-i', INVENTORY, ...args, PLAYBOOK]);
  const ok = async (host: string, script: string): Promise<string> => {
    const r = await lab.exec(host, ['sh', '-c', script]);
    assert.equal(r.code, 0, `${host}: ${script}\n${r.stderr}${r.stdout}`);
    return r.stdout;
  };
  /** A busybox container on `from` pings one on `to`, over the weave bridge. */
  const containersPing = async (from: WeaveHost, to: WeaveHost): Promise<void> => {
    await ok(to, 'docker rm -f target >/dev/null 2>&1; docker run -d --name target busybox:lab sleep 600 >/dev/null');
    const address = (await ok(to, "docker inspect -f '{{.NetworkSettings.IPAddress}}' target")).trim();
    assert.match(address, new RegExp(`^10\\.2\\.${WEAVE_HOSTS[to][1]}\\.\\d+$`), `${to}'s container is not in its subnet`);
    let out = '';
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(500)) {
      const r = await lab.exec(from, ['docker', 'run', '--rm', 'busybox:lab', 'ping', '-c', '2', '-W', '2', address]);
      out = r.stdout;
      if (r.code === 0) break;
    }
    assert.match(out, /2 packets transmitted, 2 packets received/, `${from} → ${to} (${address})`);
  };

  /** What the overlay may change on a host, to compare before it and after weave_state=absent. */
  const SNAPSHOT = [
    'sha256sum /etc/network/interfaces /etc/default/docker 2>&1',
    'ls -A /etc/network/interfaces.d /usr/local/bin /var/lib | tr "\\n" " "; echo',
    'ip -o link show | cut -d: -f2 | sort | tr "\\n" " "; echo',
    'docker ps -a --format "{{.Names}}"',
    "docker network inspect bridge -f '{{(index .IPAM.Config 0).Subnet}}'",
  ].join('; ');
  const snapshots = new Map<string, string>();

  before(async () => {
    lab = await startLab(INVENTORY, 'bridge', { kind: 'booted' });
    for (const h of NAMES) snapshots.set(h, await ok(h, SNAPSHOT));
  }, { timeout: 120_000 });
  after(async () => {
    await lab?.down();
  });

  test('the inventory pins the stand-in by its checksum', () => {
    assert.match(readFileSync(INVENTORY, 'utf8'), new RegExp(`weave_script_checksum: sha256:${weaveStandinSha256()}\\n`));
  });

  test('--check shows the IP plan and changes nothing', { timeout: 120_000 }, async () => {
    const r = await provision(['--check']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^weave IP plan: bridge mode, network 10\.2\.0\.0\/16, bridge addresses from 10\.2\.0\.0\/24\n/);
    assert.match(r.stdout, /^ {2}mesos-agent-2 +4 +10\.2\.0\.4\/16 +10\.2\.4\.0\/24 +computed/m);
    for (const h of NAMES) assert.equal((await lab.exec(h, ['test', '-e', '/usr/local/bin/weave'])).code, 1, `${h}: check mode installed weave`);
  });

  test('a cold run builds the overlay; a second run is changed=0', { timeout: 240_000 }, async () => {
    const started = Date.now();
    const first = await provision();
    const cold = Date.now() - started;
    assert.equal(first.code, 0, first.stdout + first.stderr);
    for (const h of NAMES) assert.ok((recap(first.stdout, h)['changed'] ?? 0) >= 5, `${h}: ${JSON.stringify(recap(first.stdout, h))}`);
    const again = Date.now();
    const second = await provision();
    const warm = Date.now() - again;
    assert.equal(second.code, 0, second.stdout + second.stderr);
    for (const h of NAMES) assert.equal(recap(second.stdout, h)['changed'], 0, `${h}: ${second.stdout}`);
    console.log(`# deploy-weave-net.yml on 4 booted hosts: cold ${(cold / 1000).toFixed(1)} s, second run ${(warm / 1000).toFixed(1)} s`);
  });

  test('files, Docker options and weave status on every host', { timeout: 120_000 }, async () => {
    for (const [h, [, i]] of Object.entries(WEAVE_HOSTS)) {
      const stanza = await ok(h, 'cat /etc/network/interfaces.d/weave');
      assert.match(stanza, /^auto weave\niface weave inet manual\n {8}pre-up \/usr\/local\/bin\/weave create-bridge\n {8}post-up ip addr add dev weave 10\.2\.0\.(\d+)\/16\n/m);
      assert.equal(/weave 10\.2\.0\.(\d+)\/16/.exec(stanza)?.[1], String(i));
      assert.match(await ok(h, 'cat /etc/network/interfaces'), /^source-directory \/etc\/network\/interfaces\.d$/m);
      assert.match(await ok(h, 'cat /etc/default/docker'), new RegExp(`^DOCKER_OPTS="--bridge=weave --fixed-cidr=10\\.2\\.${i}\\.0/24"$`, 'm'));
      assert.match(await ok(h, 'ip -4 -o addr show dev weave'), new RegExp(`inet 10\\.2\\.0\\.${i}/16 `));
      const others = Object.entries(WEAVE_HOSTS).filter(([n]) => n !== h).map(([, [a]]) => a);
      assert.deepEqual((await ok(h, 'weave status targets')).trim().split('\n').sort(), [...others].sort());
      let conns = '';
      for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(500)) {
        conns = await ok(h, 'weave status connections');
        if (others.every((a) => conns.includes(`-> ${a}:6783`) && new RegExp(`-> ${a.replace(/\./g, '\\.')}:6783 +established`).test(conns))) break;
      }
      for (const a of others) assert.match(conns, new RegExp(`^-> ${a.replace(/\./g, '\\.')}:6783 +established fastdp `, 'm'), `${h}: ${conns}`);
    }
  });

  test('a container on mesos-agent-1 pings one on mesos-agent-2 over the weave bridge', { timeout: 120_000 }, async () => {
    await containersPing('mesos-agent-1', 'mesos-agent-2');
    await containersPing('mesos-agent-2', 'lb');
  });

  test('after ifdown weave; ifup weave, and after a reboot, the network comes back', { timeout: 240_000 }, async () => {
    await ok('mesos-agent-1', 'ifdown weave; ip link show weave >/dev/null 2>&1 && exit 1; ifup weave 2>/dev/null');
    await containersPing('mesos-agent-1', 'mesos-agent-2');
    await lab.exec('mesos-agent-2', ['systemctl', 'reboot']);
    let status = '';
    for (const deadline = Date.now() + 90_000; Date.now() < deadline; await sleep(1000)) {
      status = (await lab.status()).stdout;
      const up = /^mesos-agent-2\s+\S+\s+up$/m.test(status) && (await lab.exec('mesos-agent-2', ['docker', 'inspect', '-f', '{{.State.Running}}', 'weave'])).stdout.trim() === 'true';
      if (up) break;
    }
    assert.match(status, /^mesos-agent-2\s+\S+\s+up$/m);
    await containersPing('mesos-agent-1', 'mesos-agent-2');
    const third = await provision();
    for (const h of NAMES) assert.equal(recap(third.stdout, h)['changed'], 0, `${h} after the reboot: ${third.stdout}`);
  });

  test('weave_state=absent leaves the hosts as before (files restored, bridge and router gone); again changed=0', { timeout: 240_000 }, async () => {
    for (const h of NAMES) await ok(h, 'docker rm -f target >/dev/null 2>&1; true');
    const absent = await provision(['-e', 'weave_state=absent']);
    assert.equal(absent.code, 0, absent.stdout + absent.stderr);
    for (const h of NAMES) assert.equal(await ok(h, SNAPSHOT), snapshots.get(h), `${h} is not as before`);
    const again = await provision(['-e', 'weave_state=absent']);
    for (const h of NAMES) assert.equal(recap(again.stdout, h)['changed'], 0, `${h}: ${again.stdout}`);
  });
});
