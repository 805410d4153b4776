import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { precedenceLayers, roleLayers, type VariableSources } from '../../src/engine/precedence.js';
import { Variables } from '../../src/engine/variables.js';
import { readIniInventory } from '../../src/inventory/ini-format.js';
import { Inventory } from '../../src/inventory/model.js';
import type { Play, RoleRun } from '../../src/playbook/model.js';
import { Templar } from '../../src/template/templar.js';
import type { Vars } from '../../src/util/data.js';

const role = (name: string, fields: Partial<RoleRun> = {}): RoleRun => ({ name, path: `roles/${name}`, defaults: {}, vars: {}, entryVars: {}, params: {}, parents: [], ...fields });

/** Every source sets `x` to its own name; the merge shows which one wins once the higher ones are gone. */
const SOURCES: readonly (keyof VariableSources)[] = ['roleDefaults', 'inventory', 'facts', 'playVars', 'varsFiles', 'roleVars', 'blockVars', 'taskVars', 'hostFacts', 'roleParams', 'extraVars'];
const LISTS = new Set<keyof VariableSources>(['roleDefaults', 'varsFiles', 'roleVars', 'blockVars', 'roleParams']);

function merged(present: readonly (keyof VariableSources)[]): unknown {
  const sources = Object.fromEntries(SOURCES.map((s) => {
    const vars: Vars = present.includes(s) ? { x: s } : {};
    return [s, LISTS.has(s) ? [vars] : vars];
  })) as unknown as VariableSources;
  return Object.assign({}, ...precedenceLayers(sources).map((l) => l.vars))['x'];
}

describe('variable precedence (VariableManager.get_vars order; the e2e table checks it against ansible-playbook)', () => {
  test('each source beats every source below it', () => {
    for (let i = 0; i < SOURCES.length; i++) {
      assert.equal(merged(SOURCES.slice(0, i + 1)), SOURCES[i], `${SOURCES[i]} beats ${SOURCES.slice(0, i).join(', ') || 'nothing'}`);
    }
  });
  test('facts and set_fact/register are data from the host: never templated', () => {
    const layers = precedenceLayers(Object.fromEntries(SOURCES.map((s) => [s, LISTS.has(s) ? [{}] : {}])) as unknown as VariableSources);
    assert.deepEqual(layers.filter((l) => l.fromHost).length, 2);
  });
  test("roles: every role's defaults and vars play-wide, then the task's role after the roles that pulled it in; params only for its own tasks", () => {
    const web = role('web', { defaults: { d: 'web' }, vars: { v: 'web' }, entryVars: { v: 'web-entry' }, params: { p: 'web' } });
    const common = role('common', { defaults: { d: 'common' }, vars: { v: 'common' }, params: { p: 'common' }, parents: [web] });
    const layers = roleLayers([common, web], common);
    assert.deepEqual(layers.defaults, [{ d: 'common' }, { d: 'web' }, { d: 'web' }, { d: 'common' }]);
    assert.deepEqual(layers.vars.at(-1), { v: 'common' }, "the task's own role last");
    assert.deepEqual(layers.vars.slice(-3), [{ v: 'web' }, {}, { v: 'common' }], 'entry vars: before vars/main.yml');
    assert.deepEqual(layers.params, [{ p: 'web' }, { p: 'common' }]);
    assert.deepEqual(roleLayers([web], undefined).params, [], 'a play task has no role params');
  });
});

describe("a host's inventory variables, in ansible-core's inventory order", () => {
  const inv = new Inventory();
  inv.addHostToGroup('h', 'child');
  inv.addChild('parent', 'child');
  inv.finish();
  const set = (where: Vars, vars: Vars): void => void Object.assign(where, vars);
  set(inv.group('all').vars, { a: 'ini_all', b: 'ini_all' });
  set(inv.group('parent').vars, { c: 'ini_parent' });
  set(inv.group('child').vars, { b: 'ini_child', c: 'ini_child', d: 'ini_child' });
  set(inv.host('h').vars, { i: 'inline' });
  inv.addVarsDir({ base: '/inv', besidePlaybook: false, groups: new Map([['all', { d: 'inv_gv_all', e: 'inv_gv_all', g: 'inv_gv_all' }], ['child', { f: 'inv_gv_child', g: 'inv_gv_child' }]]), hosts: new Map([['h', { j: 'inv_hv' }]]) });
  inv.addVarsDir({ base: '/pb', besidePlaybook: true, groups: new Map([['all', { e: 'pb_gv_all', g: 'pb_gv_all' }], ['child', { f: 'pb_gv_child', i: 'pb_gv_child' }]]), hosts: new Map([['h', { j: 'pb_hv' }]]) });
  test('all < groups (deeper wins) < group_vars/all (inventory, playbook) < group_vars/<group> (inventory, playbook) < host < host_vars', () => {
    assert.deepEqual(inv.varsOfHost('h', '/pb'), {
      a: 'ini_all', b: 'ini_child', c: 'ini_child', d: 'inv_gv_all', e: 'pb_gv_all', f: 'pb_gv_child', g: 'inv_gv_child', i: 'inline', j: 'pb_hv',
    });
  });
  test("without a playbook (ansible-inventory's view), only what is beside the inventory", () => {
    assert.deepEqual(inv.varsOfHost('h'), { a: 'ini_all', b: 'ini_child', c: 'ini_child', d: 'inv_gv_all', e: 'inv_gv_all', f: 'inv_gv_child', g: 'inv_gv_child', i: 'inline', j: 'inv_hv' });
  });
});

