import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { recap, REPO, runCli } from '../helpers/cli.js';
import { bootedSkipReason, startLab, type TestLab } from '../helpers/lab.js';

// Issue 11 §1, ways 3 and 4 on one booted lab of three hosts (10.0.15.201–203):
// the neighbours way (jmspring/weave-on-mesos, inventories/neighbours.yml, hosts c1agent<n>), then
// the hesco way (hesco/hesco-weave, inventories/hesco.yml: the same addresses under other names).
const NEIGHBOURS = join(REPO, 'inventories/neighbours.yml');
const HESCO = join(REPO, 'inventories/hesco.yml');
const PLAYBOOK = join(REPO, 'playbooks/deploy-weave-net.yml');
const HOSTS = { c1agent1: '10.0.15.201', c1agent2: '10.0.15.202', c1agent3: '10.0.15.203' } as const;
type Host = keyof typeof HOSTS;
const NAMES = Object.keys(HOSTS) as Host[];
const HESCO_NAME: Record<Host, string> = { c1agent1: 'docker1', c1agent2: 'docker2', c1agent3: 'docker3' };
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('the neighbours and hesco ways on booted hosts', { skip: bootedSkipReason() }, () => {
  let lab: TestLab;
  const provision = (inventory: string, args: string[] = []) =>
    runCli(['lab', 'run', '--lab', lab.dir, '--lab-key', '--', 'provision', '-i', inventory, ...args, PLAYBOOK]);
  const ok = async (host: string, script: string): Promise<string> => {
    const r = await lab.exec(host, ['sh', '-c', script]);
    assert.equal(r.code, 0, `${host}: ${script}\n${r.stderr}${r.stdout}`);
    return r.stdout;
  };
  const bootIds = async (): Promise<string[]> => Promise.all(NAMES.map((h) => ok(h, 'cat /proc/sys/kernel/random/boot_id')));
  const established = async (h: Host, peers: string[]): Promise<void> => {
    let conns = '';
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(500)) {
      conns = await ok(h, 'weave status connections');
      if (peers.every((a) => new RegExp(`^-> ${a.replace(/\./g, '\\.')}:6783 +established`, 'm').test(conns))) return;
    }
    assert.fail(`${h}: not established with ${peers.join(' ')}:\n${conns}`);
  };

  before(async () => {
    lab = await startLab(NEIGHBOURS, 'nbrs', { kind: 'booted' });
  }, { timeout: 120_000 });
  after(async () => {
    await lab?.down();
  });

  test('neighbours: configure, reboot, launch; each host connects to n-1 and n+1 only; again changed=0 without a reboot', { timeout: 300_000 }, async () => {
    const boots = await bootIds();
    const started = Date.now();
    const first = await provision(NEIGHBOURS);
    const cold = Date.now() - started;
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.match(first.stdout, /TASK \[weave : reboot, so that the agent picks the configuration up/);
    const rebooted = await bootIds();
    for (const [i, h] of NAMES.entries()) assert.notEqual(rebooted[i], boots[i], `${h} did not reboot`);
    const targets = { c1agent1: ['10.0.15.202'], c1agent2: ['10.0.15.201', '10.0.15.203'], c1agent3: ['10.0.15.202'] };
    for (const h of NAMES) {
      assert.match(await ok(h, 'cat /etc/default/mesos-slave'), /^MESOS_DOCKER_SOCKET=\/var\/run\/weave\/weave\.sock$/m);
      assert.deepEqual((await ok(h, 'weave status targets')).trim().split('\n').sort(), targets[h], h);
      assert.match(await ok(h, 'docker inspect -f "{{.Args}}" weave; weave status'), /10\.32\.0\.0\/12/, `${h}: not launched with the range`);
      await established(h, targets[h]);
    }
    const again = Date.now();
    const second = await provision(NEIGHBOURS);
    const warm = Date.now() - again;
    assert.equal(second.code, 0, second.stdout + second.stderr);
    for (const h of NAMES) assert.equal(recap(second.stdout, h)['changed'], 0, `${h}: ${second.stdout}`);
    assert.deepEqual(await bootIds(), rebooted, 'the second run rebooted');
    console.log(`# neighbours way on 3 booted hosts: cold (with the reboot) ${(cold / 1000).toFixed(1)} s, second run ${(warm / 1000).toFixed(1)} s`);
  });

  test('hesco: packages, pinned script, firewall per peer; peers as a string or a list give the same; absent takes it away', { timeout: 300_000 }, async () => {
    const started = Date.now();
    const first = await provision(HESCO);
    const cold = Date.now() - started;
    assert.equal(first.code, 0, first.stdout + first.stderr);
    for (const h of NAMES) {
      assert.match(await ok(h, 'dpkg-query -W -f "\\${Package} \\${Status}\\n" ethtool conntrack'), /^conntrack install ok installed\nethtool install ok installed\n$/);
      const rules = (await ok(h, 'iptables -S INPUT')).split('\n').filter((l) => l.includes('provision weave'));
      assert.equal(rules.length, 6, `${h}: ${rules.join('\n')}`);
      for (const a of Object.values(HOSTS)) {
        assert.ok(rules.some((r) => r.includes(`-s ${a}/32 -p tcp`) && r.includes('--dport 6783')), `${h}: no tcp rule for ${a}`);
        assert.ok(rules.some((r) => r.includes(`-s ${a}/32 -p udp`) && r.includes('--dports 6783,6784')), `${h}: no udp rule for ${a}`);
      }
      const others = Object.values(HOSTS).filter((a) => a !== HOSTS[h]);
      assert.deepEqual((await ok(h, 'weave status targets')).trim().split('\n').sort(), others, h);
      await established(h, others);
    }
    const list = JSON.stringify({ weave_peers: Object.values(HOSTS) });
    const again = Date.now();
    const second = await provision(HESCO, ['-e', list]);
    const warm = Date.now() - again;
    assert.equal(second.code, 0, second.stdout + second.stderr);
    for (const h of NAMES) assert.equal(recap(second.stdout, HESCO_NAME[h])['changed'], 0, `${h}: ${second.stdout}`);

    const absent = await provision(HESCO, ['-e', 'weave_state=absent']);
    assert.equal(absent.code, 0, absent.stdout + absent.stderr);
    for (const h of NAMES) {
      assert.equal(await ok(h, 'docker ps -a --format "{{.Names}}" | grep -cx weave || true'), '0\n', `${h}: the router is still there`);
      assert.equal((await lab.exec(h, ['ip', 'link', 'show', 'weave'])).code !== 0, true, `${h}: the weave bridge is still there`);
      assert.equal(await ok(h, 'iptables -S INPUT | grep -c "provision weave" || true'), '0\n', `${h}: rules left`);
      assert.equal((await lab.exec(h, ['test', '-e', '/usr/local/bin/weave'])).code, 1, `${h}: the script is still there`);
      await ok(h, 'dpkg-query -W ethtool conntrack >/dev/null');
    }
    const absentAgain = await provision(HESCO, ['-e', 'weave_state=absent']);
    assert.equal(absentAgain.code, 0, absentAgain.stdout + absentAgain.stderr);
    for (const h of NAMES) assert.equal(recap(absentAgain.stdout, HESCO_NAME[h])['changed'], 0, `${h}: ${absentAgain.stdout}`);
    console.log(`# hesco way on 3 booted hosts: cold ${(cold / 1000).toFixed(1)} s, second run (peers as a list) ${(warm / 1000).toFixed(1)} s`);
  });
});
