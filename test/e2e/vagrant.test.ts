import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BIN, REPO } from '../helpers/cli.js';
import { bootedSkipReason, startLab, type TestLab } from '../helpers/lab.js';

// Vagrant drives provision (issue 11 §5): the playground's Vagrantfile validates, and a real
// `vagrant up --provider=docker`, inside a booted lab host (it runs a real dockerd), runs
// provision through both of Vagrant's hooks; `vagrant provision` again changes nothing.

const BOX_CACHE = process.env.PROVISION_VAGRANT_BOX_CACHE ?? '/var/cache/provision-test/vagrant-box.tar';
const BOX_IMAGE = 'provision-vagrant-box:bookworm';
const FIXTURE = 'test/fixtures/vagrant/docker';
/** Where the project is copied inside the lab host (the machine's /tmp, where a checkout may be, is not visible there). */
const PROJECT_IN_HOST = '/opt/provision';

function hasCommand(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function skipReason(): string | false {
  if (!hasCommand('vagrant')) return 'vagrant is not installed (scripts/setup.sh --with-ansible installs it)';
  return false;
}

function run(file: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs: number }): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, timeout: options.timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, out: `${stdout}${stderr}` });
    });
  });
}

const skip = skipReason();
if (skip) process.stderr.write(`# SKIP vagrant tests: ${skip}\n`);

describe('Vagrant runs provision as its provisioner', { skip }, () => {
  test("the playground's Vagrantfile validates", { timeout: 60_000 }, async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'provision-vagrant-validate-'));
    try {
      for (const from of ['mgmt', 'host']) {
        const r = await run('vagrant', ['validate', '--ignore-provider'], {
          cwd: REPO,
          env: { VAGRANT_DOTFILE_PATH: join(scratch, 'dot'), VAGRANT_HOME: join(scratch, 'home'), PROVISION_FROM: from },
          timeoutMs: 50_000,
        });
        assert.equal(r.code, 0, `vagrant validate (PROVISION_FROM=${from}): ${r.out}`);
        assert.match(r.out, /Vagrantfile validated successfully/);
      }
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  describe('vagrant up --provider=docker inside a booted lab host', { skip: bootedSkipReason() }, () => {
    let lab: TestLab | undefined;
    const inHost = (script: string, timeoutMs: number) =>
      run(process.execPath, [BIN, 'lab', 'exec', '--lab', lab!.dir, 'vhost', '--', 'sh', '-c', script], { cwd: REPO, timeoutMs });
    const inFixture = (vagrantArgs: string, timeoutMs: number) => inHost(`cd ${PROJECT_IN_HOST}/${FIXTURE} && vagrant ${vagrantArgs} 2>&1`, timeoutMs);

    before(async () => {
      if (!existsSync(BOX_CACHE)) {
        mkdirSync(join(BOX_CACHE, '..'), { recursive: true });
        const built = await run('bash', [join(REPO, 'test/fixtures/vagrant/box/build-box.sh'), BOX_CACHE], { timeoutMs: 540_000 });
        assert.equal(built.code, 0, `building the box: ${built.out}`);
      }
      const inventory = join(REPO, 'test/fixtures/vagrant/lab-inventory.yml');
      lab = await startLab(inventory, 'vagrant', { kind: 'booted' });
      const box = await inHost(`docker import "${BOX_CACHE}" ${BOX_IMAGE} >/dev/null`, 120_000);
      // The box file is on the machine; the host sees it unless it lives under /tmp.
      if (box.code !== 0) {
        const piped = await run('bash', ['-c', `set -o pipefail; cat "$1" | "$2" "$3" lab exec --lab "$4" vhost -- docker import - ${BOX_IMAGE}`, 'import', BOX_CACHE, process.execPath, BIN, lab.dir], { timeoutMs: 120_000 });
        assert.equal(piped.code, 0, `docker import of the box: ${box.out}${piped.out}`);
      }
      // The project, as a user has it after `npm ci` (the runtime only; no compilers).
      const copy = await run('bash', ['-c',
        `set -o pipefail; tar -c -h --exclude=node_modules/typescript --exclude='node_modules/@esbuild' --exclude=node_modules/.cache -f - package.json bin dist node_modules scripts provision.cfg ${FIXTURE} | "$1" "$2" lab exec --lab "$3" vhost -- sh -c 'mkdir -p ${PROJECT_IN_HOST} && tar -x -C ${PROJECT_IN_HOST}'`,
        'copy', process.execPath, BIN, lab.dir], { cwd: REPO, timeoutMs: 120_000 });
      assert.equal(copy.code, 0, `copying the project into the lab host: ${copy.out}`);
      const command = await inHost(`printf '#!/bin/sh\\nexec node ${PROJECT_IN_HOST}/bin/provision.js "$@"\\n' > /usr/local/bin/provision && chmod 755 /usr/local/bin/provision`, 20_000);
      assert.equal(command.code, 0, command.out);
    }, { timeout: 900_000 });

    after(async () => {
      if (!lab) return;
      await inFixture('destroy -f', 120_000);
      const down = await lab.down();
      assert.equal(down.code, 0, down.stderr);
    }, { timeout: 240_000 });

    test('vagrant up: the ansible provisioner on the Vagrant host and ansible_local on mgmt run provision', { timeout: 420_000 }, async () => {
      const up = await inFixture('up --provider=docker', 400_000);
      assert.equal(up.code, 0, `vagrant up: ${up.out}`);
      assert.match(up.out, /node1: Running provisioner: ansible\.\.\./);
      assert.match(up.out, /mgmt: Running provisioner: ansible_local\.\.\./);
      assert.match(up.out, /node1\s+: ok=1\s+changed=1\s+unreachable=0\s+failed=0/);
      assert.match(up.out, /mgmt\s+: ok=1\s+changed=1\s+unreachable=0\s+failed=0/);
      const files = await inHost(
        `cd ${PROJECT_IN_HOST}/${FIXTURE} && for m in node1 mgmt; do docker exec "$(cat .vagrant/machines/$m/docker/id)" cat /etc/provisioned-by; done; ` +
          `docker exec "$(cat .vagrant/machines/mgmt/docker/id)" sh -c 'command -v provision && test -s /home/vagrant/.ssh/id_rsa.pub && stat -c "%a %U" /etc/provision/vagrant-password'`,
        30_000,
      );
      assert.equal(files.code, 0, files.out);
      assert.equal(files.out, 'vagrant host on node1\nansible_local on mgmt on mgmt\n/usr/local/bin/provision\n600 vagrant\n');
    });

    test('vagrant provision again: changed=0 on every machine', { timeout: 300_000 }, async () => {
      const again = await inFixture('provision', 280_000);
      assert.equal(again.code, 0, `vagrant provision: ${again.out}`);
      assert.match(again.out, /node1\s+: ok=1\s+changed=0\s+unreachable=0\s+failed=0/);
      assert.match(again.out, /mgmt\s+: ok=1\s+changed=0\s+unreachable=0\s+failed=0/);
    });

    test('a playbook that fails makes vagrant provision fail', { timeout: 200_000 }, async () => {
      const r = await inHost(`cd ${PROJECT_IN_HOST}/${FIXTURE} && PROVISION_VAGRANT_PLAYBOOK=fail.yml vagrant provision node1 2>&1`, 180_000);
      assert.notEqual(r.code, 0, r.out);
      assert.match(r.out, /fatal: \[node1\]: FAILED! => .*on purpose/);
      assert.match(r.out, /Ansible failed to complete successfully/);
    });
  });
});