describe('magic variables (checked with ansible-playbook)', () => {
  test('they win over every source, -e included; the play hosts and the role are the ones of the task', () => {
    const inv = new Inventory();
    inv.addHostToGroup('d1', 'db');
    inv.addHostToGroup('w1', 'web');
    inv.finish();
    const variables = new Variables(inv, { ansible_check_mode: 'from -e' }, { ansible_check_mode: false }, new Templar(), { ansible_managed: 'base' });
    variables.setPlaybookDir('/pb');
    const web = role('web');
    const play = { name: 'P', vars: { groups: 'a play var', ansible_managed: 'mine' }, varsFiles: [], roles: [web] } as unknown as Play;
    const vars = variables.forTask('d1', { play, context: { blocks: [], role: web }, playHosts: { all: ['d1', 'w1'], active: ['d1'] } });
    assert.deepEqual(vars['groups'], { all: ['d1', 'w1'], ungrouped: [], db: ['d1'], web: ['w1'] });
    assert.equal(vars['ansible_check_mode'], false);
    assert.equal(vars['ansible_managed'], 'mine', 'ansible_managed is a default a play may change');
    assert.deepEqual([vars['ansible_play_hosts_all'], vars['ansible_play_hosts'], vars['play_hosts'], vars['ansible_play_name']], [['d1', 'w1'], ['d1'], ['d1'], 'P']);
    assert.deepEqual([vars['role_name'], vars['role_path'], vars['playbook_dir'], vars['ansible_play_role_names']], ['web', 'roles/web', '/pb', ['web']]);
  });
});

describe('ansible_group_priority (checked with ansible-inventory --host)', () => {
  test("among groups of one depth the higher priority's vars win; it is the group's priority, not a variable", () => {
    const inv = new Inventory();
    readIniInventory(inv, '[a]\nh1\n[b]\nh1\n[a:vars]\nx=from_a\nansible_group_priority=10\n[b:vars]\nx=from_b\n', 'prio.ini');
    inv.finish();
    assert.deepEqual(inv.varsOfHost('h1'), { x: 'from_a' });
  });
});

describe('templated vars_files (checked with ansible-playbook)', () => {
  test("each host reads the file its variables name, later entries see earlier ones; a missing one is an error, an undefined variable skips the entry until facts are in", () => {
    const dir = mkdtempSync(join(tmpdir(), 'provision-vf-'));
    try {
      mkdirSync(join(dir, 'vars'));
      writeFileSync(join(dir, 'vars/a.yml'), 'from_a: 1\nnext: b\n');
      writeFileSync(join(dir, 'vars/b.yml'), 'from_b: 2\n');
      const inv = new Inventory();
      inv.addHostToGroup('h1', 'web');
      inv.finish();
      const variables = new Variables(inv, {}, {}, new Templar());
      const entry = (text: string) => ({ path: text, at: undefined, vars: {}, templates: [text], baseDir: dir });
      const play = { file: 'site.yml', at: { file: 'site.yml', line: 1, col: 3 }, name: 'p', vars: { which: 'a' }, roles: [], varsFiles: [entry('vars/{{which}}.yml'), entry('{{next}}.yml'), entry('vars/{{nosuch}}.yml')] } as unknown as Play;
      const vars = variables.forTask('h1', { play });
      assert.deepEqual([vars['from_a'], vars['from_b']], [1, 2]);
      variables.setFacts('h1', { ansible_hostname: 'h1' });
      assert.throws(() => variables.forTask('h1', { play }), /an undefined variable was found when attempting to template the vars_files item 'vars\/\{\{nosuch\}\}\.yml'/);
      const missing = { ...play, vars: { which: 'zzz' }, varsFiles: [entry('vars/{{which}}.yml')] } as unknown as Play;
      assert.throws(() => variables.forTask('h1', { play: missing }), /vars file vars\/\{\{which\}\}\.yml was not found/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
