import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BIN } from '../helpers/cli.js';
import { labSkipReason, startLab, type TestLab } from '../helpers/lab.js';
import { statuses, SYSMODS_INVENTORY } from '../helpers/sysmods.js';

const INIT_SCRIPT = `#!/bin/sh
### BEGIN INIT INFO
# Provides:          psm-sysv
# Required-Start:
# Required-Stop:
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: provision test daemon
### END INIT INFO
P=/var/lib/psm-sysv.pid
running() { [ -f $P ] && kill -0 "$(cat $P)" 2>/dev/null; }
case "$1" in
  start) running && exit 0; nohup sleep 100000 >/dev/null 2>&1 & echo $! > $P; echo start >> /var/lib/psm-sysv.log ;;
  stop) running && kill "$(cat $P)"; rm -f $P; echo stop >> /var/lib/psm-sysv.log ;;
  status) running ;;
  reload) echo reload >> /var/lib/psm-sysv.log ;;
  *) exit 3 ;;
esac
`;

describe('service on sshd-only hosts (no systemd): /etc/init.d and update-rc.d', { skip: labSkipReason() }, () => {
  let lab: TestLab;
  let dir: string;
  before(async () => {
    lab = await startLab(SYSMODS_INVENTORY, 'sysv');
    dir = lab.dir;
  }, { timeout: 60_000 });
  after(async () => {
    await lab?.down();
  });

  const play = async (yaml: string, extra: string[] = []): Promise<string> => {
    const file = join(dir, `sysv-${Math.random().toString(36).slice(2)}.yml`);
    writeFileSync(file, yaml);
    const r = await lab.run([process.execPath, BIN, '-i', SYSMODS_INVENTORY, ...extra, file]);
    return r.stdout + r.stderr;
  };
  const sh = async (script: string): Promise<string> => (await lab.exec('n1', ['sh', '-c', script])).stdout.trim();

  test('started and enabled through the init script; --check, run, second run; restarted stops then starts', { timeout: 90_000 }, async () => {
    const setup = await play(`- hosts: n1\n  gather_facts: false\n  become: true\n  tasks:\n    - copy:\n        dest: /etc/init.d/psm-sysv\n        mode: "0755"\n        content: ${JSON.stringify(INIT_SCRIPT)}\n`);
    assert.match(setup, /changed: \[n1\]/, setup);
    const svc = `- hosts: n1\n  gather_facts: false\n  become: true\n  tasks:\n    - service: {name: psm-sysv, state: started, enabled: true}\n      register: r\n    - debug: {msg: "{{ r.name }} {{ r.state }} {{ r.enabled }}"}\n`;
    const check = await play(svc, ['--check']);
    assert.deepEqual(statuses(check, 'n1'), ['service: changed', 'debug: ok'], check);
    assert.equal(await sh('/etc/init.d/psm-sysv status && echo up || echo down; ls /etc/rc2.d | grep -c psm-sysv || true'), 'down\n0');
    const run = await play(svc);
    assert.deepEqual(statuses(run, 'n1'), ['service: changed', 'debug: ok'], run);
    assert.match(run, /"msg": "psm-sysv started True"/);
    assert.equal(await sh('/etc/init.d/psm-sysv status && echo up || echo down; ls /etc/rc2.d | grep -c "^S..psm-sysv"'), 'up\n1');
    const again = await play(svc);
    assert.deepEqual(statuses(again, 'n1'), ['service: ok', 'debug: ok'], again);
    const restart = await play(`- hosts: n1\n  gather_facts: false\n  become: true\n  tasks:\n    - service: {name: psm-sysv, state: restarted}\n    - service: {name: psm-sysv, state: reloaded}\n    - service: {name: psm-sysv, state: stopped, enabled: false}\n    - service: {name: psm-sysv, state: stopped, enabled: false}\n`);
    assert.deepEqual(statuses(restart, 'n1'), ['service: changed', 'service: changed', 'service: changed', 'service: ok'], restart);
    assert.equal(await sh('cat /var/lib/psm-sysv.log | tr "\\n" " "'), 'start stop start reload stop');
    assert.equal(await sh('/etc/init.d/psm-sysv status && echo up || echo down; ls /etc/rc2.d | grep -c "^S..psm-sysv" || true'), 'down\n0');
    const missing = await play(`- hosts: n1\n  gather_facts: false\n  become: true\n  tasks:\n    - service: {name: psm-nosuch, state: started}\n`);
    assert.match(missing, /"msg": "Could not find the requested service psm-nosuch: "/);
  });
});
