import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ConfigError } from '../../src/errors.js';
import { loadInventory } from '../../src/inventory/load.js';

const root = mkdtempSync(join(tmpdir(), 'provision-inv-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** Writes files under a fresh directory and returns the path of the first one. */
function files(spec: Record<string, string>): string {
  const dir = mkdtempSync(join(root, 'case-'));
  for (const [name, text] of Object.entries(spec)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return join(dir, Object.keys(spec)[0] ?? '');
}

/** Asserts the error message once the temporary directory is replaced by `DIR`. */
function refuses(path: string, message: string): void {
  assert.throws(
    () => loadInventory([path]),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError, String(e));
      assert.equal(e.message.replaceAll(dirname(path), 'DIR'), message);
      return true;
    },
  );
}

describe('INI inventory: groups must be declared (as ansible-inventory 2.14 requires)', () => {
  test('[g:vars] for a group that exists nowhere', () => {
    refuses(files({ 'hosts': '[web]\nw1\n\n[g:vars]\nx=1\n' }), 'DIR/hosts:4:1: section [g:vars] not valid for undefined group: g');
  });
  test('[p:children] naming a group that exists nowhere', () => {
    refuses(files({ 'hosts': '[web:children]\nfoo\n' }), 'DIR/hosts:2:1: section [web:children] includes undefined group: foo');
  });
  test('declared later in the file is fine, for vars and for children', () => {
    const inv = loadInventory([files({ 'hosts': '[g:vars]\nx=1\n[p:children]\ng\n[g]\nh1\n' })]);
    assert.deepEqual(inv.hostsOfGroup('p'), ['h1']);
    assert.equal(inv.varsOfHost('h1')['x'], 1);
  });
  test('[all:vars] and [ungrouped:vars] always exist', () => {
    const inv = loadInventory([files({ 'hosts': 'h1\n[all:vars]\na=1\n[ungrouped:vars]\nb=2\n' })]);
    assert.deepEqual([inv.varsOfHost('h1')['a'], inv.varsOfHost('h1')['b']], [1, 2]);
  });
});

describe('connection variables are checked where they are written', () => {
  test('INI: ansible_port="22;x" (it used to become 22)', () => {
    refuses(files({ 'hosts': 'h1 ansible_host=10.0.0.1 ansible_port="22;x"\n' }), 'DIR/hosts:1:26: ansible_port: must be a port number from 1 to 65535, found a string ("22;x")');
  });
  test('INI: host:port out of range and [g:vars] ports', () => {
    refuses(files({ 'hosts': 'h1:70000\n' }), 'DIR/hosts:1:1: ansible_port: must be a port number from 1 to 65535, found a number (70000)');
    refuses(files({ 'hosts': '[g]\nh1\n[g:vars]\n  ansible_ssh_port=twenty\n' }), 'DIR/hosts:4:3: ansible_ssh_port: must be a port number from 1 to 65535, found a string ("twenty")');
    const inv = loadInventory([files({ 'hosts': '[g]\nh1\n[g:vars]\nansible_port="2222"\n' })]);
    assert.equal(inv.varsOfHost('h1')['ansible_port'], '2222', 'a port as a string of digits is fine');
  });
  test('YAML: a bad port, connection type, become flag, become method; a templated address', () => {
    refuses(files({ 'inv.yml': 'all:\n  hosts:\n    h1:\n      ansible_port: "22;x"\n' }), 'DIR/inv.yml:4:7: ansible_port: must be a port number from 1 to 65535, found a string ("22;x")');
    refuses(files({ 'inv.yml': 'all:\n  vars:\n    ansible_connection: telnet\n' }), 'DIR/inv.yml:3:5: ansible_connection: connection type "telnet" is not supported: use ssh or local');
    refuses(files({ 'inv.yml': 'all:\n  hosts:\n    h1: {ansible_become: maybe}\n' }), 'DIR/inv.yml:3:10: ansible_become: must be a boolean (yes/no, true/false), found a string ("maybe")');
    refuses(files({ 'inv.yml': 'all:\n  hosts:\n    h1: {ansible_become_method: su}\n' }), 'DIR/inv.yml:3:10: ansible_become_method: become method "su" is not supported: only sudo');
    refuses(files({ 'inv.yml': 'all:\n  hosts:\n    h1:\n      ansible_host: "{{ ip }}"\n' }), 'DIR/inv.yml:4:7: ansible_host: templated connection variables are not supported yet: write the value itself');
  });
  test('group_vars and host_vars files', () => {
    refuses(files({ 'inv.yml': 'all:\n  hosts: {h1: }\n', 'group_vars/all.yml': '# all\nansible_port: 0\n' }), 'DIR/group_vars/all.yml:2:1: ansible_port: must be a port number from 1 to 65535, found a number (0)');
    refuses(files({ 'inv.yml': 'all:\n  hosts: {h1: }\n', 'host_vars/h1': 'ansible_connection: winrm\n' }), 'DIR/host_vars/h1:1:1: ansible_connection: connection type "winrm" is not supported: use ssh or local');
  });
});

describe('NUL bytes and unreadable files', () => {
  test('a NUL in an INI line, a YAML host name, an inventory path', () => {
    refuses(files({ 'hosts': '[web]\nw\u00001\n' }), 'DIR/hosts:2:2: a NUL byte in the inventory');
    refuses(files({ 'inv.yml': 'all:\n  hosts:\n    "w\\x001":\n' }), 'DIR/inv.yml:3:5: host name contains a NUL byte: "w\\u00001"');
    assert.throws(() => loadInventory(['inv\u0000.yml']), (e: unknown) => e instanceof ConfigError && e.message === 'inventory path contains a NUL byte: "inv\\u0000.yml"');
  });
  test('a broken symlink in an inventory directory is a ConfigError naming it', () => {
    const dir = dirname(files({ 'hosts': 'h1\n' }));
    symlinkSync(join(dir, 'nowhere'), join(dir, 'dangling'));
    assert.throws(() => loadInventory([dir]), (e: unknown) => e instanceof ConfigError && e.message === `${dir}/dangling:1:1: cannot read ${dir}/dangling: ENOENT`);
  });
});
