import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, REPO } from './cli.js';
import { startLab, type TestLab } from './lab.js';

/** The system modules' booted lab: ctl (sshd controller, serves repo and files), n1 and n2 (booted). */
export const SYSMODS_INVENTORY = join(REPO, 'test/fixtures/sysmods/inventory.yml');
export const NODES = ['n1', 'n2'] as const;

export { recap } from './cli.js';

/** Each task's status line for a host, in order ("name: changed"). */
export function statuses(output: string, host: string): string[] {
  const out: string[] = [];
  let task = '';
  for (const line of output.split('\n')) {
    const t = /^TASK \[(.*)\] \**$/.exec(line) ?? /^RUNNING HANDLER \[(.*)\] \**$/.exec(line);
    if (t) task = t[1] ?? '';
    const s = new RegExp(`^(ok|changed|fatal|skipping): \\[${host}\\]`).exec(line);
    if (s) out.push(`${task}: ${s[1] === 'fatal' ? 'failed' : s[1]}`);
  }
  return out;
}

export interface SysLab {
  readonly lab: TestLab;
  readonly work: string;
  /** Writes the playbook and runs it from the controller (`provision -i … [extra] play.yml`). */
  play(yaml: string, extra?: readonly string[]): Promise<{ code: number; out: string }>;
  /** A shell command on a host (as root); asserts it succeeded unless `allowFail`. */
  sh(host: string, script: string, allowFail?: boolean): Promise<string>;
  down(): Promise<void>;
}

let counter = 0;

export async function startSysLab(prefix: string): Promise<SysLab> {
  const work = mkdtempSync(join(tmpdir(), `provision-${prefix}-`));
  const lab = await startLab(SYSMODS_INVENTORY, prefix, { kind: 'booted' });
  return {
    lab,
    work,
    async play(yaml, extra = []) {
      const file = join(work, `play-${++counter}.yml`);
      writeFileSync(file, yaml);
      const r = await lab.run([process.execPath, BIN, '-i', SYSMODS_INVENTORY, ...extra, file]);
      return { code: r.code, out: r.stdout + r.stderr };
    },
    async sh(host, script, allowFail = false) {
      const r = await lab.exec(host, ['sh', '-c', script]);
      if (!allowFail) assert.equal(r.code, 0, `${host}: ${script}: ${r.stderr}${r.stdout}`);
      return r.stdout;
    },
    async down() {
      await lab.down();
      rmSync(work, { recursive: true, force: true });
    },
  };
}

/** A Debian package built here with dpkg-deb: /usr/bin/<name> prints "<name> <version>"; extra files by path. */
export function buildDeb(dir: string, name: string, version = '1.0', files: Readonly<Record<string, string>> = {}, control = ''): string {
  const root = join(dir, `${name}-${version}`);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(join(root, 'DEBIAN'), { recursive: true });
  mkdirSync(join(root, 'usr/bin'), { recursive: true });
  writeFileSync(join(root, 'DEBIAN/control'), `Package: ${name}\nVersion: ${version}\nArchitecture: all\nMaintainer: provision tests <tests@example.invalid>\nDescription: built by provision's tests\n${control}`);
  writeFileSync(join(root, 'usr/bin', name), `#!/bin/sh\necho "${name} ${version}"\n`);
  chmodSync(join(root, 'usr/bin', name), 0o755);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  // Files under /etc are configuration files (dpkg keeps them on remove, drops them on purge).
  const conffiles = Object.keys(files).filter((p) => p.startsWith('/etc/'));
  if (conffiles.length > 0) writeFileSync(join(root, 'DEBIAN/conffiles'), conffiles.map((p) => `${p}\n`).join(''));
  const deb = join(dir, `${name}_${version}_all.deb`);
  execFileSync('dpkg-deb', ['--root-owner-group', '--build', root, deb], { stdio: 'ignore' });
  return deb;
}
