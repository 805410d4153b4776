import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { BIN, REPO, runCli } from '../helpers/cli.js';
import { runOnPty } from '../helpers/pty.js';

const PLAYGROUND = join(REPO, 'inventories/playground.yml');

describe('the CLI without a lab', () => {
  test('--version and --help exit 0; a bad option exits 5', async () => {
    const version = await runCli(['--version']);
    assert.equal(version.code, 0);
    assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
    const help = await runCli(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--inventory-file <path>/);
    const bad = await runCli(['--no-such-option', 'x.yml']);
    assert.equal(bad.code, 5, bad.stderr);
    assert.match(bad.stderr, /unknown option '--no-such-option'/);
    assert.equal((await runCli(['-f', 'zero', 'provision-hosts-file.yml'])).code, 5);
  });

  test('--syntax-check finds the playbook in playbooks/ and the inventory from provision.cfg', async () => {
    const r = await runCli(['--syntax-check', 'provision-hosts-file.yml']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '\nplaybook: playbooks/provision-hosts-file.yml\n');
    const missing = await runCli(['no-such-playbook.yml']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /playbook not found: no-such-playbook\.yml/);
  });

  test('--list-hosts honours patterns and --limit; --list-tasks lists tasks', async () => {
    const r = await runCli(['-i', PLAYGROUND, '--list-hosts', '--limit', 'mesos-*:!mesos-master-1', 'playbooks/provision-hosts-file.yml']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /hosts \(2\):\n {6}mesos-agent-1\n {6}mesos-agent-2\n/);
    const tasks = await runCli(['-i', PLAYGROUND, '--list-tasks', 'playbooks/provision-hosts-file.yml']);
    assert.match(tasks.stdout, /Write \/etc\/hosts from the template\tTAGS: \[\]/);
    const none = await runCli(['-i', PLAYGROUND, '--limit', 'nothing', 'playbooks/provision-hosts-file.yml']);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /--limit nothing matches no host/);
  });

  test('provision inventory --list, --graph and --host', async () => {
    const list = JSON.parse((await runCli(['inventory', '-i', PLAYGROUND, '--list'])).stdout);
    assert.deepEqual(list['mesos-agents'], { hosts: ['mesos-agent-1', 'mesos-agent-2'] });
    assert.equal(list._meta.hostvars['mesos-master-1'].zookeeper_id, 1);
    const graph = (await runCli(['inventory', '-i', PLAYGROUND, '--graph'])).stdout;
    assert.match(graph, /^@all:\n {2}\|--@ungrouped:\n {2}\|--@management:\n {4}\|--mgmt\n/);
    const host = JSON.parse((await runCli(['inventory', '-i', PLAYGROUND, '--host', 'lb'])).stdout);
    assert.deepEqual(host, { ansible_user: 'vagrant', ansible_host: '10.0.15.11' });
  });

  test("Vagrant's ansible provisioner command line and generated inventory (2.0 and legacy 1.8 names)", async () => {
    const inventoryDir = join(REPO, 'test/fixtures/vagrant/inventory');
    const r = await runCli([
      '--connection=ssh', '--timeout=30', '--limit=lb', `--inventory-file=${inventoryDir}`,
      '--extra-vars={"weave_range":"10.2.0.0/16"}', '--sudo', '-v', '--list-hosts', 'playbooks/provision-hosts-file.yml',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /hosts \(1\):\n {6}lb\n/);
    const host = JSON.parse((await runCli(['inventory', '-i', inventoryDir, '--host', 'lb'])).stdout);
    assert.equal(host.ansible_ssh_port, 2200);
    assert.equal(host.ansible_ssh_user, 'vagrant');
  });

  test('on a terminal the run is shown live with listr2, loops included, and ends with the recap', {
    skip: existsSync('/usr/bin/script') ? false : 'needs script(1) from util-linux for a pty',
    timeout: 30_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'provision-tty-'));
    try {
      const playbooks = ['local.yml', 'local-loops.yml'].map((p) => join(REPO, 'test/fixtures/playbooks', p)).join(' ');
      // A view that never ends (it did, with a loop task) is killed well before the test's timeout.
      const command = `exec timeout --foreground -s KILL 15 "${process.execPath}" "${BIN}" -i ${join(REPO, 'test/fixtures/local-inventory.ini')} -e target_dir=${dir} -e count=1 ${playbooks}`;
      const { CI: _ci, ...env } = process.env;
      const r = await runOnPty(command, { cwd: REPO, env, deadlineMs: 20_000 });
      // timeout(1) exits 137 when it had to kill the run.
      assert.ok(!r.killed && r.code !== 137, `the live view did not end within 15 s:\n${r.screen.slice(-2000)}`);
      assert.equal(r.code, 0, r.screen.slice(-3000));
      assert.match(r.screen, /✔ TASK \[A rendered file\]/);
      assert.match(r.screen, /✔ changed: \[localhost\]/);
      assert.match(r.screen, /✔ TASK \[A loop with a skipped item\]\n {2}✔ changed: \[localhost\] => \(item=one\)\n {4}skipping: \[localhost\] => \(item=two\) ?\n {4}changed: \[localhost\] => \(item=three\)\n/);
      assert.match(r.screen, /✔ TASK \[A loop with a failed item, ignored\]\n {2}✔ changed: \[localhost\] => \(item=good\)\n {4}failed: \[localhost\] \(item=bad\)/);
      assert.match(r.screen, /✔ TASK \[After the loops\]/);
      assert.match(r.screen, /PLAY RECAP \*+\nlocalhost {18}: ok=8 {4}changed=6 {4}unreachable=0 {4}failed=0 {4}skipped=0 {4}rescued=0 {4}ignored=1/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('more modules, lookups and errors over connection: local', () => {
    const dir = mkdtempSync(join(tmpdir(), 'provision-more-'));
    const project = join(REPO, 'test/fixtures/local-project');
    const inventory = join(REPO, 'test/fixtures/local-inventory.ini');
    after(() => rmSync(dir, { recursive: true, force: true }));

    test('template + file lookup + group_vars beside the playbook, raw, links, absent, an ignored fail', async () => {
      const r = await runCli(['-i', inventory, '-e', `target_dir=${dir}`, join(project, 'more-modules.yml')]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(readFileSync(join(dir, 'motd'), 'utf8'), 'from-group-vars on localhost\nkey: ssh-ed25519 AAAAexample operator@mgmt\nuser 0: alice\nuser 1: bob\n');
      assert.equal(readFileSync(join(dir, 'raw.out'), 'utf8'), 'raw-ran\n');
      assert.ok(lstatSync(join(dir, 'motd.link')).isSymbolicLink());
      assert.throws(() => statSync(join(dir, 'gone')));
      assert.match(r.stdout, /fatal: \[localhost\]: FAILED! => \{"changed": false, "msg": "expected failure"\}\n\.\.\.ignoring/);
      assert.match(r.stdout, /localhost {18}: ok=8 {4}changed=5 {4}unreachable=0 {4}failed=0 {4}skipped=0 {4}rescued=0 {4}ignored=1/);
    });

    test('an undefined variable fails the task, naming the variable, the task and file:line', async () => {
      const r = await runCli(['-i', inventory, join(project, 'undefined-var.yml')]);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stdout, /undefined-var\.yml:5:7: undefined variable in \{\{not_set_anywhere\}\} \(task \\"Uses a variable nobody set\\"\)/);
    });

    test('output from a host is data, never rendered as a template', async () => {
      const r = await runCli(['-i', inventory, '-e', `target_dir=${dir}`, join(project, 'host-output.yml')]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(readFileSync(join(dir, 'host-output'), 'utf8'), '{{not_a_var}}');
    });

    test('Ctrl-C kills the running task, then ends the run with exit 99', async () => {
      const child = spawn(process.execPath, [BIN, '-i', inventory, join(project, 'slow.yml')], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
      const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const running = (): boolean => spawnSync('pgrep', ['-f', 'sleep 31[.]4159']).status === 0;
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.stdout.on('data', () => {});
      const deadline = Date.now() + 15_000;
      while (!running() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.equal(running(), true, 'the task never started');
      child.kill('SIGINT');
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      clearTimeout(killer);
      assert.equal(code, 99);
      assert.match(err, /User interrupted execution/);
      assert.equal(running(), false, 'the task outlived Ctrl-C');
    });
  });

  describe('connection: local, applied twice', () => {
    const dir = mkdtempSync(join(tmpdir(), 'provision-local-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    const run = () => runCli(['-i', join(REPO, 'test/fixtures/local-inventory.ini'), '-e', `target_dir=${dir}`, '-e', '{"count": 3}', join(REPO, 'test/fixtures/playbooks/local.yml')]);

    test('first run changes, second changes nothing, handler ran once', async () => {
      const first = await run();
      assert.equal(first.code, 0, first.stdout + first.stderr);
      assert.match(first.stdout, /localhost {18}: ok=5 {4}changed=4 {4}unreachable=0 {4}failed=0/);
      const content = readFileSync(join(dir, 'conf/app.conf'), 'utf8');
      assert.match(content, /^host=\S+ kernel=\S+ n=3\n$/);
      assert.equal(readFileSync(join(dir, 'conf/extra.conf'), 'utf8'), 'extra=1\n');
      assert.equal(statSync(join(dir, 'conf/app.conf')).mode & 0o777, 0o640);
      const second = await run();
      assert.match(second.stdout, /localhost {18}: ok=4 {4}changed=0 {4}unreachable=0 {4}failed=0/);
      assert.equal(readFileSync(join(dir, 'handler.log'), 'utf8'), 'noted\n');
    });
  });
});
