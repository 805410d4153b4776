import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { bootedSkipReason } from '../helpers/lab.js';
import { recap, startSysLab, statuses, type SysLab } from '../helpers/sysmods.js';

const ZERO = { unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 };

describe('reboot, wait_for_connection and wait_for on booted hosts (real reboots)', { skip: bootedSkipReason() }, () => {
  let s: SysLab;
  before(async () => {
    s = await startSysLab('reboot');
  }, { timeout: 60_000 });
  after(async () => {
    await s?.down();
  });

  const bootId = (host: string): Promise<string> => s.sh(host, 'cat /proc/sys/kernel/random/boot_id').then((o) => o.trim());

  test('reboot: --check reports it without rebooting; the real run reboots and waits until the host is back', { timeout: 120_000 }, async () => {
    const play = `- hosts: nodes\n  gather_facts: false\n  become: true\n  tasks:\n    - reboot: {reboot_timeout: 90, test_command: "systemctl is-system-running --wait || true", post_reboot_delay: 1}\n      register: r\n    - debug: {msg: "rebooted={{ r.rebooted }} elapsed={{ r.elapsed }}"}\n    - command: cat /proc/sys/kernel/random/boot_id\n      register: b\n    - debug: {var: b.stdout}\n`;
    const before = { n1: await bootId('n1'), n2: await bootId('n2') };
    const check = await s.play(play, ['--check']);
    assert.deepEqual(statuses(check.out, 'n1').slice(0, 2), ['reboot: changed', 'debug: ok'], check.out);
    assert.equal(await bootId('n1'), before.n1, '--check rebooted the host');
    const run = await s.play(play);
    assert.equal(run.code, 0, run.out);
    assert.deepEqual(recap(run.out, 'n1'), { ok: 4, changed: 2, ...ZERO }, run.out);
    assert.match(run.out, /"msg": "rebooted=True elapsed=\d+"/);
    const after = { n1: await bootId('n1'), n2: await bootId('n2') };
    assert.notEqual(after.n1, before.n1);
    assert.notEqual(after.n2, before.n2);
    // The task after the reboot ran on the new boot, over the new connection.
    assert.match(run.out, new RegExp(`"b.stdout": "${after.n1}"`));
    const status = await s.lab.status();
    assert.match(status.stdout, /^n1\s+\S+\s+up$/m);
  });

  test('wait_for_connection after a reboot started in the background; wait_for a port, a file with a regex, a file gone', { timeout: 120_000 }, async () => {
    const before = await bootId('n2');
    const play = `- hosts: n2\n  gather_facts: false\n  become: true\n  tasks:\n    - shell: nohup sh -c 'sleep 1; systemctl reboot' >/dev/null 2>&1 &\n    - wait_for_connection: {delay: 3, timeout: 90}\n    - wait_for: {port: 22, timeout: 30}\n    - shell: nohup sh -c 'sleep 2; echo "ready 42" > /tmp/psm-ready' >/dev/null 2>&1 &\n    - wait_for: {path: /tmp/psm-ready, search_regex: 'ready (?P<n>\\d+)', timeout: 20}\n      register: w\n    - debug: {msg: "{{ w.match_groups }} {{ w.match_groupdict.n }}"}\n    - file: {path: /tmp/psm-ready, state: absent}\n    - wait_for: {path: /tmp/psm-ready, state: absent, timeout: 5}\n    - wait_for: {port: 8899, state: stopped, timeout: 5}\n    - wait_for: {port: 8899, timeout: 2}\n      ignore_errors: true\n`;
    const check = await s.play(play, ['--check']);
    assert.equal(statuses(check.out, 'n2')[1], 'wait_for_connection: skipping', check.out);
    const run = await s.play(play);
    assert.equal(run.code, 0, run.out);
    assert.deepEqual(statuses(run.out, 'n2'), ['shell: changed', 'wait_for_connection: ok', 'wait_for: ok', 'shell: changed', 'wait_for: ok', 'debug: ok', 'file: changed', 'wait_for: ok', 'wait_for: ok', 'wait_for: failed'], run.out);
    assert.match(run.out, /"msg": "\['42'\] 42"|"msg": "\[u?'42'\] 42"/, run.out);
    assert.match(run.out, /"msg": "Timeout when waiting for 127\.0\.0\.1:8899"/);
    assert.notEqual(await bootId('n2'), before, 'the host did not reboot');
  });

  test('bad arguments are refused before any host is touched', { timeout: 60_000 }, async () => {
    const bad = await s.play(`- hosts: n1\n  gather_facts: false\n  tasks:\n    - wait_for: {port: 22, path: /tmp/x}\n`);
    assert.match(bad.out, /wait_for: parameters are mutually exclusive: port\|path/);
    assert.doesNotMatch(bad.out, /PLAY \[/);
  });
});
