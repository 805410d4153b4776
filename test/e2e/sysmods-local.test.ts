import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO, runCli } from '../helpers/cli.js';

test('reboot over the local connection is refused (it would reboot the controller), also under --check', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'provision-reboot-local-'));
  try {
    const play = join(dir, 'play.yml');
    writeFileSync(play, '- hosts: localhost\n  gather_facts: false\n  tasks:\n    - reboot: {}\n');
    // --check: even if the guard were gone, check mode would not reboot this machine.
    const r = await runCli(['-i', join(REPO, 'test/fixtures/local-inventory.ini'), '--check', play]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stdout, /fatal: \[localhost\]: FAILED! => .*"msg": "Running reboot with local connection would reboot the control node\."/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
