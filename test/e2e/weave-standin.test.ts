import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { weaveStandinSha256 } from '../../src/lab/weave-standin.js';
import { REPO } from '../helpers/cli.js';
import { bootedSkipReason, importBusybox, labFilesUrl, startLab, type TestLab } from '../helpers/lab.js';

// The lab's stand-in `weave` (test/fixtures/weave-standin/weave) on three booted hosts: the 1.x
// contract the seeds use, and real effects — one VXLAN device, one flood entry per peer,
// containers on two hosts ping each other over the weave bridge.

const INVENTORY = join(REPO, 'test/fixtures/weave-standin/lab.yml');
const HOSTS = { 'weave-1': '10.0.15.21', 'weave-2': '10.0.15.22', 'weave-3': '10.0.15.23' } as const;
type Host = keyof typeof HOSTS;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('the stand-in weave command on booted lab hosts', { skip: bootedSkipReason() }, () => {
  let lab: TestLab;
  const sh = async (host: Host, script: string): Promise<{ code: number; stdout: string; stderr: string }> => lab.exec(host, ['sh', '-c', script]);
  const ok = async (host: Host, script: string): Promise<string> => {
    const r = await sh(host, script);
    assert.equal(r.code, 0, `${host}: ${script}\n${r.stderr}${r.stdout}`);
    return r.stdout;
  };
  /** Over SSH from the controller, as a playbook runs it: the router must outlive the session. */
  const overSsh = async (host: Host, command: string): Promise<{ code: number; stdout: string; stderr: string }> =>
    lab.run([
      'ssh', '-i', join(lab.dir, 'ssh/id_ed25519'), '-o', `UserKnownHostsFile=${join(lab.dir, 'ssh/known_hosts')}`,
      '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=5', `vagrant@${HOSTS[host]}`, command,
    ]);
  /** Polls `weave status connections` until every given peer is established (the routers say hello every 2 s). */
  const waitEstablished = async (host: Host, peers: readonly string[]): Promise<string> => {
    let out = '';
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
      out = await ok(host, 'weave status connections');
      if (peers.every((p) => new RegExp(`^-> ${p.replace(/\./g, '\\.')}:6783 +established fastdp `, 'm').test(out))) return out;
      await sleep(250);
    }
    assert.fail(`${host}: connections not established: ${out}`);
  };
  const floodEntries = async (host: Host): Promise<string[]> =>
    (await ok(host, 'bridge fdb show dev vxlan-6784')).split('\n').flatMap((l) => /^00:00:00:00:00:00 dst (\S+) /.exec(l)?.[1] ?? []).sort();

  before(async () => {
    lab = await startLab(INVENTORY, 'weave', { kind: 'booted' });
    const url = `${labFilesUrl(lab)}weave/v1.9.8/weave`;
    await Promise.all(
      (Object.keys(HOSTS) as Host[]).map(async (h) => {
        // Fetched and verified as get_url does it: download, check the sha256, install.
        await ok(h, `curl -fsS ${url} -o /tmp/weave && echo "${weaveStandinSha256()}  /tmp/weave" | sha256sum -c --quiet && install -m 755 /tmp/weave /usr/local/bin/weave`);
        await importBusybox(lab, h, 'busybox:lab');
      }),
    );
  }, { timeout: 120_000 });
  after(async () => {
    await lab?.down();
  });

  test('the lab serves the stand-in with its checksum file', { timeout: 20_000 }, async () => {
    const sum = await ok('weave-1', `curl -fsS ${labFilesUrl(lab)}weave/v1.9.8/weave.sha256`);
    assert.equal(sum, `${weaveStandinSha256()}  weave\n`);
    assert.match(await ok('weave-1', 'weave version'), /^weave script 1\.9\.8 \(provision lab stand-in\)$/m);
  });

  test('without a router: status exits 1 with weave\'s message, connect exits 7', { timeout: 20_000 }, async () => {
    const status = await sh('weave-1', 'weave status');
    assert.equal(status.code, 1);
    assert.equal(status.stdout, '\n');
    assert.equal(status.stderr, 'weave container is not present. Have you launched it?\n');
    const connect = await sh('weave-1', 'weave connect 10.0.15.22');
    assert.equal(connect.code, 7);
    const bad = await sh('weave-1', 'weave frobnicate');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^Unknown weave command 'frobnicate'/);
  });

  test('the default range overlapping a host route is refused; a given one only warned about', { timeout: 120_000 }, async () => {
    await ok('weave-3', 'ip route add 10.40.0.0/16 dev eth1');
    try {
      const refused = await sh('weave-3', 'weave launch');
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /^ERROR: Default --ipalloc-range 10\.32\.0\.0\/12 overlaps with existing route on host\.\nYou must pick another range and set it on all hosts\.$/m);
      assert.equal((await sh('weave-3', 'docker inspect weave')).code, 1, 'a router was started');
      const warned = await sh('weave-3', 'weave launch --ipalloc-range 10.40.0.0/16 --no-restart');
      assert.equal(warned.code, 0, warned.stderr);
      assert.match(warned.stderr, /WARNING: Specified --ipalloc-range 10\.40\.0\.0\/16 overlaps with existing route on host\./);
      assert.match(await ok('weave-3', 'weave status'), /^ {10}Range: 10\.40\.0\.0\/16$/m);
    } finally {
      await sh('weave-3', 'weave reset; ip route del 10.40.0.0/16 dev eth1');
    }
    assert.equal((await sh('weave-3', 'ip link show weave')).code, 1, 'reset left the bridge');
  });

  test('create-bridge + launch over SSH on three hosts: one VXLAN device, one flood entry per peer, status as 1.9 prints it', { timeout: 180_000 }, async () => {
    const all = Object.values(HOSTS).join(' ');
    await Promise.all(
      (Object.keys(HOSTS) as Host[]).map(async (h, i) => {
        const r = await overSsh(h, `sudo weave create-bridge && sudo ip addr add 10.2.0.${i + 1}/16 dev weave && sudo weave launch --init-peer-count 3 ${all}`);
        assert.equal(r.code, 0, `${h}: ${r.stderr}`);
        assert.match(r.stderr, /WARNING: 'weave create-bridge' is deprecated/);
      }),
    );
    const others = (h: Host): string[] => Object.entries(HOSTS).filter(([n]) => n !== h).map(([, a]) => a);
    for (const h of Object.keys(HOSTS) as Host[]) {
      const conns = await waitEstablished(h, others(h));
      assert.match(conns, new RegExp(`^-> ${HOSTS[h].replace(/\./g, '\\.')}:6783 +failed +cannot connect to ourself, retry: never`, 'm'));
      assert.deepEqual(await floodEntries(h), others(h));
      const links = await ok(h, 'ip -d -o link show type vxlan');
      assert.equal(links.trim().split('\n').length, 1, `one VXLAN device: ${links}`);
      assert.match(links, /vxlan-6784: .* master weave .*vxlan id 6784 .*dstport 6784/);
    }
    assert.equal(await ok('weave-1', 'weave status targets'), `${all.replace(/ /g, '\n')}\n`);
    const status = await ok('weave-1', 'weave status');
    const name = /^ {11}Name: ([0-9a-f:]{17})\(weave-1\)$/m.exec(status)?.[1];
    assert.ok(name, status);
    assert.equal(
      status,
      [
        '',
        '        Version: 1.9.8 (version check update disabled)',
        '',
        '        Service: router',
        '       Protocol: weave 1..2',
        `           Name: ${name}(weave-1)`,
        '     Encryption: disabled',
        '  PeerDiscovery: enabled',
        '        Targets: 3',
        '    Connections: 3 (2 established, 1 failed)',
        '          Peers: 3 (with 4 established connections)',
        ' TrustedSubnets: none',
        '',
        '        Service: ipam',
        '         Status: awaiting consensus (quorum: 2, known: 3)',
        '          Range: 10.32.0.0/12',
        '  DefaultSubnet: 10.32.0.0/12',
        '',
        '        Service: proxy',
        '        Address: unix:///var/run/weave/weave.sock',
        '',
        '',
      ].join('\n'),
    );
    const peers = (await ok('weave-1', 'weave status peers')).split('\n');
    assert.equal(peers[0], `${name}(weave-1)`);
    assert.match(peers[1] ?? '', /^ {3}-> 10\.0\.15\.22:6783 {7}[0-9a-f:]{17}\(weave-2\) +established$/);
    assert.match(peers[2] ?? '', /^ {3}-> 10\.0\.15\.23:6783 {7}[0-9a-f:]{17}\(weave-3\) +established$/);
    // The router is a detached container that outlived the SSH session; the proxy socket reaches docker.
    assert.equal((await ok('weave-2', "docker inspect -f '{{.State.Running}} {{.HostConfig.RestartPolicy.Name}}' weave")).trim(), 'true always');
    assert.equal(await ok('weave-2', 'weave env'), 'export DOCKER_HOST=unix:///var/run/weave/weave.sock ORIG_DOCKER_HOST=\n');
    assert.match(await ok('weave-2', 'DOCKER_HOST=unix:///var/run/weave/weave.sock docker ps --format "{{.Names}}"'), /^weave$/m);
    const again = await sh('weave-2', 'weave launch');
    assert.equal(again.code, 1);
    assert.equal(again.stderr, "weave is already running; you can stop it with 'weave stop-router'.\n");
  });

  test('busybox containers on two hosts ping each other over the weave bridge', { timeout: 90_000 }, async () => {
    // Docker's bridge network on the existing weave bridge, each host's containers in its own /24.
    for (const [h, i] of [['weave-1', 1], ['weave-2', 2]] as const) {
      await ok(h, `docker network create -d bridge -o com.docker.network.bridge.name=weave --subnet 10.2.0.0/16 --ip-range 10.2.${i}.0/24 --gateway 10.2.0.${i} weavenet >/dev/null && docker run -d --name pinger --net weavenet busybox:lab sleep 600 >/dev/null`);
    }
    const ip2 = (await ok('weave-2', "docker inspect -f '{{.NetworkSettings.Networks.weavenet.IPAddress}}' pinger")).trim();
    assert.match(ip2, /^10\.2\.2\.\d+$/);
    const ping = await ok('weave-1', `docker exec pinger ping -c 3 -W 2 ${ip2}`);
    assert.match(ping, /3 packets transmitted, 3 packets received, 0% packet loss/);
    const back = await ok('weave-2', 'docker exec pinger ping -c 1 -W 2 10.2.0.1');
    assert.match(back, /1 packets received/);
  });

  test('forget removes the target and, once both sides forgot, the flood entry', { timeout: 180_000 }, async () => {
    await ok('weave-1', 'weave forget 10.0.15.22');
    assert.equal(await ok('weave-1', 'weave status targets'), '10.0.15.21\n10.0.15.23\n');
    // weave-2 still connects to weave-1 (real weave keeps that connection too): inbound now.
    assert.match(await ok('weave-1', 'weave status connections'), /^<- 10\.0\.15\.22:6783 +established /m);
    await ok('weave-2', 'weave forget 10.0.15.21');
    for (const [h, gone] of [['weave-1', '10.0.15.22'], ['weave-2', '10.0.15.21']] as const) {
      let entries: string[] = [];
      for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
        entries = await floodEntries(h);
        if (!entries.includes(gone)) break;
        await sleep(250);
      }
      assert.ok(!entries.includes(gone), `${h} still floods to ${gone}: ${entries.join(' ')}`);
      assert.ok(entries.includes('10.0.15.23'), `${h} lost weave-3: ${entries.join(' ')}`);
    }
    const ping = await sh('weave-1', `docker exec pinger ping -c 1 -W 1 10.2.0.2`);
    assert.notEqual(ping.code, 0, 'weave-1 still reaches weave-2 after both forgot');
    await ok('weave-1', 'weave connect 10.0.15.22');
    await waitEstablished('weave-1', ['10.0.15.22']);
    assert.deepEqual(await floodEntries('weave-1'), ['10.0.15.22', '10.0.15.23']);
  });

  test('stop ends the router and its VXLAN device, keeps the bridge; reset undoes everything', { timeout: 180_000 }, async () => {
    await ok('weave-3', 'weave stop');
    assert.equal((await ok('weave-3', "docker inspect -f '{{.State.Running}}' weave")).trim(), 'false');
    assert.equal((await sh('weave-3', 'ip link show vxlan-6784')).code, 1);
    assert.equal((await sh('weave-3', 'ip link show weave')).code, 0);
    const status = await sh('weave-3', 'weave status');
    assert.equal(status.code, 1);
    assert.equal(status.stderr, 'weave container is not running.\n');
    // weave-1 forgets weave-3's inbound side once its hellos stop.
    const reset = await sh('weave-3', 'weave reset');
    assert.equal(reset.code, 1);
    assert.match(reset.stderr, /^ERROR: weave is not running; unable to remove from cluster\./);
    await ok('weave-3', 'weave reset --force');
    for (const h of ['weave-1', 'weave-2'] as const) {
      const out = await ok(h, 'docker rm -f pinger >/dev/null; docker network rm weavenet >/dev/null; weave reset && ip -o link show type bridge; ip -o link show type vxlan; ls /var/lib/weave-standin /var/run/weave/weave.sock 2>&1; iptables -S FORWARD | grep -c weave || true; docker ps -aq --filter name=^weave$');
      assert.doesNotMatch(out, /weave:|vxlan-6784/, `${h}: ${out}`);
      assert.match(out, /No such file or directory[\s\S]*No such file or directory\n0\n$/, `${h}: ${out}`);
    }
  });
});
