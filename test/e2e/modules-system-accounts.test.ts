import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { labSkipReason } from '../helpers/lab.js';
import { converge, type ModuleLab, startModuleLab } from '../helpers/module-play.js';

/** user, group and cron on sshd lab hosts (they need no init system). */
const HASH1 = '$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8wiOQSpT0Y77vwPZN.Pq.H91p5hVO1';
const HASH2 = '$6$saltsalt$r4j7z8gOqxO9zYH/VSQ4MPgAu/GTg0.tIK5o0K3dXowoILt/JRmXmiqFa26mKioMH3Fwhg6qaU0XTibPpoJ8z.';

const play = (tasks: string, hosts = 'nodes'): string => `- hosts: ${hosts}\n  gather_facts: false\n  tasks:\n${tasks.replace(/^/gm, '    ').replace(/^ +$/gm, '')}\n`;

describe('user, group, cron on lab hosts', { skip: labSkipReason() }, () => {
  let lab: ModuleLab;
  before(async () => {
    lab = await startModuleLab('sysmods-accounts', 63, ['n1', 'n2'], 'sshd');
  });
  after(async () => {
    await lab?.down();
  });

  test('group: created with a gid, the gid changed, removed', async () => {
    await converge(lab, play('- group: { name: devs, gid: 2345 }\n- group: { name: sysgrp, system: true }'));
    assert.match(await lab.sh('n1', 'getent group devs sysgrp'), /^devs:x:2345:\nsysgrp:x:\d{3}:\n$/);
    await converge(lab, play('- group: { name: devs, gid: 2346 }'));
    assert.equal(await lab.sh('n2', 'getent group devs'), 'devs:x:2346:\n');
    await converge(lab, play('- group: { name: sysgrp, state: absent }'));
    assert.equal((await lab.shRaw('n1', 'getent group sysgrp')).code, 2);
  });

  test('user: created with uid, groups, shell, home and a password hash that never appears in a command line or the output', async () => {
    await lab.sh('n1', 'getent group ops >/dev/null || groupadd ops; getent group qa >/dev/null || groupadd qa');
    await lab.sh('n2', 'getent group ops >/dev/null || groupadd ops; getent group qa >/dev/null || groupadd qa');
    const yaml = play(`- user:\n    name: alice\n    uid: 3001\n    groups: [ops, qa]\n    shell: /bin/bash\n    comment: Alice A\n    home: /srv/homes/alice\n    password: "${HASH1}"`);
    const { check, real, again } = await converge(lab, yaml);
    for (const run of [check, real, again]) assert.doesNotMatch(JSON.stringify(run.results) + run.stderr, /TVLlQcbp/, 'the hash was in the output');
    assert.equal(await lab.sh('n1', 'getent passwd alice'), 'alice:x:3001:3001:Alice A:/srv/homes/alice:/bin/bash\n');
    assert.equal(await lab.sh('n1', 'id -nG alice'), 'alice ops qa\n');
    assert.equal((await lab.sh('n2', 'getent shadow alice')).split(':')[1], HASH1);
    assert.equal(await lab.sh('n1', 'stat -c "%U %G" /srv/homes/alice; test -e /srv/homes/alice/.bashrc && echo skel; ls -A /etc | grep -c provision-password || true'), 'alice alice\nskel\n0\n');
    const r = again.on('user', 'n1').result;
    assert.deepEqual([r['uid'], r['group'], r['home'], r['shell'], r['password'], r['changed']], [3001, 3001, '/srv/homes/alice', '/bin/bash', 'NOT_LOGGING_PASSWORD', false]);
  });

  test('user: a new hash, groups appended or set, then removed with its home', async () => {
    await converge(lab, play(`- user: { name: alice, password: "${HASH2}", groups: [devs], append: true }`, 'n1'));
    assert.equal((await lab.sh('n1', 'getent shadow alice')).split(':')[1], HASH2);
    assert.equal(await lab.sh('n1', 'id -nG alice'), 'alice devs ops qa\n');
    await converge(lab, play('- user: { name: alice, groups: [qa] }', 'n1'));
    assert.equal(await lab.sh('n1', 'id -nG alice'), 'alice qa\n');
    await converge(lab, play('- user: { name: alice, state: absent, remove: true }'));
    assert.equal((await lab.shRaw('n1', 'getent passwd alice; test -e /srv/homes/alice')).code, 1);
  });

  test('user: a primary group that does not exist: check mode predicts a change, the real run fails as Ansible\'s', async () => {
    const yaml = play('- user: { name: bob, group: nosuchgroup }', 'n1');
    const check = await lab.play(yaml, { check: true });
    assert.equal(check.on('user', 'n1').status, 'changed');
    const real = await lab.play(yaml);
    assert.equal(real.code, 2);
    assert.equal(real.on('user', 'n1').result['msg'], 'Group nosuchgroup does not exist');
  });

  test('cron: a job in root\'s crontab under its marker, changed, disabled, removed; a cron.d file removed when empty', async () => {
    await lab.sh('n1', 'printf "MAILTO=ops\\n5 4 * * * /usr/bin/true\\n" | crontab -');
    const { real } = await converge(lab, play('- cron: { name: backup, minute: "0", hour: "2", job: /usr/local/bin/backup }\n- cron: { name: PATH, env: true, job: /usr/bin:/bin }\n- cron: { name: weekly, special_time: weekly, job: /bin/cleanup, cron_file: provision-test, user: nobody }'), { diff: true });
    assert.equal(await lab.sh('n1', 'crontab -l'), 'PATH="/usr/bin:/bin"\nMAILTO=ops\n5 4 * * * /usr/bin/true\n#Ansible: backup\n0 2 * * * /usr/local/bin/backup\n');
    assert.equal(await lab.sh('n2', 'cat /etc/cron.d/provision-test'), '#Ansible: weekly\n@weekly nobody /bin/cleanup\n');
    assert.deepEqual(real.on('cron', 'n1').result['jobs'], ['backup']);
    await converge(lab, play('- cron: { name: backup, minute: "30", hour: "2", job: /usr/local/bin/backup, disabled: true }', 'n1'));
    assert.match(await lab.sh('n1', 'crontab -l'), /#Ansible: backup\n#30 2 \* \* \* \/usr\/local\/bin\/backup\n$/);
    await converge(lab, play('- cron: { name: backup, state: absent }\n- cron: { name: weekly, state: absent, cron_file: provision-test }'));
    assert.equal(await lab.sh('n1', 'crontab -l'), 'PATH="/usr/bin:/bin"\nMAILTO=ops\n5 4 * * * /usr/bin/true\n');
    assert.equal((await lab.shRaw('n2', 'test -e /etc/cron.d/provision-test')).code, 1);
  });

  test('backup: keeps the old file as path.PID.YYYY-MM-DD@HH:MM:SS~ (backup_file); validate: a failing command leaves the file alone', async () => {
    await lab.sh('n1', 'mkdir -p /srv/vb && printf "old\\n" > /srv/vb/conf && chmod 0640 /srv/vb/conf');
    const r = await lab.play(play([
      '- copy: { content: "new\\n", dest: /srv/vb/conf, backup: true }',
      '  register: c',
      '- name: lineinfile that does not validate',
      '  lineinfile: { path: /srv/vb/conf, line: "bad", validate: "grep -q good %s", backup: true }',
      '  ignore_errors: true',
      '- name: blockinfile that validates',
      '  blockinfile: { path: /srv/vb/conf, block: "good", validate: "grep -q good %s" }',
    ].join('\n'), 'n1'));
    assert.equal(r.code, 0, r.stderr);
    const backup = String(r.on('copy', 'n1').result['backup_file']);
    assert.match(backup, /^\/srv\/vb\/conf\.\d+\.\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d~$/);
    assert.equal(await lab.sh('n1', `cat '${backup}'; stat -c %a /srv/vb/conf; cat /srv/vb/conf`), 'old\n640\nnew\n# BEGIN ANSIBLE MANAGED BLOCK\ngood\n# END ANSIBLE MANAGED BLOCK\n');
    const failed = r.on('lineinfile that does not validate', 'n1');
    assert.equal(failed.status, 'failed');
    assert.match(String(failed.result['msg']), /^failed to validate: rc:1 error:/);
    assert.equal(await lab.sh('n1', 'ls -A /srv/vb | grep -c provision || true'), '0\n');
  });

  test('a bad argument is refused before any host is touched (the rest: test/unit/system-modules-b-args.test.ts)', async () => {
    const [task, message] = ['- user: { name: x, password: plaintext }', /password must be a crypted hash/] as const;
    const r = await lab.play(play(`- command: touch /root/touched\n${task}`, 'n1'));
    assert.equal(r.code, 1, `${task}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.results.length, 0);
    assert.equal((await lab.shRaw('n1', 'test -e /root/touched')).code, 1);
  });

});

