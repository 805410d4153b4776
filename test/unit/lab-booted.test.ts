import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { loadInventory } from '../../src/inventory/load.js';
import { buildRepositoryIndex } from '../../src/lab/apt-repository.js';
import { fileUnder } from '../../src/lab/lab-http.js';
import { aptSourcesList } from '../../src/lab/lab-services.js';
import { planLab } from '../../src/lab/plan.js';
import { isRunning, processRef, startTimeOf } from '../../src/lab/process-identity.js';
import { parseInstallSection } from '../../src/lab/systemd-units.js';

const work = mkdtempSync(join(tmpdir(), 'provision-unit-booted-'));
after(() => rmSync(work, { recursive: true, force: true }));

function inventory(yaml: string): ReturnType<typeof loadInventory> {
  const path = join(work, `inv-${Math.random().toString(36).slice(2)}.yml`);
  writeFileSync(path, yaml);
  return loadInventory([path]);
}

describe('lab host kinds', () => {
  const yaml = `all:
  children:
    management:
      hosts:
        mgmt: { ansible_host: 10.0.15.10 }
    nodes:
      vars: { lab_host_kind: booted, lab_units: [nginx.service] }
      hosts:
        n1: { ansible_host: 10.0.15.11 }
        n2: { ansible_host: 10.0.15.12, lab_host_kind: sshd }
`;

  test('per group and per host (lab_host_kind), else the lab default (lab up --kind)', () => {
    const kinds = (defaultKind?: 'sshd' | 'booted') => planLab(inventory(yaml), 'k1', defaultKind).hosts.map((h) => [h.name, h.kind]);
    assert.deepEqual(kinds(), [['mgmt', 'sshd'], ['n1', 'booted'], ['n2', 'sshd']]);
    assert.deepEqual(kinds('booted'), [['mgmt', 'booted'], ['n1', 'booted'], ['n2', 'sshd']]);
    assert.deepEqual(planLab(inventory(yaml), 'k1').hosts[1]?.units, ['nginx.service']);
  });

  test('a bad kind or unit name is refused with the host named', () => {
    assert.throws(() => planLab(inventory('all:\n  hosts:\n    a: { ansible_host: 10.0.0.1, lab_host_kind: vm }\n'), 'k2'), /host a: lab_host_kind is "vm"; it must be sshd or booted/);
    assert.throws(() => planLab(inventory('all:\n  hosts:\n    a: { ansible_host: 10.0.0.1, lab_units: ["x; rm -rf /"] }\n'), 'k3'), /host a: lab_units entry .* is not a unit name/);
  });
});

describe('systemd [Install] sections', () => {
  test('WantedBy, RequiredBy, Alias and Also, repeated and space-separated; other sections ignored', () => {
    const unit = `[Unit]\nDescription=x\nWantedBy=not-this.target\n\n[Service]\nExecStart=/bin/true\n\n[Install]\nWantedBy=multi-user.target\nWantedBy=network-online.target  graphical.target\nRequiredBy=a.target\n# Alias=commented.service\nAlias=sshd.service\nAlso=docker.socket\n`;
    assert.deepEqual(parseInstallSection(unit), {
      wantedBy: ['multi-user.target', 'network-online.target', 'graphical.target'],
      requiredBy: ['a.target'],
      alias: ['sshd.service'],
      also: ['docker.socket'],
    });
  });
});

describe('the lab web server', () => {
  const root = join(work, 'www');
  mkdirSync(join(root, 'images'), { recursive: true });
  writeFileSync(join(root, 'images/busybox.tar'), 'tar');
  writeFileSync(join(work, 'secret'), 'no');
  symlinkSync(join(work, 'secret'), join(root, 'escape'));

  test('serves regular files inside its root only', () => {
    assert.equal(fileUnder(root, 'images/busybox.tar'), join(root, 'images/busybox.tar'));
    assert.equal(fileUnder(root, 'images%2Fbusybox.tar'), join(root, 'images/busybox.tar'));
    for (const bad of ['../secret', '%2e%2e/secret', 'images/../../secret', 'escape', 'images', '', 'x%00', '%E0%A4%A']) {
      assert.equal(fileUnder(root, bad), undefined, bad);
    }
  });
});

describe('the lab apt repository', () => {
  test('Packages has each control paragraph with its file, size and hashes; Release hashes Packages', async () => {
    const pkg = join(work, 'pkg');
    mkdirSync(join(pkg, 'DEBIAN'), { recursive: true });
    mkdirSync(join(pkg, 'usr/bin'), { recursive: true });
    writeFileSync(join(pkg, 'DEBIAN/control'), 'Package: lab-unit\nVersion: 2.1\nArchitecture: all\nMaintainer: t <t@example.invalid>\nDescription: a unit test package\n multi-line\n');
    writeFileSync(join(pkg, 'usr/bin/lab-unit'), '#!/bin/sh\n');
    chmodSync(join(pkg, 'usr/bin/lab-unit'), 0o755);
    const repo = join(work, 'repo');
    mkdirSync(join(repo, 'pool'), { recursive: true });
    const deb = join(repo, 'pool/lab-unit_2.1_all.deb');
    execFileSync('dpkg-deb', ['--root-owner-group', '--build', pkg, deb], { stdio: 'ignore' });
    assert.deepEqual(await buildRepositoryIndex(repo), ['lab-unit']);
    const packages = readFileSync(join(repo, 'Packages'), 'utf8');
    const bytes = readFileSync(deb);
    assert.match(packages, /^Package: lab-unit\nVersion: 2\.1\n/);
    assert.match(packages, /\nDescription: a unit test package\n multi-line\n/);
    assert.match(packages, new RegExp(`\\nFilename: pool/lab-unit_2\\.1_all\\.deb\\nSize: ${bytes.length}\\nMD5sum: ${createHash('md5').update(bytes).digest('hex')}\\nSHA256: ${createHash('sha256').update(bytes).digest('hex')}\\n$`));
    const release = readFileSync(join(repo, 'Release'), 'utf8');
    assert.match(release, new RegExp(` ${createHash('sha256').update(packages).digest('hex')} ${Buffer.byteLength(packages)} Packages\\n`));
  });

  test('booted hosts get the lab repository as their only source', () => {
    assert.match(aptSourcesList('10.0.15.10'), /^deb \[trusted=yes\] http:\/\/10\.0\.15\.10:8880\/debian\/ \.\/$/m);
    assert.doesNotMatch(aptSourcesList(undefined), /^deb /m);
  });
});

describe('processes by PID and start time', () => {
  test('this process matches itself; a changed start time does not', () => {
    const me = processRef(process.pid);
    assert.ok(me);
    assert.equal(me.startTime, startTimeOf(process.pid));
    assert.equal(isRunning(me), true);
    assert.equal(isRunning({ pid: process.pid, startTime: me.startTime + 1 }), false);
    assert.equal(isRunning({ pid: 2 ** 22 + 1, startTime: 1 }), false);
  });
});
