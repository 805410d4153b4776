import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REPO, runCli } from '../helpers/cli.js';
import { labSkipReason, startLab, type TestLab } from '../helpers/lab.js';

const PLAYGROUND = join(REPO, 'inventories/playground.yml');
const HOSTS: Record<string, string> = {
  mgmt: '10.0.15.10',
  lb: '10.0.15.11',
  'mesos-master-1': '10.0.15.101',
  'mesos-agent-1': '10.0.15.201',
  'mesos-agent-2': '10.0.15.202',
};

/** A process that exists and is not a zombie (a zombie has ended; its parent just has not reaped it). */
function isLive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('provision lab (playground, real sshd hosts)', { skip: labSkipReason() }, () => {
  let lab: TestLab;
  let labId: string;

  before(async () => {
    lab = await startLab(PLAYGROUND, 'lab');
    labId = JSON.parse(readFileSync(join(lab.dir, 'lab.json'), 'utf8')).plan.id;
  });
  // Runs even when a test fails, so the machine is never left with lab namespaces.
  after(async () => {
    await lab?.down();
  });

  const sshArgs = (): string[] => [
    '-i', join(lab.dir, 'ssh/id_ed25519'),
    '-o', `UserKnownHostsFile=${join(lab.dir, 'ssh/known_hosts')}`,
    '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=5',
  ];

  test('status lists every playground host as up', async () => {
    const status = await runCli(['lab', 'status', '--lab', lab.dir]);
    assert.equal(status.code, 0, status.stderr);
    for (const [name, address] of Object.entries(HOSTS)) {
      assert.match(status.stdout, new RegExp(`^${name}\\s+${address.replace(/\./g, '\\.')}\\s+up$`, 'm'));
    }
  });

  test('vagrant logs in with the lab key (host key verified) and sudo works', async () => {
    const r = await lab.run(['ssh', ...sshArgs(), 'vagrant@10.0.15.201', 'echo "$(hostname) $(id -un) $(sudo -n id -u)"']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'mesos-agent-1 vagrant 0');
  });

  test('vagrant logs in with the password vagrant', async () => {
    const r = await lab.run(['node', join(REPO, 'test/helpers/ssh-password-probe.mjs'), '10.0.15.101', 'vagrant', 'vagrant']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'mesos-master-1 vagrant');
  });

  test('a wrong password is refused', async () => {
    const r = await lab.run(['node', join(REPO, 'test/helpers/ssh-password-probe.mjs'), '10.0.15.101', 'vagrant', 'wrong']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /authentication methods failed/i);
  });

  test('each host has its own hostname, eth1 address and clean home', async () => {
    for (const [name, address] of Object.entries(HOSTS)) {
      const r = await lab.exec(name, ['sh', '-c', 'hostname; ip -4 -o addr show dev eth1; ls -A /home/vagrant']);
      assert.equal(r.code, 0, r.stderr);
      const [hostname, addr, home] = r.stdout.trim().split('\n');
      assert.equal(hostname, name);
      assert.match(addr ?? '', new RegExp(`inet ${address.replace(/\./g, '\\.')}/24 `));
      assert.equal(home, '.ssh');
    }
  });

  test('a file written on one host is on no other host and not on the machine', async () => {
    const marker = `/etc/provision-lab-marker-${process.pid}`;
    const write = await lab.exec('mgmt', ['sh', '-c', `echo only-mgmt > ${marker}`]);
    assert.equal(write.code, 0, write.stderr);
    assert.equal((await lab.exec('mgmt', ['cat', marker])).stdout, 'only-mgmt\n');
    for (const other of ['lb', 'mesos-agent-1']) {
      assert.equal((await lab.exec(other, ['test', '-e', marker])).code, 1, `${marker} leaked to ${other}`);
    }
    assert.equal(existsSync(marker), false, 'the file leaked to the machine');
  });

  test('exec passes exit codes and output through', async () => {
    const r = await lab.exec('lb', ['sh', '-c', 'echo out; echo err >&2; exit 7']);
    assert.equal(r.code, 7);
    assert.equal(r.stdout, 'out\n');
    assert.equal(r.stderr, 'err\n');
  });

  test('the lab is isolated: the machine has no address or route into it', () => {
    const addrs = execFileSync('ip', ['-o', '-4', 'addr']).toString();
    assert.doesNotMatch(addrs, /10\.0\.15\./);
    const routes = execFileSync('ip', ['-4', 'route']).toString();
    assert.doesNotMatch(routes, /10\.0\.15\./);
  });

  test('a second up is harmless and says so', async () => {
    const again = await runCli(['lab', 'up', '--lab', lab.dir, '-i', PLAYGROUND]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /already up .*5 hosts.*nothing to do/);
  });

  test('down leaves no namespace, process, mount or directory behind; a second down is harmless', async () => {
    const pids: number[] = Object.values(JSON.parse(readFileSync(join(lab.dir, 'lab.json'), 'utf8')).pids);
    assert.equal(pids.length, 5);
    const down = await lab.down();
    assert.equal(down.code, 0, down.stderr);
    assert.match(down.stdout, /removed 5 hosts/);
    const namespaces = execFileSync('ip', ['netns', 'list']).toString();
    assert.doesNotMatch(namespaces, new RegExp(`plab-${labId}-`));
    assert.equal(existsSync(lab.dir), false, 'lab directory left behind');
    assert.doesNotMatch(readFileSync('/proc/mounts', 'utf8'), new RegExp(lab.dir));
    for (const pid of pids) assert.equal(isLive(pid), false, `host init ${pid} outlived the lab`);
    const stray = readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(lab.dir);
      } catch {
        return false;
      }
    });
    assert.deepEqual(stray, [], 'processes of the lab still running');
    const again = await lab.down();
    assert.equal(again.code, 0);
    assert.match(again.stdout, /nothing to do/);
  });
});
