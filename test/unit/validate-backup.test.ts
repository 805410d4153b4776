import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Plan } from '../../src/modules/plan.js';
import { backupName, withValidateAndBackup } from '../../src/modules/validate-backup.js';

const write: Plan = { changes: [{ kind: 'write', what: 'write /etc/x.conf', path: '/etc/x.conf', content: Buffer.from('new\n'), mode: '0640' }], result: { dest: '/etc/x.conf' } };
const now = (): Date => new Date(2026, 10, 30, 4, 5, 6);

describe('validate: and backup: around a planned write', () => {
  test('the backup name is Ansible\'s path.PID.YYYY-MM-DD@HH:MM:SS~', () => {
    assert.equal(backupName('/etc/x.conf', 4242, now()), '/etc/x.conf.4242.2026-11-30@04:05:06~');
  });
  test('backup copies an existing file first and returns backup_file; a new file has no backup', () => {
    const plan = withValidateAndBackup(write, { backup: true }, { path: '/etc/x.conf', type: 'file' }, 'copy', now, 7);
    assert.deepEqual(plan.changes.map((c) => c.kind), ['script', 'write']);
    assert.equal((plan.changes[0] as { script: string }).script, "cp -p -- /etc/x.conf '/etc/x.conf.7.2026-11-30@04:05:06~'");
    assert.equal(plan.result?.['backup_file'], '/etc/x.conf.7.2026-11-30@04:05:06~');
    const fresh = withValidateAndBackup(write, { backup: true }, { path: '/etc/x.conf', type: 'absent' }, 'copy', now, 7);
    assert.deepEqual(fresh, write);
  });
  test('validate writes beside the file, runs the command on that file (%s), and renames only when it succeeds', () => {
    const plan = withValidateAndBackup(write, { validate: 'visudo -cf %s', backup: false }, { path: '/etc/x.conf', type: 'file' }, 'lineinfile', now, 7);
    assert.deepEqual(plan.changes.map((c) => c.kind), ['write', 'script']);
    const [put, check] = plan.changes as unknown as [{ path: string; mode: string }, { script: string }];
    assert.equal(put.path, '/etc/.provision-validate-x.conf');
    assert.equal(put.mode, '0640');
    assert.match(check.script, /\(visudo -cf \/etc\/\.provision-validate-x\.conf\)/);
    assert.match(check.script, /failed to validate: rc:%s error:%s/);
    assert.match(check.script, /mv -f -- \/etc\/\.provision-validate-x\.conf \/etc\/x\.conf$/);
    assert.doesNotMatch(check.script, /chmod --reference/, 'the task sets the mode: it is not taken from the old file');
  });
  test('nothing to write, or a failed plan: unchanged', () => {
    const none: Plan = { changes: [], result: {} };
    assert.equal(withValidateAndBackup(none, { validate: 'true %s', backup: true }, { path: '/x', type: 'file' }, 'copy'), none);
  });
});
