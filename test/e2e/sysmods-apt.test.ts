import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { bootedSkipReason } from '../helpers/lab.js';
import { buildDeb, recap, startSysLab, statuses, type SysLab } from '../helpers/sysmods.js';

const ZERO = { unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 };

describe('apt and package on booted hosts (the lab apt repository)', { skip: bootedSkipReason() }, () => {
  let s: SysLab;
  before(async () => {
    s = await startSysLab('apt');
    const add = await s.lab.repoAdd([buildDeb(s.work, 'psm-alpha'), buildDeb(s.work, 'psm-beta'), buildDeb(s.work, 'psm-gamma', '1.0', { '/etc/psm-gamma.conf': 'x=1\n' })]);
    assert.equal(add.code, 0, add.stderr);
    // As in Ansible, --check does not update the cache: the hosts learn of the packages first.
    const update = await s.play(`- hosts: nodes\n  gather_facts: false\n  become: true\n  tasks:\n    - apt: {update_cache: true}\n`);
    assert.equal(update.code, 0, update.out);
    assert.match(update.out, /changed: \[n1\]/);
  }, { timeout: 60_000 });
  after(async () => {
    await s?.down();
  });

  const installed = (host: string, name: string): Promise<string> => s.sh(host, `dpkg-query -W -f='\${db:Status-Status} \${Version}' ${name} 2>/dev/null | grep '^installed' || echo none`, true).then((o) => o.trim());

  test('many packages in one apt-get call: --check predicts, the run installs, the second run is ok', { timeout: 90_000 }, async () => {
    const play = `- hosts: nodes\n  gather_facts: false\n  become: true\n  tasks:\n    - name: install\n      apt:\n        name: [psm-alpha, psm-beta]\n        update_cache: true\n      register: r\n    - debug: {var: r.cache_updated}\n`;
    await s.sh('n1', ': > /var/log/dpkg.log');
    const check = await s.play(play, ['--check']);
    assert.equal(check.code, 0, check.out);
    assert.deepEqual(statuses(check.out, 'n1').slice(0, 1), ['install: changed']);
    assert.equal(await installed('n1', 'psm-alpha'), 'none', '--check installed it');
    const run = await s.play(play);
    assert.equal(run.code, 0, run.out);
    assert.deepEqual(recap(run.out, 'n2'), { ok: 2, changed: 1, ...ZERO });
    assert.equal(await installed('n2', 'psm-alpha'), 'installed 1.0');
    assert.equal((await s.sh('n1', 'psm-beta')).trim(), 'psm-beta 1.0');
    // One apt-get for both: the dpkg log shows one "startup" of the install for both packages.
    assert.equal((await s.sh('n1', 'grep -c "startup archives unpack" /var/log/dpkg.log')).trim(), '1');
    const again = await s.play(play);
    assert.equal(again.code, 0, again.out);
    assert.deepEqual(recap(again.out, 'n1'), { ok: 2, changed: 0, ...ZERO });
  });

  test('latest upgrades to the candidate; absent with purge removes it and its configuration', { timeout: 90_000 }, async () => {
    assert.equal((await s.lab.repoAdd([buildDeb(s.work, 'psm-beta', '2.0')])).code, 0);
    // --check does not update the cache (as in Ansible): the host learns of 2.0 first.
    assert.deepEqual(recap((await s.play(`- hosts: n1\n  gather_facts: false\n  become: true\n  tasks:\n    - apt: {update_cache: true, cache_valid_time: 0}\n`)).out, 'n1'), { ok: 1, changed: 1, ...ZERO });
    const latest = `- hosts: n1\n  gather_facts: false\n  become: true\n  tasks:\n    - apt: {name: psm-beta, state: latest, update_cache: true, cache_valid_time: 3600}\n`;
    const check = await s.play(latest, ['--check']);
    assert.match(check.out, /changed: \[n1\]/);
    assert.equal(await installed('n1', 'psm-beta'), 'installed 1.0');
    const run = await s.play(latest);
    assert.deepEqual(recap(run.out, 'n1'), { ok: 1, changed: 1, ...ZERO }, run.out);
    assert.equal(await installed('n1', 'psm-beta'), 'installed 2.0');
    assert.deepEqual(recap((await s.play(latest)).out, 'n1'), { ok: 1, changed: 0, ...ZERO });

    const gamma = `- hosts: n1\n  gather_facts: false\n  become: true\n  tasks:\n    - apt: {name: psm-gamma}\n    - apt: {name: psm-gamma, state: absent}\n    - apt: {name: psm-gamma, state: absent}\n    - apt: {name: psm-gamma, state: absent, purge: true}\n    - apt: {name: psm-gamma, state: absent, purge: true}\n`;
    const g = await s.play(gamma);
    assert.deepEqual(statuses(g.out, 'n1'), ['apt: changed', 'apt: changed', 'apt: ok', 'apt: changed', 'apt: ok'], g.out);
    assert.equal(await installed('n1', 'psm-gamma'), 'none');
    assert.equal((await s.sh('n1', 'test -e /etc/psm-gamma.conf && echo yes || echo no')).trim(), 'no');
  });

  test('a .deb on the host (deb:), package: dispatching to apt, a missing package failing by name', { timeout: 90_000 }, async () => {
    const deb = buildDeb(s.work, 'psm-local', '3.1');
    const play = `- hosts: n2\n  gather_facts: false\n  become: true\n  tasks:\n    - copy: {src: ${deb}, dest: /tmp/psm-local.deb}\n    - apt: {deb: /tmp/psm-local.deb}\n    - package: {name: psm-alpha, state: absent}\n    - package: {name: [psm-alpha], state: present}\n    - apt: {name: psm-no-such-package}\n      ignore_errors: true\n      register: missing\n    - assert: {that: ["missing.msg == \\"No package matching 'psm-no-such-package' is available\\""]}\n`;
    const run = await s.play(play);
    assert.equal(run.code, 0, run.out);
    assert.deepEqual(statuses(run.out, 'n2'), ['copy: changed', 'apt: changed', 'package: changed', 'package: changed', 'apt: failed', 'assert: ok'], run.out);
    assert.equal((await s.sh('n2', 'psm-local')).trim(), 'psm-local 3.1');
    const again = await s.play(play);
    assert.deepEqual(statuses(again.out, 'n2').slice(0, 4), ['copy: ok', 'apt: ok', 'package: changed', 'package: changed'], again.out);
  });

  test('the dpkg lock held by another process is waited on, not a failure', { timeout: 90_000 }, async () => {
    // Another "apt" holds dpkg's frontend lock for 4 s (fcntl, as apt and dpkg take it).
    await s.sh('n1', `nohup python3 -c 'import fcntl,time; f=open("/var/lib/dpkg/lock-frontend","w"); fcntl.lockf(f, fcntl.LOCK_EX); open("/tmp/locked","w").close(); time.sleep(4)' >/dev/null 2>&1 &
      for i in $(seq 50); do [ -e /tmp/locked ] && break; sleep 0.1; done; test -e /tmp/locked`);
    const started = Date.now();
    const run = await s.play(`- hosts: n1\n  gather_facts: false\n  become: true\n  tasks:\n    - apt: {name: psm-alpha, state: absent}\n`);
    assert.deepEqual(recap(run.out, 'n1'), { ok: 1, changed: 1, ...ZERO }, run.out);
    assert.ok(Date.now() - started > 2500, 'it did not wait for the lock');
    await s.sh('n1', 'rm -f /tmp/locked');
  });

  test('bad arguments are refused before any host is touched', { timeout: 90_000 }, async () => {
    const bad = await s.play(`- hosts: nodes\n  gather_facts: false\n  tasks:\n    - apt: {name: psm-alpha, deb: /tmp/x.deb}\n    - apt: {name: psm-alpha, state: installed}\n`);
    assert.notEqual(bad.code, 0);
    assert.match(bad.out, /apt: parameters are mutually exclusive: deb\|name/);
    assert.doesNotMatch(bad.out, /PLAY \[/);
  });
});
