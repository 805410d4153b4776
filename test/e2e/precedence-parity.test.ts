import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { REPO, runCli } from '../helpers/cli.js';

const hasAnsible = spawnSync('ansible-playbook', ['--version']).status === 0;
const DIR = join(REPO, 'test/fixtures/precedence');
const ARGS = ['-i', join(DIR, 'inventory/hosts'), join(DIR, 'site.yml'), '-e', 'v_setfact_vs_extra=extra_vars', '-e', 'v_params_vs_extra=extra_vars'];

/**
 * Ansible's variable precedence as a table: each variable is set in two neighbouring sources
 * (test/fixtures/precedence) and the value that wins names its source. Every row is read from
 * the real ansible-playbook's run, and provision's output must be the same bytes.
 */
const TABLE: readonly (readonly [variable: string, winner: string])[] = [
  ['v_defaults_vs_all', 'ini_all'], // role defaults < inventory [all:vars]
  ['v_all_vs_group', 'ini_child'], // [all:vars] < [group:vars]
  ['v_parent_vs_child', 'ini_child'], // a parent group < its child (deeper wins)
  ['v_inigroup_vs_gvall', 'inventory_group_vars_all'], // every inventory-file group < group_vars/all
  ['v_gvall_inv_vs_pb', 'playbook_group_vars_all'], // group_vars/all beside the inventory < beside the playbook
  ['v_gvall_vs_gvchild', 'inventory_group_vars_child'], // group_vars/all < group_vars/<group>
  ['v_pbgvall_vs_invgvchild', 'inventory_group_vars_child'], // group_vars/all beside the playbook < group_vars/<group> beside the inventory
  ['v_gvchild_inv_vs_pb', 'playbook_group_vars_child'], // group_vars/<group>: inventory's < playbook's
  ['v_gv_vs_inline', 'inline_host'], // group_vars < the host's line in the inventory
  ['v_inline_vs_hv', 'inventory_host_vars'], // the host's line < host_vars/
  ['v_hv_inv_vs_pb', 'playbook_host_vars'], // host_vars beside the inventory < beside the playbook
  ['v_hv_vs_play', 'play_vars'], // host_vars < play vars
  ['v_play_vs_files', 'vars_files'], // play vars < vars_files
  ['v_files_vs_rolevars', 'role_vars'], // vars_files < role vars/main.yml (in the role, and play-wide)
  ['v_rolevars_in_pretask', 'role_vars'], // a role's vars reach every task of the play, pre_tasks too
  ['v_defaults_in_play_task', 'role_defaults'], // and so do its defaults
  ['v_entryvars_vs_rolevars', 'role_vars'], // the role entry's vars: < vars/main.yml
  ['v_rolevars_vs_task', 'task_vars'], // role vars < task vars
  ['v_task_vs_setfact', 'set_fact'], // task vars < set_fact
  ['v_setfact_vs_params', 'role_params'], // set_fact < role parameters
  ['v_params_vs_extra', 'extra_vars'], // role parameters < -e
  ['v_setfact_vs_extra', 'extra_vars'], // set_fact < -e
  ['ansible_kernel', 'play_vars'], // gathered facts < play vars
];

/** The value each `debug: var=` printed, by variable (the last one printed wins). */
function shown(stdout: string): Map<string, unknown> {
  const values = new Map<string, unknown>();
  for (const m of stdout.matchAll(/^ok: \[h1\] => (\{\n[\s\S]*?\n\})$/gm)) {
    for (const [k, v] of Object.entries(JSON.parse(m[1] ?? '{}') as Record<string, unknown>)) values.set(k, v);
  }
  return values;
}

describe('variable precedence, row by row, against the real ansible-playbook', { skip: hasAnsible ? false : 'ansible-playbook is not installed (scripts/setup.sh installs ansible-core for the tests)' }, () => {
  test('inventory file, group_vars/ and host_vars/ beside the inventory and the playbook, group depth, facts, play vars, vars_files, role defaults/vars/params, task vars, set_fact, register, -e', async () => {
    const ansible = spawnSync('ansible-playbook', ARGS, {
      encoding: 'utf8',
      env: { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_FORCE_COLOR: '0', ANSIBLE_PYTHON_INTERPRETER: '/usr/bin/python3' },
    });
    assert.equal(ansible.status, 0, ansible.stdout + ansible.stderr);
    const values = shown(ansible.stdout);
    for (const [variable, winner] of TABLE) assert.equal(values.get(variable), winner, `ansible-playbook: ${variable}`);
    assert.equal(values.get("ansible_hostname == 'inventory_host_vars'"), false, 'host_vars < gathered facts');
    assert.deepEqual(values.get('v_register_vs_setfact'), { changed: false, failed: false, msg: 'registered' }, 'register after set_fact: the later wins');

    const ours = await runCli(ARGS);
    assert.equal(ours.code, 0, ours.stderr);
    assert.equal(ours.stdout, ansible.stdout);
  });
});
