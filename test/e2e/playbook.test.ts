import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BIN, recap, REPO } from '../helpers/cli.js';
import { labSkipReason, startLab, type TestLab } from '../helpers/lab.js';

const PLAYGROUND = join(REPO, 'inventories/playground.yml');
const WITH_GHOST = join(REPO, 'test/fixtures/playground-with-ghost.yml');
const FIXTURES = join(REPO, 'test/fixtures/playbooks');
const HOSTS = ['lb', 'mesos-agent-1', 'mesos-agent-2', 'mesos-master-1', 'mgmt'];

/** The PLAY RECAP line of one host, parsed. */

describe('provision playbooks over real SSH (playground lab)', { skip: labSkipReason() }, () => {
  let lab: TestLab;
  before(async () => {
    lab = await startLab(PLAYGROUND, 'engine');
  });
  after(async () => {
    await lab?.down();
  });

  const provision = (args: string[]) => lab.run(['provision', ...args]);
  const onHost = async (host: string, script: string): Promise<string> => {
    const r = await lab.exec(host, ['sh', '-c', script]);
    assert.equal(r.code, 0, `${host}: ${script}: ${r.stderr}`);
    return r.stdout;
  };

  test('the hosts-file playbook converges, and a second run changes nothing', async () => {
    // Lab hosts see the machine's /etc/hosts: start every host from a known one.
    for (const host of HOSTS) await onHost(host, `printf '127.0.0.1 localhost\\n127.0.1.1 ${host}\\n' > /etc/hosts`);
    const first = await provision(['playbooks/provision-hosts-file.yml']);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    // The template writes the whole file (own line included, no 127.0.1.1): the edits then find nothing to do.
    for (const host of HOSTS) assert.deepEqual(recap(first.stdout, host), { ok: 4, changed: 1, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 });
    const second = await provision(['playbooks/provision-hosts-file.yml']);
    assert.equal(second.code, 0, second.stdout + second.stderr);
    for (const host of HOSTS) assert.deepEqual(recap(second.stdout, host), { ok: 4, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 });
    const hosts = await onHost('lb', 'cat /etc/hosts');
    for (const line of ['10.0.15.10 mgmt  mgmt', '10.0.15.11 lb  lb', '10.0.15.101 mesos-master-1  mesos-master-1', '10.0.15.202 mesos-agent-2  mesos-agent-2']) {
      assert.ok(hosts.split('\n').includes(line), `missing "${line}" in:\n${hosts}`);
    }
    assert.doesNotMatch(hosts, /127\.0\.1\.1/);
    assert.equal((await onHost('lb', 'stat -c "%a %U %G" /etc/hosts')).trim(), '644 root root');
    assert.equal((await onHost('lb', 'ls -a /etc | grep -c "^\\.provision-" || true')).trim(), '0', 'temp files left beside /etc/hosts');
  });

  test('--check changes nothing and --diff shows the change', async () => {
    await onHost('lb', 'echo "192.0.2.1 stray" >> /etc/hosts');
    const check = await provision(['--check', '--diff', 'playbooks/provision-hosts-file.yml']);
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.match(check.stdout, /--- before: \/etc\/hosts\n\+\+\+ after: \/etc\/hosts\n@@[^\n]*@@\n(?:[ -+][^\n]*\n)*-192\.0\.2\.1 stray\n/);
    assert.match(check.stdout, /changed: \[lb\]/);
    assert.equal(recap(check.stdout, 'mgmt')['changed'], 0);
    assert.match(await onHost('lb', 'cat /etc/hosts'), /192\.0\.2\.1 stray/, '--check changed the file');
    const apply = await provision(['playbooks/provision-hosts-file.yml']);
    assert.equal(recap(apply.stdout, 'lb')['changed'], 1);
    assert.doesNotMatch(await onHost('lb', 'cat /etc/hosts'), /stray/);
  });

  test('a host with nothing behind it ends unreachable=1 with exit 4 while the others finish', async () => {
    const r = await provision(['-i', WITH_GHOST, '-T', '3', join(FIXTURES, 'simple.yml')]);
    assert.equal(r.code, 4, r.stdout + r.stderr);
    assert.match(r.stdout, /fatal: \[ghost\]: UNREACHABLE! => \{"changed": false, "msg": "Failed to connect to the host via ssh: 10\.0\.15\.250:22/);
    assert.deepEqual(recap(r.stdout, 'ghost'), { ok: 0, changed: 0, unreachable: 1, failed: 0, skipped: 0, rescued: 0, ignored: 0 });
    for (const host of HOSTS) {
      assert.deepEqual(recap(r.stdout, host), { ok: 1, changed: 1, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 });
      assert.equal(await onHost(host, 'cat /tmp/simple-reached'), `reached ${host}\n`);
    }
  });

  test('the SSH key from --private-key, --key-file or -e ansible_ssh_private_key_file is used (it was ignored)', async () => {
    const key = join(lab.dir, 'ssh', 'id_ed25519');
    // Without the key lab run hands over, and without an agent: only what the command line says.
    const bare = (args: string[]) => lab.run(['env', '-u', 'PROVISION_PRIVATE_KEY_FILE', '-u', 'SSH_AUTH_SOCK', process.execPath, BIN, '-T', '3', '-l', 'lb', ...args, join(FIXTURES, 'simple.yml')]);
    const none = await bare([]);
    assert.equal(none.code, 4, none.stdout + none.stderr);
    for (const args of [['--private-key', key], [`--key-file=${key}`], ['-e', `ansible_ssh_private_key_file=${key}`], ['--private-key', '/nonexistent', '-e', `ansible_private_key_file=${key}`]]) {
      const r = await bare(args);
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.deepEqual([recap(r.stdout, 'lb')['ok'], recap(r.stdout, 'lb')['unreachable']], [1, 0]);
    }
  });

  test('a playbook with a mistake in its last task touches no host', async () => {
    const r = await provision([join(FIXTURES, 'broken-last-task.yml')]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /broken-last-task\.yml:9:9: lineinfile: unknown argument "lien"/);
    assert.doesNotMatch(r.stdout, /TASK|PLAY \[/);
    for (const host of HOSTS) assert.equal((await lab.exec(host, ['test', '-e', '/tmp/broken-touched'])).code, 1, `${host} was touched`);
  });

  test('a wrong host key is refused', async () => {
    const knownHosts = readFileSync(join(lab.dir, 'ssh/known_hosts'), 'utf8');
    const forged = knownHosts.replace(/^(lb,10\.0\.15\.11 ssh-ed25519) \S+/m, '$1 AAAAC3NzaC1lZDI1NTE5AAAAIBfIeh1Q4rEJ7AnmXzL+ZrSrcQd5t6GQxJ6t2mXlHf9p');
    assert.notEqual(forged, knownHosts);
    const file = join(lab.dir, 'forged_known_hosts');
    writeFileSync(file, forged);
    await onHost('lb', 'rm -f /tmp/simple-reached');
    const r = await lab.run(['sh', '-c', `PROVISION_KNOWN_HOSTS=${file} exec "${process.execPath}" "${BIN}" -l lb ${join(FIXTURES, 'simple.yml')}`]);
    assert.equal(r.code, 4, r.stdout + r.stderr);
    assert.match(r.stdout, /fatal: \[lb\]: UNREACHABLE! => .*host key for 10\.0\.15\.11 does not match known_hosts: refusing to connect/);
    assert.equal((await lab.exec('lb', ['test', '-e', '/tmp/simple-reached'])).code, 1, 'lb was changed despite the wrong host key');
  });

  test('an unknown host is refused by default; accept-new records it, after which strict accepts it', async () => {
    const file = join(lab.dir, 'fresh_known_hosts');
    writeFileSync(file, '');
    const withKnownHosts = (extra: string) =>
      lab.run(['sh', '-c', `PROVISION_KNOWN_HOSTS=${file} exec "${process.execPath}" "${BIN}" -l lb ${extra} ${join(FIXTURES, 'simple.yml')}`]);
    const strict = await withKnownHosts('');
    assert.equal(strict.code, 4, strict.stdout + strict.stderr);
    assert.match(strict.stdout, /host key for 10\.0\.15\.11 is not in known_hosts/);
    const acceptNew = await withKnownHosts('--host-key-checking accept-new');
    assert.equal(acceptNew.code, 0, acceptNew.stdout + acceptNew.stderr);
    const lbKey = readFileSync(join(lab.dir, 'ssh/known_hosts'), 'utf8').match(/^lb,10\.0\.15\.11 (ssh-ed25519 \S+)$/m)?.[1];
    assert.equal(readFileSync(file, 'utf8'), `10.0.15.11 ${lbKey}\n`);
    assert.equal((await withKnownHosts('')).code, 0);
  });

  test('modules and keywords: files, attributes, loops, when, register, set_fact, assert, handlers, become_user, no_log, tags', async () => {
    // Lab hosts see the machine's files (docker.io or ifupdown may be installed there): start from none.
    for (const host of ['mesos-agent-1', 'mesos-agent-2']) {
      await onHost(host, 'rm -rf /etc/default/docker /etc/network/interfaces /etc/weave.env /tmp/weave-connect.log /tmp/handlers.log /tmp/who /opt/provision-test');
    }
    const r = await provision(['--skip-tags', 'optional', join(FIXTURES, 'features.yml')]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.doesNotMatch(r.stdout + r.stderr, /s3cr3t-Value-42/, 'a no_log value reached the output');
    assert.match(r.stdout, /ok: \[mesos-agent-1\] => \{\n {4}"msg": "secret mode 0600 owner vagrant"\n\}/);
    for (const [host, subnet, peer] of [['mesos-agent-1', '10.2.1.0/24', 'mesos-agent-2'], ['mesos-agent-2', '10.2.2.0/24', 'mesos-agent-1']] as const) {
      assert.equal(await onHost(host, 'cat /etc/default/docker'), `DOCKER_OPTS="--bridge=weave --fixed-cidr=${subnet}"\n`);
      assert.equal(await onHost(host, 'cat /etc/network/interfaces'), '# BEGIN WEAVE\nauto weave\niface weave inet manual\n    post-up ip addr add dev weave 10.2.0.1/16\n# END WEAVE\n');
      assert.equal(await onHost(host, 'cat /etc/weave.env'), `PEERS="${peer} "\n`);
      assert.equal(await onHost(host, 'cat /tmp/weave-connect.log'), `weave connect ${peer}\n`);
      assert.equal(await onHost(host, 'cat /tmp/handlers.log'), 'start-weave\nrestart-docker\n', 'handlers run once each, in definition order');
      assert.equal(await onHost(host, 'cat /tmp/who'), 'vagrant\n');
      assert.equal(await onHost(host, 'stat -c "%a %U %G" /opt/provision-test /opt/provision-test/secret.conf'), '750 vagrant vagrant\n600 vagrant root\n');
      assert.equal(await onHost(host, 'cat /opt/provision-test/secret.conf'), 'secret=s3cr3t-Value-42\n');
      assert.equal(await onHost(host, 'cat /opt/provision-test/notes.conf; stat -c "%a %U" /opt/provision-test/notes.conf'), 'notes\nrotated=no\n600 vagrant\n');
      assert.equal((await lab.exec(host, ['test', '-e', '/tmp/tagged-task'])).code, 1, '--skip-tags ran the tagged task');
      assert.deepEqual(recap(r.stdout, host), { ok: 20, changed: 12, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 1 });
    }
    assert.equal((await lab.exec('lb', ['test', '-e', '/etc/weave.env'])).code, 1, 'a play for mesos-agents ran on lb');
    const again = await provision(['--skip-tags', 'optional', join(FIXTURES, 'features.yml')]);
    assert.equal(again.code, 0, again.stdout + again.stderr);
    // Only the shell loop item and the ignored /bin/false report changed, as in Ansible; no handler runs.
    assert.equal(recap(again.stdout, 'mesos-agent-1')['changed'], 2);
    assert.doesNotMatch(again.stdout, /RUNNING HANDLER/);
    assert.equal(await onHost('mesos-agent-1', 'cat /tmp/handlers.log'), 'start-weave\nrestart-docker\n');
  });

  test('become with a sudo password: right, wrong and missing; the password never reaches the output', async () => {
    const password = 'ops-Pa55-word';
    await onHost('mesos-master-1', `useradd -m -s /bin/bash ops && echo "ops:${password}" | chpasswd && echo "ops ALL=(ALL) ALL" > /etc/sudoers.d/ops && chmod 440 /etc/sudoers.d/ops && rm -f /home/ops/.bashrc /home/ops/.profile`);
    const inventory = join(lab.dir, 'ops.ini');
    writeFileSync(inventory, `mesos-master-1 ansible_host=10.0.15.101 ansible_user=ops ansible_password=${password}\n`);
    const good = join(lab.dir, 'become-pass');
    const wrong = join(lab.dir, 'wrong-pass');
    writeFileSync(good, `${password}\n`);
    writeFileSync(wrong, 'not-it\n');
    const playbook = join(FIXTURES, 'become.yml');
    const ok = await provision(['-i', inventory, '--become-password-file', good, '-vvvv', playbook]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /"r\.stdout": "0"/);
    const bad = await provision(['-i', inventory, '--become-password-file', wrong, playbook]);
    assert.equal(bad.code, 2);
    assert.match(bad.stdout, /become \(sudo to root\) failed: Incorrect sudo password/);
    const none = await provision(['-i', inventory, playbook]);
    assert.equal(none.code, 2);
    assert.match(none.stdout, /become \(sudo to root\) failed: Missing sudo password/);
    for (const r of [ok, bad, none]) assert.doesNotMatch(r.stdout + r.stderr, new RegExp(password));
  });
});
