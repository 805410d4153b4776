import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { bootedSkipReason } from '../helpers/lab.js';
import { recap, startSysLab, statuses, type SysLab } from '../helpers/sysmods.js';

const ZERO = { unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 };

const UNIT = `[Unit]\\nDescription=provision test service\\n[Service]\\nExecStart=/bin/sleep infinity\\nExecReload=/bin/true\\n[Install]\\nWantedBy=multi-user.target\\n`;

describe('systemd and service on booted hosts (systemctl)', { skip: bootedSkipReason() }, () => {
  let s: SysLab;
  before(async () => {
    s = await startSysLab('service');
    const unit = await s.play(`- hosts: nodes\n  gather_facts: false\n  become: true\n  tasks:\n    - copy: {dest: /lib/systemd/system/psm-demo.service, content: "${UNIT}"}\n`);
    assert.equal(unit.code, 0, unit.out);
  }, { timeout: 60_000 });
  after(async () => {
    await s?.down();
  });

  const state = (host: string): Promise<string> => s.sh(host, 'echo "$(systemctl is-active psm-demo) $(systemctl is-enabled psm-demo)"', true).then((o) => o.trim());

  test('systemd: daemon_reload, started and enabled; --check predicts, the run makes it, the second run is ok', { timeout: 90_000 }, async () => {
    const play = `- hosts: nodes\n  gather_facts: false\n  become: true\n  tasks:\n    - systemd: {name: psm-demo, state: started, enabled: true, daemon_reload: true}\n      register: r\n    - debug: {msg: "{{ r.name }} {{ r.state }} {{ r.enabled }} {{ r.status.ActiveState }}"}\n`;
    const check = await s.play(play, ['--check']);
    assert.equal(check.code, 0, check.out);
    assert.deepEqual(statuses(check.out, 'n1'), ['systemd: changed', 'debug: ok']);
    assert.match(check.out, /"msg": "psm-demo started True inactive"/);
    assert.equal(await state('n1'), 'inactive disabled');
    const run = await s.play(play);
    assert.deepEqual(recap(run.out, 'n2'), { ok: 2, changed: 1, ...ZERO }, run.out);
    assert.equal(await state('n1'), 'active enabled');
    assert.equal(await state('n2'), 'active enabled');
    const again = await s.play(play);
    assert.deepEqual(recap(again.out, 'n1'), { ok: 2, changed: 0, ...ZERO }, again.out);
    assert.match(again.out, /"msg": "psm-demo started True active"/);
  });

  test('restarted always restarts (a new main PID); reloaded reloads; stopped and masked', { timeout: 90_000 }, async () => {
    const pid = (): Promise<string> => s.sh('n1', 'systemctl show -p MainPID --value psm-demo').then((o) => o.trim());
    const before = await pid();
    const restart = await s.play(`- hosts: n1\n  gather_facts: false\n  become: true\n  tasks:\n    - systemd: {name: psm-demo, state: restarted}\n    - systemd: {name: psm-demo, state: reloaded}\n`);
    assert.deepEqual(statuses(restart.out, 'n1'), ['systemd: changed', 'systemd: changed'], restart.out);
    const after = await pid();
    assert.notEqual(after, before);
    assert.notEqual(after, '0');
    const mask = `- hosts: n1\n  gather_facts: false\n  become: true\n  tasks:\n    - systemd: {name: psm-demo, state: stopped}\n    - systemd: {name: psm-demo, enabled: false}\n    - systemd: {name: psm-demo, masked: true}\n`;
    const check = await s.play(mask, ['--check']);
    assert.deepEqual(statuses(check.out, 'n1'), ['systemd: changed', 'systemd: changed', 'systemd: changed'], check.out);
    assert.equal(await state('n1'), 'active enabled');
    const run = await s.play(mask);
    assert.deepEqual(statuses(run.out, 'n1'), ['systemd: changed', 'systemd: changed', 'systemd: changed'], run.out);
    assert.equal(await state('n1'), 'inactive masked');
    const again = await s.play(mask);
    assert.deepEqual(statuses(again.out, 'n1'), ['systemd: ok', 'systemd: ok', 'systemd: ok'], again.out);
    const unmask = await s.play(`- hosts: n1\n  gather_facts: false\n  become: true\n  tasks:\n    - systemd: {name: psm-demo, masked: false}\n`);
    assert.deepEqual(statuses(unmask.out, 'n1'), ['systemd: changed']);
    assert.equal(await state('n1'), 'inactive disabled');
  });

  test('service dispatches to systemctl on a systemd host', { timeout: 90_000 }, async () => {
    const play = `- hosts: n2\n  gather_facts: false\n  become: true\n  tasks:\n    - service: {name: psm-demo, state: stopped, enabled: false}\n    - service: {name: docker, state: started}\n`;
    const check = await s.play(play, ['--check']);
    assert.deepEqual(statuses(check.out, 'n2'), ['service: changed', 'service: ok'], check.out);
    assert.equal(await state('n2'), 'active enabled');
    const run = await s.play(play);
    assert.deepEqual(statuses(run.out, 'n2'), ['service: changed', 'service: ok'], run.out);
    assert.equal(await state('n2'), 'inactive disabled');
    assert.deepEqual(recap((await s.play(play)).out, 'n2'), { ok: 2, changed: 0, ...ZERO });
  });

  test('a unit that does not exist fails with Ansible\'s message; bad arguments are refused before any host is touched', { timeout: 90_000 }, async () => {
    const missing = await s.play(`- hosts: n1\n  gather_facts: false\n  become: true\n  tasks:\n    - systemd: {name: psm-nosuch, state: started}\n`);
    assert.match(missing.out, /fatal: \[n1\]: FAILED! => .*"msg": "Could not find the requested service psm-nosuch: host"/);
    const bad = await s.play(`- hosts: n1\n  gather_facts: false\n  tasks:\n    - systemd: {state: started}\n`);
    assert.match(bad.out, /systemd: missing parameter\(s\) required by 'state': name/);
    assert.doesNotMatch(bad.out, /PLAY \[/);
  });
});
