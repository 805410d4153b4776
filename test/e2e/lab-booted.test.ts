import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_DEBS_DIR, debsIn } from '../../src/lab/apt-repository.js';
import { ALLOWED_UNITS } from '../../src/lab/booted-layer.js';
import { cgroup2Mounts } from '../../src/lab/cgroup.js';
import { labStatus } from '../../src/lab/lab.js';
import { machineEnabledUnits } from '../../src/lab/systemd-units.js';
import { BIN, REPO, runCli } from '../helpers/cli.js';
import { bootedSkipReason, importBusybox, labFilesUrl, startLab, type TestLab } from '../helpers/lab.js';

const PLAYGROUND = join(REPO, 'inventories/playground.yml');
const HOSTS: Record<string, string> = {
  mgmt: '10.0.15.10',
  lb: '10.0.15.11',
  'mesos-master-1': '10.0.15.101',
  'mesos-agent-1': '10.0.15.201',
  'mesos-agent-2': '10.0.15.202',
};

interface LabJson {
  plan: { id: string };
  supervisor?: { pid: number };
  pids: Record<string, number>;
}
const labJson = (dir: string): LabJson => JSON.parse(readFileSync(join(dir, 'lab.json'), 'utf8')) as LabJson;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A process that exists and is not a zombie. */
function isLive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) [ZX] /s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Every PID a booted lab recorded: supervisor, first-boot inits, and each host's last waiter and init. */
function recordedPids(dir: string): number[] {
  const state = labJson(dir);
  const runs = readdirSync(join(dir, 'hosts')).flatMap((h) => {
    const path = join(dir, 'hosts', h, 'run.json');
    if (!existsSync(path)) return [];
    const run = JSON.parse(readFileSync(path, 'utf8')) as { initPid?: number; waiterPid?: number };
    return [run.initPid, run.waiterPid];
  });
  return [state.supervisor?.pid, ...Object.values(state.pids), ...runs].filter((p): p is number => p !== undefined);
}

/** After `lab down`: nothing of the lab is left on the machine. */
function assertNothingLeft(dir: string, labId: string, pids: readonly number[]): void {
  assert.doesNotMatch(execFileSync('ip', ['netns', 'list']).toString(), new RegExp(`plab-${labId}-`), 'network namespaces left');
  for (const mount of cgroup2Mounts()) assert.equal(existsSync(join(mount, `plab-${labId}`)), false, `cgroup ${mount}/plab-${labId} left`);
  assert.doesNotMatch(readFileSync('/proc/mounts', 'utf8'), new RegExp(dir), 'mounts left');
  assert.equal(existsSync(dir), false, 'lab directory left');
  for (const pid of pids) assert.equal(isLive(pid), false, `process ${pid} of the lab outlived it`);
  const stray = readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(dir);
      } catch {
        return false;
      }
    });
  assert.deepEqual(stray, [], 'processes of the lab still running');
}

/** A Debian package made here with dpkg-deb: installs /usr/bin/<name>, which prints a greeting. */
function buildDeb(dir: string, name: string): string {
  const root = join(dir, name);
  mkdirSync(join(root, 'DEBIAN'), { recursive: true });
  mkdirSync(join(root, 'usr/bin'), { recursive: true });
  writeFileSync(
    join(root, 'DEBIAN/control'),
    `Package: ${name}\nVersion: 1.0\nArchitecture: all\nMaintainer: provision tests <tests@example.invalid>\nDescription: built by the booted lab test\n`,
  );
  writeFileSync(join(root, 'usr/bin', name), `#!/bin/sh\necho "hello from ${name} on $(hostname)"\n`);
  chmodSync(join(root, 'usr/bin', name), 0o755);
  const deb = join(dir, `${name}_1.0_all.deb`);
  execFileSync('dpkg-deb', ['--root-owner-group', '--build', root, deb], { stdio: 'ignore' });
  return deb;
}

