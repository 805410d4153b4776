import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError } from '../../src/errors.js';
import { hostSettings } from '../../src/inventory/host-settings.js';
import { readIniInventory } from '../../src/inventory/ini-format.js';
import { loadInventory } from '../../src/inventory/load.js';
import { Inventory } from '../../src/inventory/model.js';
import { selectHosts } from '../../src/inventory/patterns.js';
import { expandHostRange } from '../../src/inventory/ranges.js';
import { readYamlInventory } from '../../src/inventory/yaml-format.js';
import { parseYaml } from '../../src/config/yaml.js';
import { REPO } from '../helpers/cli.js';

function yamlInventory(text: string): Inventory {
  const inv = new Inventory();
  readYamlInventory(inv, parseYaml(text, 'inv.yml').data, 'inv.yml');
  inv.finish();
  return inv;
}

describe('host ranges', () => {
  test('numeric with padding, letters, steps and several ranges', () => {
    assert.deepEqual(expandHostRange('web[01:03].x'), ['web01.x', 'web02.x', 'web03.x']);
    assert.deepEqual(expandHostRange('db-[a:c]'), ['db-a', 'db-b', 'db-c']);
    assert.deepEqual(expandHostRange('n[1:9:4]'), ['n1', 'n5', 'n9']);
    assert.deepEqual(expandHostRange('r[1:2]c[1:2]'), ['r1c1', 'r1c2', 'r2c1', 'r2c2']);
    assert.throws(() => expandHostRange('x[5:1]'), /backwards/);
  });
});

describe('YAML inventory', () => {
  test('the playground: groups with hyphens, host vars, implicit all and ungrouped', () => {
    const inv = loadInventory([join(REPO, 'inventories/playground.yml')]);
    assert.deepEqual([...inv.hosts.keys()], ['mgmt', 'lb', 'mesos-master-1', 'mesos-agent-1', 'mesos-agent-2']);
    assert.deepEqual(inv.hostsOfGroup('mesos-agents'), ['mesos-agent-1', 'mesos-agent-2']);
    assert.deepEqual(inv.hostsOfGroup('ungrouped'), []);
    assert.equal(inv.varsOfHost('mesos-master-1')['zookeeper_id'], 1);
    assert.equal(inv.varsOfHost('lb')['ansible_user'], 'vagrant');
    assert.equal(hostSettings('lb', inv.varsOfHost('lb')).address, '10.0.15.11');
  });

  test('children inherit and override by depth; host vars win', () => {
    const inv = yamlInventory(`
all:
  vars: {level: all, a: 1}
  hosts:
    loose:
  children:
    parent:
      vars: {level: parent}
      children:
        child:
          vars: {level: child}
          hosts:
            h1: {level: host}
            h2:
`);
    assert.equal(inv.varsOfHost('h1')['level'], 'host');
    assert.equal(inv.varsOfHost('h2')['level'], 'child');
    assert.equal(inv.varsOfHost('h2')['a'], 1);
    assert.deepEqual(inv.hostsOfGroup('parent'), ['h1', 'h2']);
    assert.deepEqual(inv.hostsOfGroup('ungrouped'), ['loose']);
    assert.deepEqual(inv.groupsOfHost('h1'), ['all', 'parent', 'child']);
  });

  test('a bad key is reported with file:line:col', () => {
    assert.throws(
      () => yamlInventory('all:\n  children:\n    web:\n      host:\n        a:\n'),
      (err: unknown) => err instanceof ConfigError && /inv\.yml:4:7: unknown key "host" in group "web"/.test(err.message),
    );
  });

  test('YAML 1.1 scalars as Ansible reads them', () => {
    const inv = yamlInventory('all:\n  vars: {flag: yes, mode: 0644, text: "0644"}\n  hosts: {h: }\n');
    assert.deepEqual(
      [inv.varsOfHost('h')['flag'], inv.varsOfHost('h')['mode'], inv.varsOfHost('h')['text']],
      [true, 0o644, '0644'],
    );
  });
});

