import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { REPO, runCli } from '../helpers/cli.js';

const hasAnsible = spawnSync('ansible-playbook', ['--version']).status === 0;
const FIXTURES = join(REPO, 'test/fixtures/parity');

/** Timestamps differ from run to run; everything else must be the same bytes. */
const maskTimes = (text: string): string => text.replace(/"(start|end|delta)": "[^"]*"/g, '"$1": "…"');

describe('output parity with the real ansible-playbook', { skip: hasAnsible ? false : 'ansible-playbook is not installed (scripts/setup.sh installs ansible-core for the tests)' }, () => {
  test('loops (with when, ignored failures, no_log, debug, a label, no items, all skipped), an ignored failure, changed_when, failed_when, set_fact, a skipped task, a handler: the same bytes', async () => {
    const ansible = spawnSync('ansible-playbook', ['-i', 'localhost,', '-c', 'local', join(FIXTURES, 'ansible.yml')], {
      encoding: 'utf8',
      // A set interpreter: no discovered_interpreter_python fact in the first module's result.
      env: { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_FORCE_COLOR: '0', ANSIBLE_LOCALHOST_WARNING: 'false', ANSIBLE_PYTHON_INTERPRETER: '/usr/bin/python3' },
    });
    assert.equal(ansible.status, 0, ansible.stdout + ansible.stderr);
    const ours = await runCli(['-i', join(REPO, 'test/fixtures/local-inventory.ini'), join(FIXTURES, 'provision.yml')]);
    assert.equal(ours.code, 0, ours.stderr);
    assert.equal(maskTimes(ours.stdout), maskTimes(ansible.stdout));
  });
});
