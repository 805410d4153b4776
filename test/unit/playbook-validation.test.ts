import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ConfigError, ConfigErrors } from '../../src/errors.js';
import { loadInventory } from '../../src/inventory/load.js';
import { moduleCatalog } from '../../src/modules/registry.js';
import { loadPlaybook } from '../../src/playbook/load.js';
import { type Playbook, tasksIn } from '../../src/playbook/model.js';
import { validatePlaybooks } from '../../src/playbook/validate.js';
import { validateHostPatterns } from '../../src/playbook/validate-hosts.js';
import { Templar } from '../../src/template/templar.js';
import { REPO } from '../helpers/cli.js';

const root = mkdtempSync(join(tmpdir(), 'provision-pb-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** Writes a project (files relative to a fresh directory); returns that directory. */
function project(spec: Record<string, string>): string {
  const dir = mkdtempSync(join(root, 'case-'));
  for (const [name, text] of Object.entries(spec)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const load = (dir: string, name = 'site.yml'): Playbook => loadPlaybook(join(dir, name), moduleCatalog, dir);

/** The error's message with the project directory shown as DIR. */
function messageOf(dir: string, fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ConfigError || e instanceof ConfigErrors, String(e));
    return e.message.replaceAll(dir, 'DIR');
  }
  return 'no error';
}

const PLAY = '- hosts: all\n  gather_facts: no\n';
const TASK = '  tasks:\n    - debug: msg=hi\n';

describe('vars_files are read when the playbook is loaded', () => {
  test("bad YAML in the second play's vars_files is found before anything runs", () => {
    const dir = project({ 'site.yml': `${PLAY}${TASK}${PLAY}  vars_files: [vars/bad.yml]\n${TASK}`, 'vars/bad.yml': 'a: 1\nb: [\n' });
    assert.equal(messageOf(dir, () => load(dir)), 'DIR/vars/bad.yml:3:1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]');
  });
  test('the engine gets the values read then', () => {
    const dir = project({ 'site.yml': `${PLAY}  vars_files: vars/one.yml\n${TASK}`, 'vars/one.yml': 'a: 1\n' });
    assert.deepEqual(load(dir).plays[0]?.varsFiles.map((f) => f.vars), [{ a: 1 }], 'a single path stands for a list, as in Ansible');
  });
  test('a list inside the list means the first that exists', () => {
    const dir = project({ 'site.yml': `${PLAY}  vars_files:\n    - [vars/missing.yml, vars/two.yml]\n${TASK}`, 'vars/two.yml': 'b: 2\n' });
    assert.deepEqual(load(dir).plays[0]?.varsFiles.map((f) => [f.path, f.vars]), [[join(dir, 'vars/two.yml'), { b: 2 }]]);
  });
  test('missing, templated (kept for the run), NUL, not a mapping', () => {
    const dir = project({ 'site.yml': `${PLAY}  vars_files:\n    - vars/nope.yml\n${TASK}`, 'list.yml': '- 1\n', 'nul.yml': `${PLAY}  vars_files: ["a\\0b.yml"]\n${TASK}`, 'tpl.yml': `${PLAY}  vars_files:\n    - "vars/{{env}}.yml"\n${TASK}`, 'map.yml': `${PLAY}  vars_files: [list.yml]\n${TASK}` });
    assert.equal(messageOf(dir, () => load(dir)), 'DIR/site.yml:4:7: vars file not found: DIR/vars/nope.yml');
    assert.deepEqual(load(dir, 'tpl.yml').plays[0]?.varsFiles.map((f) => [f.templates, f.vars]), [[['vars/{{env}}.yml'], {}]], 'a templated path is read per host when the play runs');
    assert.equal(messageOf(dir, () => load(dir, 'nul.yml')), 'DIR/nul.yml:3:16: vars_files path contains a NUL byte: "a\\u0000b.yml"');
    assert.equal(messageOf(dir, () => load(dir, 'map.yml')), 'DIR/list.yml:1:1: a variables file must be a mapping, found a list');
  });
});

describe('cycles name the reference that closes them', () => {
  test('role dependencies (meta/main.yml)', () => {
    const dir = project({
      'site.yml': `${PLAY}  roles:\n    - a\n`,
      'roles/a/meta/main.yml': 'dependencies:\n  - role: b\n',
      'roles/b/meta/main.yml': 'galaxy_info: {}\ndependencies:\n  - a\n',
      'roles/a/tasks/main.yml': '- debug: msg=a\n',
      'roles/b/tasks/main.yml': '- debug: msg=b\n',
    });
    assert.equal(messageOf(dir, () => load(dir)), 'DIR/roles/b/meta/main.yml:3:5: role dependency cycle: a -> b -> a');
  });
  test('import_playbook', () => {
    const dir = project({ 'site.yml': '- import_playbook: a.yml\n', 'a.yml': '- import_playbook: b.yml\n', 'b.yml': `${PLAY}${TASK}- import_playbook: a.yml\n` });
    assert.equal(messageOf(dir, () => load(dir)), 'DIR/b.yml:5:3: import_playbook cycle: DIR/a.yml -> DIR/b.yml -> DIR/a.yml');
  });
});

describe('role dependencies', () => {
  test('run first, once per play for the same parameters, with the tags of the role that needs them', () => {
    const dir = project({
      'site.yml': `${PLAY}  roles:\n    - {role: web, tags: [web]}\n    - db\n`,
      'roles/web/meta/main.yml': 'dependencies: [common]\n',
      'roles/db/meta/main.yml': 'dependencies:\n  - role: common\n',
      'roles/common/tasks/main.yml': '- debug: msg=common\n',
      'roles/web/tasks/main.yml': '- debug: msg=web\n',
      'roles/db/tasks/main.yml': '- debug: msg=db\n',
    });
    const play = load(dir).plays[0];
    assert.deepEqual(tasksIn(play?.blocks ?? []).map((t) => [t.role, t.tags]), [['common', ['web']], ['web', ['web']], ['db', []]]);
  });
  test('keywords on a role entry that would be ignored are refused', () => {
    const dir = project({ 'site.yml': `${PLAY}  roles:\n    - role: web\n      when: false\n`, 'roles/web/tasks/main.yml': '- debug: msg=web\n' });
    assert.equal(messageOf(dir, () => load(dir)), 'DIR/site.yml:5:7: role keyword "when" is not supported by provision yet');
  });
});

describe('play keywords: types checked, nothing silently ignored', () => {
  const dir = project({
    'hosts-map.yml': '- hosts: {web: 1}\n  tasks: []\n',
    'hosts-tpl.yml': '- hosts: "{{ target }}"\n  tasks: []\n',
    'become.yml': '- hosts: all\n  become: maybe\n  tasks: []\n',
    'connection.yml': '- hosts: all\n  connection: local\n  tasks: []\n',
    'import-tags.yml': '- import_playbook: become.yml\n  serial: 1\n',
    'order.yml': '- hosts: all\n  order: sorted\n  tasks: []\n',
    'task-user.yml': '- hosts: all\n  tasks:\n    - command: id\n      remote_user: app\n',
    'with-dict.yml': '- hosts: all\n  tasks:\n    - debug: var=item\n      with_dict: {a: 1}\n',
  });
  test("Ansible's keywords that the engine does not run yet are refused as such, never ignored", () => {
    assert.equal(messageOf(dir, () => load(dir, 'order.yml')), 'DIR/order.yml:2:3: play keyword "order" is not supported by provision yet');
    assert.equal(messageOf(dir, () => load(dir, 'task-user.yml')), 'DIR/task-user.yml:4:7: task keyword "remote_user" is not supported by provision yet');
    assert.equal(messageOf(dir, () => load(dir, 'with-dict.yml')), 'DIR/with-dict.yml:4:7: task keyword "with_dict" is not supported by provision yet');
  });
  test('hosts must be a pattern (or a list of them), written out', () => {
    assert.equal(messageOf(dir, () => load(dir, 'hosts-map.yml')), 'DIR/hosts-map.yml:1:3: "hosts" must be a host pattern or a list of them, found a mapping');
    assert.equal(messageOf(dir, () => load(dir, 'hosts-tpl.yml')), 'DIR/hosts-tpl.yml:1:3: templated host patterns are not supported yet: write the pattern (or use --limit)');
  });
  test('become must be a boolean; play connection and import_playbook keywords are refused', () => {
    assert.equal(messageOf(dir, () => load(dir, 'become.yml')), 'DIR/become.yml:2:3: "become" must be a boolean (yes/no, true/false) or a template, found a string ("maybe")');
    assert.equal(messageOf(dir, () => load(dir, 'connection.yml')), 'DIR/connection.yml:2:3: play keyword "connection: local" is not supported yet: set ansible_connection in the inventory, or pass -c');
    assert.equal(messageOf(dir, () => load(dir, 'import-tags.yml')), 'DIR/import-tags.yml:2:3: "serial" beside import_playbook is not supported by provision yet');
  });
});

describe('validation before the first connection', () => {
  test('a NUL in a static path argument (it used to be dropped by the shell)', () => {
    const dir = project({ 'site.yml': `${PLAY}  tasks:\n    - file:\n        path: "/tmp/a\\0b"\n        state: touch\n` });
    assert.equal(messageOf(dir, () => validatePlaybooks([load(dir)], new Templar(), dir)), 'DIR/site.yml:5:9: file: argument "path" contains a NUL byte: "/tmp/a\\u0000b"');
  });
  test('a NUL in any other argument a host gets (a name, a peer, a header) is refused too; a file\'s content may hold one', () => {
    const nul = (task: string): string => {
      const dir = project({ 'site.yml': `${PLAY}  tasks:\n${task}` });
      return messageOf(dir, () => validatePlaybooks([load(dir)], new Templar(), dir));
    };
    assert.equal(nul('    - service:\n        name: "ssh\\0; reboot"\n        state: started\n'), 'DIR/site.yml:5:9: service: argument "name" contains a NUL byte');
    assert.equal(nul('    - weave:\n        peers: ["a", "b\\0"]\n'), 'DIR/site.yml:5:9: weave: argument "peers" contains a NUL byte');
    assert.equal(nul('    - get_url:\n        url: http://h/x\n        dest: /tmp/x\n        headers: {X-A: "v\\0"}\n'), 'DIR/site.yml:7:9: get_url: argument "headers" contains a NUL byte');
    assert.equal(nul('    - copy:\n        content: "a\\0b"\n        dest: /tmp/x\n'), 'no error');
    assert.equal(nul('    - debug:\n        msg: "a\\0b"\n'), 'no error');
  });
  test("every play's hosts pattern is resolved against the inventory, each error with its position", () => {
    const dir = project({ 'site.yml': `${PLAY}${TASK}- hosts: '~['\n${TASK}- hosts: mesos-agents[7]\n${TASK}` });
    const inventory = loadInventory([join(REPO, 'inventories/playground.yml')]);
    assert.equal(
      messageOf(dir, () => validateHostPatterns([load(dir)], inventory)),
      [
        `DIR/site.yml:5:3: host pattern '~[': unbalanced "[" (a "[" needs its "]")`,
        "DIR/site.yml:8:3: host pattern 'mesos-agents[7]': no host matches subscript [7]: the pattern before it matches 2 hosts",
      ].join('\n'),
    );
  });
});

describe('variable names are checked as Ansible checks them (isidentifier)', () => {
  test('set_fact names and register', () => {
    const dir = project({
      'facts.yml': `${PLAY}  tasks:\n    - set_fact:\n        ok_name: 1\n        cacheable: true\n        bad-name: 2\n`,
      'keyword.yml': `${PLAY}  tasks:\n    - set_fact:\n        class: 1\n`,
      'register.yml': `${PLAY}  tasks:\n    - debug: msg=hi\n      register: "True"\n`,
    });
    const check = (name: string): string => messageOf(dir, () => validatePlaybooks([load(dir, name)], new Templar(), dir));
    assert.equal(check('facts.yml'), "DIR/facts.yml:7:9: set_fact: the variable name 'bad-name' is not valid. Variables must start with a letter or underscore character, and contain only letters, numbers and underscores");
    assert.match(check('keyword.yml'), /the variable name 'class' is not valid/);
    assert.equal(check('register.yml'), 'DIR/register.yml:5:7: "register" must be a variable name (letters, digits and _, not a Python keyword), found a string ("True")');
  });
});