describe('INI inventory (what Vagrant writes)', () => {
  test('directory source: INI file, ranges, host:port, literals, :children, group_vars and host_vars', () => {
    const inv = loadInventory([join(REPO, 'test/fixtures/inventory-dir')]);
    assert.deepEqual(inv.hostsOfGroup('mesos-agents'), [
      'mesos-agent-1', 'mesos-agent-2', 'web01.example.com', 'web02.example.com', 'web03.example.com',
    ]);
    const web = inv.varsOfHost('web02.example.com');
    assert.equal(web['ansible_port'], 2200);
    assert.equal(web['flag'], true);
    assert.equal(web['ratio'], 0.5);
    assert.equal(web['docker_port'], 0, 'group_vars/all.yml beats every [g:vars] of the inventory file (ansible-inventory --host says 0 too)');
    assert.equal(inv.groups.get('mesos-agents')?.vars['docker_port'], 2375, ':vars are literals');
    assert.equal(web['cluster_name'], 'playground');
    assert.equal(web['domain'], 'lab.local', 'group_vars/all.yml beside the inventory');
    assert.equal(inv.varsOfHost('mesos-master-1')['zookeeper_id'], '1', 'host_vars file without extension');
    const mgmt = hostSettings('mgmt', inv.varsOfHost('mgmt'));
    assert.deepEqual([mgmt.address, mgmt.port, mgmt.user], ['10.0.15.10', 2222, 'vagrant']);
    assert.deepEqual(inv.hostsOfGroup('ungrouped'), ['mgmt']);
  });

  test("Vagrant's legacy ansible_ssh_* names give the same connection settings", () => {
    const legacy = hostSettings('lb', { ansible_ssh_host: '127.0.0.1', ansible_ssh_port: 2200, ansible_ssh_user: 'vagrant', ansible_ssh_pass: 'pw', ansible_sudo_pass: 'sp' });
    assert.deepEqual([legacy.address, legacy.port, legacy.user, legacy.password, legacy.becomePassword], ['127.0.0.1', 2200, 'vagrant', 'pw', 'sp']);
    assert.equal(hostSettings('plain', {}).address, 'plain', 'a host without ansible_host is reached by its name');
  });

  test('errors name the line', () => {
    const inv = new Inventory();
    assert.throws(() => readIniInventory(inv, '[web]\nh1\n[web:vars]\nnovalue\n', 'hosts'), /hosts:4:1: expected key=value/);
  });
});

describe('host patterns', () => {
  const inv = loadInventory([join(REPO, 'inventories/playground.yml')]);
  test('union, intersection, exclusion, wildcards, regex', () => {
    assert.deepEqual(selectHosts(inv, 'all'), ['mgmt', 'lb', 'mesos-master-1', 'mesos-agent-1', 'mesos-agent-2']);
    assert.deepEqual(selectHosts(inv, 'mesos-masters:mesos-agents'), ['mesos-master-1', 'mesos-agent-1', 'mesos-agent-2']);
    assert.deepEqual(selectHosts(inv, 'mesos-masters,lb'), ['mesos-master-1', 'lb'], 'in the order the pattern matched them');
    assert.deepEqual(selectHosts(inv, 'all:!mesos-agents'), ['mgmt', 'lb', 'mesos-master-1']);
    assert.deepEqual(selectHosts(inv, 'mesos-*:&mesos-agents'), ['mesos-agent-1', 'mesos-agent-2']);
    assert.deepEqual(selectHosts(inv, '~mesos-agent-[2]'), ['mesos-agent-2']);
    assert.deepEqual(selectHosts(inv, 'nothing-like-this'), []);
  });
});

describe("INI values as the ini plugin's _parse_value reads them (each row checked with ansible-inventory 2.14 --list)", () => {
  test('host lines (after shell-word splitting, # starts a comment) and [g:vars] (the text after =)', () => {
    const inv = new Inventory();
    readIniInventory(
      inv,
      [
        `h1 a=1 b=True c=true d=yes e="1" f='[1, "x"]' g="{'k': None}" h=0x1f i=010 j=1e3 k="a b" l=1#comment m=x`,
        '[web]',
        'h1',
        '[web:vars]',
        'v1=1',
        'v2="two words"',
        'v3=yes',
        'v5=[1, 2]',
        'v6 = spaced',
        'v7=1 # comment',
        'v8=hello # not a comment',
        "v9='it''s'",
        'v10=',
        'v11={"a": {"b": [1, 2.5, None, False]}}',
        'v12=1, 2',
        'v13="a\\tb"',
        'v14=r"a\\tb"',
        'v16=0o17',
        'v17=- 3',
        'v18=1 + 2',
        'v19=(1)',
      ].join('\n'),
      'hosts',
    );
    inv.finish();
    assert.deepEqual(inv.varsOfHost('h1'), {
      v1: 1, v2: 'two words', v3: 'yes', v5: [1, 2], v6: 'spaced', v7: 1, v8: 'hello # not a comment', v9: 'its', v10: '',
      v11: { a: { b: [1, 2.5, null, false] } }, v12: [1, 2], v13: 'a\tb', v14: 'a\\tb', v16: 15, v17: -3, v18: '1 + 2', v19: 1,
      a: 1, b: true, c: 'true', d: 'yes', e: 1, f: [1, 'x'], g: { k: null }, h: 31, i: '010', j: 1000, k: 'a b', l: 1,
    });
  });
});