describe('provision lab with booted hosts (the playground, systemd as PID 1)', { skip: bootedSkipReason() }, () => {
  let lab: TestLab;
  let labId: string;
  const work = mkdtempSync(join(tmpdir(), 'provision-booted-test-'));

  before(async () => {
    lab = await startLab(PLAYGROUND, 'booted', { kind: 'booted' });
    labId = labJson(lab.dir).plan.id;
  }, { timeout: 90_000 });
  // Runs even when a test fails, so the machine is never left with lab namespaces, cgroups or processes.
  after(async () => {
    await lab?.down();
    rmSync(work, { recursive: true, force: true });
  });

  const sshArgs = (): string[] => [
    '-i', join(lab.dir, 'ssh/id_ed25519'),
    '-o', `UserKnownHostsFile=${join(lab.dir, 'ssh/known_hosts')}`,
    '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=5',
  ];

  test('status lists every playground host as up', { timeout: 20_000 }, async () => {
    const status = await lab.status();
    assert.equal(status.code, 0, status.stderr);
    for (const [name, address] of Object.entries(HOSTS)) {
      assert.match(status.stdout, new RegExp(`^${name}\\s+${address.replace(/\./g, '\\.')}\\s+up$`, 'm'));
    }
  });

  test('systemd is PID 1 and the system is running (or degraded, with the failed units named)', { timeout: 30_000 }, async () => {
    for (const name of Object.keys(HOSTS)) {
      const r = await lab.exec(name, ['sh', '-c', 'cat /proc/1/comm; systemctl is-system-running; systemctl --failed --plain --no-legend']);
      const [comm, state, ...failed] = r.stdout.trim().split('\n');
      assert.equal(comm, 'systemd', name);
      assert.ok(state === 'running' || (state === 'degraded' && failed.length > 0), `${name}: ${state} ${failed.join('; ')}`);
    }
  });

  test('only the allowlist runs: ssh, docker, containerd, networking…; what the machine enabled is masked', { timeout: 20_000 }, async () => {
    const r = await lab.exec('lb', ['systemctl', 'list-units', '--type=service', '--state=running', '--plain', '--no-legend']);
    assert.equal(r.code, 0, r.stderr);
    const running = r.stdout.trim().split('\n').map((l) => l.split(' ')[0] ?? '');
    for (const unit of ['ssh.service', 'docker.service', 'containerd.service', 'systemd-journald.service', 'dbus.service', 'cron.service']) {
      assert.ok(running.includes(unit), `${unit} is not running: ${running.join(' ')}`);
    }
    const unexpected = running.filter((u) => !ALLOWED_UNITS.includes(u) && !/^(systemd-|user@|dbus)/.test(u));
    assert.deepEqual(unexpected, [], 'services outside the allowlist run');
    const networking = await lab.exec('lb', ['systemctl', 'is-active', 'networking.service']);
    assert.equal(networking.stdout.trim(), 'active');
    const others = machineEnabledUnits().filter((u) => !ALLOWED_UNITS.includes(u));
    if (others.length > 0) {
      const masked = await lab.exec('lb', ['systemctl', 'is-enabled', ...others]);
      assert.deepEqual(masked.stdout.trim().split('\n'), others.map(() => 'masked'), others.join(' '));
    }
  });

  test('own interfaces, cgroup namespace, /proc/sys read-only but net, and apt sources', { timeout: 20_000 }, async () => {
    const r = await lab.exec('mesos-master-1', [
      'sh',
      '-c',
      [
        'grep -E "^(auto|iface)" /etc/network/interfaces | tr "\\n" " "; echo',
        'ip -4 -o addr show dev eth1 | awk "{print \\$4}"',
        'grep ^0:: /proc/1/cgroup',
        'sysctl -w vm.swappiness=1 >/dev/null 2>&1 && echo vm-writable || echo vm-read-only',
        'sysctl -w net.ipv4.ip_forward=1 >/dev/null && echo net-writable',
        'grep -v "^#" /etc/apt/sources.list; ls /etc/apt/sources.list.d | wc -l',
      ].join('; '),
    ]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines[0]?.trim(), 'auto lo iface lo inet loopback auto eth1 iface eth1 inet static');
    assert.equal(lines[1], '10.0.15.101/24');
    assert.equal(lines[2], '0::/init.scope', 'systemd is not at the root of a cgroup namespace of its own');
    assert.equal(lines[3], 'vm-read-only');
    assert.equal(lines[4], 'net-writable');
    assert.equal(lines[5], 'deb [trusted=yes] http://10.0.15.10:8880/debian/ ./');
    assert.equal(lines[6], '0');
    assert.notEqual(readFileSync('/proc/sys/vm/swappiness', 'utf8').trim(), '1', 'a host changed the machine');
  });

  test('vagrant logs in over SSH with the lab key (host key verified) and sudo works', { timeout: 20_000 }, async () => {
    const r = await lab.run(['ssh', ...sshArgs(), 'vagrant@10.0.15.201', 'echo "$(hostname) $(id -un) $(sudo -n id -u) $(cat /proc/1/comm)"']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'mesos-agent-1 vagrant 0 systemd');
  });

  test("the controller host's home is its own and empty: no key, no known hosts", { timeout: 20_000 }, async () => {
    const r = await lab.run(['sh', '-c', 'hostname; ls -A ~; ls -A ~/.ssh | wc -l; env | grep -c "^PROVISION_PRIVATE_KEY_FILE=" || true']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n'), ['mgmt', '.ssh', '0', '0']);
    // And it is the lab's: nothing of it on the machine's own home.
    assert.equal(existsSync(join(lab.dir, 'controller/home/.ssh')), true);
  });

  test('docker runs the local busybox image', { timeout: 60_000 }, async () => {
    await importBusybox(lab, 'mesos-agent-1');
    const r = await lab.exec('mesos-agent-1', ['docker', 'run', '--rm', 'busybox:lab', 'sh', '-c', 'echo "hello from a container"; ping -c1 -W2 172.17.0.1 >/dev/null && echo bridge-ok']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'hello from a container\nbridge-ok\n');
    const info = await lab.exec('mesos-agent-1', ['docker', 'info', '--format', '{{.Driver}} {{.CgroupVersion}}']);
    assert.equal(info.stdout.trim(), 'overlay2 2');
  });

  test('apt installs a package built here from the lab repository; get_url-style downloads come from the web root', { timeout: 60_000 }, async () => {
    const deb = buildDeb(work, 'provision-lab-hello');
    const add = await lab.repoAdd([deb]);
    assert.equal(add.code, 0, add.stderr);
    assert.match(add.stdout, /provision-lab-hello/);
    const r = await lab.exec('lb', ['sh', '-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq provision-lab-hello >/dev/null && provision-lab-hello']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'hello from provision-lab-hello on lb');
    // Debian packages scripts/setup.sh put in the machine's lab package cache are in the repository too.
    if (debsIn(DEFAULT_DEBS_DIR).some((d) => /\/hello_[^/]+\.deb$/.test(d))) {
      const hello = await lab.exec('mesos-agent-1', ['sh', '-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hello >/dev/null && hello']);
      assert.equal(hello.stdout.trim(), 'Hello, world!', hello.stderr);
    }
    mkdirSync(join(lab.dir, 'www/downloads'), { recursive: true });
    writeFileSync(join(lab.dir, 'www/downloads/app.conf'), 'port = 8080\n');
    const got = await lab.exec('mesos-agent-2', ['curl', '-fsS', `${labFilesUrl(lab)}downloads/app.conf`]);
    assert.equal(got.stdout, 'port = 8080\n');
    const missing = await lab.exec('mesos-agent-2', ['curl', '-sS', '--path-as-is', '-o', '/dev/null', '-w', '%{http_code}', `${labFilesUrl(lab)}../lab.json`]);
    assert.equal(missing.stdout, '404');
  });

  test('reboot: the host comes back with the same disk, address and host key; its docker image is still there', { timeout: 90_000 }, async () => {
    const host = 'mesos-agent-2';
    await importBusybox(lab, host);
    const bootId = async (): Promise<string> => (await lab.exec(host, ['cat', '/proc/sys/kernel/random/boot_id'])).stdout.trim();
    const firstBoot = await bootId();
    assert.notEqual(firstBoot, readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim(), "the host has the machine's boot id");
    const before = await lab.exec(host, ['sh', '-c', 'echo kept > /root/marker; docker create --name kept busybox:lab true >/dev/null; cat /etc/machine-id /etc/ssh/ssh_host_ed25519_key.pub']);
    assert.equal(before.code, 0, before.stderr);
    const firstInit = labStatus(lab.dir).find((h) => h.name === host)?.pid;
    const reboot = await lab.run(['ssh', ...sshArgs(), `vagrant@${HOSTS[host]}`, 'sudo systemctl reboot']);
    assert.ok([0, 255].includes(reboot.code), reboot.stderr);
    // lab status shows it going down, rebooting, then up under a new PID 1.
    const seen = new Set<string>();
    const deadline = Date.now() + 60_000;
    for (;;) {
      const now = labStatus(lab.dir).find((h) => h.name === host);
      if (now) seen.add(now.state);
      if (now?.state === 'up' && now.pid !== firstInit) break;
      assert.ok(Date.now() < deadline, `not back in time; seen: ${[...seen].join(' ')}`);
      await sleep(20);
    }
    assert.ok(seen.has('rebooting'), `status never showed rebooting: ${[...seen].join(' ')}`);
    const status = await lab.status();
    assert.match(status.stdout, new RegExp(`^${host}\\s+10\\.0\\.15\\.202\\s+up$`, 'm'));
    const afterBoot = await lab.exec(host, ['sh', '-c', 'systemctl is-system-running --wait; cat /root/marker /etc/machine-id /etc/ssh/ssh_host_ed25519_key.pub; docker ps -a --format "{{.Names}}"; docker images --format "{{.Repository}}:{{.Tag}}"; ip -4 -o addr show dev eth1 | awk "{print \\$4}"']);
    const [system, ...rest] = afterBoot.stdout.trim().split('\n');
    assert.ok(system === 'running' || system === 'degraded', system);
    assert.deepEqual(rest, ['kept', ...before.stdout.trim().split('\n'), 'kept', 'busybox:lab', '10.0.15.202/24']);
    // The host key is the same: SSH with strict checking against the lab's known_hosts still works.
    const ssh = await lab.run(['ssh', ...sshArgs(), `vagrant@${HOSTS[host]}`, 'hostname']);
    assert.equal(ssh.stdout.trim(), host, ssh.stderr);
    // What a reboot module checks: a new boot id, and an uptime that started again.
    assert.notEqual(await bootId(), firstBoot);
    const uptime = Number((await lab.exec(host, ['cut', '-d.', '-f1', '/proc/uptime'])).stdout);
    assert.ok(uptime < 60, `uptime ${uptime} s after a reboot`);
    const run = JSON.parse(readFileSync(join(lab.dir, 'hosts', host, 'run.json'), 'utf8')) as { boots: number };
    assert.equal(run.boots, 2);
  });

  test('down leaves no cgroup, mount, namespace or process behind', { timeout: 30_000 }, async () => {
    const pids = recordedPids(lab.dir);
    assert.ok(pids.length >= 11, `expected a supervisor, 5 inits and 5 waiters: ${pids.join(' ')}`);
    const down = await lab.down();
    assert.equal(down.code, 0, down.stderr);
    assertNothingLeft(lab.dir, labId, pids);
  });
});

describe('provision lab down after the CLI that ran lab up was killed', { skip: bootedSkipReason() }, () => {
  const work = mkdtempSync(join(tmpdir(), 'provision-booted-kill-'));
  const dir = join(work, 'lab');
  after(async () => {
    await runCli(['lab', 'down', '--lab', dir]);
    rmSync(work, { recursive: true, force: true });
  });

  test('kill -9 of `lab up` while hosts boot, then down: everything is gone', { timeout: 60_000 }, async () => {
    const inventory = join(work, 'inventory.yml');
    writeFileSync(inventory, 'all:\n  children:\n    management:\n      hosts:\n        ctl: { ansible_host: 10.0.77.10 }\n    nodes:\n      hosts:\n        n1: { ansible_host: 10.0.77.11 }\n        n2: { ansible_host: 10.0.77.12 }\n');
    const up = spawn(process.execPath, [BIN, 'lab', 'up', '--lab', dir, '--kind', 'booted', '-i', inventory], { cwd: REPO, stdio: 'ignore' });
    // Wait until the supervisor is recorded and the hosts have started booting, then kill the CLI.
    const deadline = Date.now() + 30_000;
    const booting = (): boolean => {
      try {
        return labJson(dir).supervisor !== undefined && ['ctl', 'n1', 'n2'].every((h) => existsSync(join(dir, 'hosts', h, 'run.json')));
      } catch {
        return false;
      }
    };
    while (!booting()) {
      assert.ok(Date.now() < deadline, 'lab up never started booting');
      assert.equal(up.exitCode, null, 'lab up ended before it was killed');
      await sleep(10);
    }
    up.kill('SIGKILL');
    await new Promise((r) => up.once('exit', r));
    const labId = labJson(dir).plan.id;
    await sleep(500);
    const pids = recordedPids(dir);
    assert.ok(pids.some(isLive), 'nothing of the lab was running after the kill');
    const down = await runCli(['lab', 'down', '--lab', dir]);
    assert.equal(down.code, 0, down.stderr);
    assertNothingLeft(dir, labId, pids);
  });
});
