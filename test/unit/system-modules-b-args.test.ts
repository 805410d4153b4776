import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { moduleCatalog } from '../../src/modules/registry.js';
import { loadPlaybook } from '../../src/playbook/load.js';
import { validatePlaybooks } from '../../src/playbook/validate.js';
import { Templar } from '../../src/template/templar.js';

/** Bad arguments of the system modules are refused when the playbook is validated: before any connection. */
const root = mkdtempSync(join(tmpdir(), 'provision-sysargs-'));
after(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
function problem(task: string): string {
  const file = join(root, `p${++n}.yml`);
  writeFileSync(file, `- hosts: all\n  tasks:\n    - ${task}\n`);
  try {
    validatePlaybooks([loadPlaybook(file, moduleCatalog, root)], new Templar(), root);
    return 'accepted';
  } catch (err) {
    return (err as Error).message.replace(file, 'FILE');
  }
}

describe('system modules: bad arguments are refused before any host is touched', () => {
  const cases: [string, RegExp][] = [
    ['ping: { data: [1] }', /"data" must be a string/],
    ['slurp: {}', /slurp: missing required argument "src"/],
    ['fetch: { src: /a }', /fetch: missing required argument "dest"/],
    ['fetch: { src: /a, dest: /b, flat: maybe }', /"flat" must be a boolean/],
    ['hostname: { name: x, use: redhat }', /"use" must be one of systemd, debian/],
    ['authorized_key: { key: x }', /:3:7: authorized_key: missing required argument "user"/],
    ['authorized_key: { user: u, key: x, state: gone }', /"state" must be one of present, absent/],
    ['authorized_key: { user: u, key: "https://example.com/keys" }', /keys from a URL are not supported/],
    ['known_hosts: { name: x, hash: true }', /unknown argument "hash"/],
    ['user: { name: x, password: plaintext }', /password must be a crypted hash/],
    ['user: { name: x, generate_ssh_key: true }', /"generate_ssh_key" is not implemented by provision/],
    ['user: { name: x, uid: abc }', /:3:24: user: argument "uid" must be a whole number/],
    ['group: { name: x, non_unique: true }', /gid/],
    ['cron: { name: x, job: y, special_time: fortnightly }', /"special_time" must be one of/],
    ['cron: { name: x, job: y, insertafter: A, insertbefore: B }', /mutually exclusive: insertafter\|insertbefore/],
    ['sysctl: { name: net.ipv4.ip_forward }', /value/],
    ['sysctl: { name: net.ipv4.ip_forward, value: "" }', /value cannot be blank/],
    ['mount: { path: /mnt/x, state: mounted }', /src, fstype|src/],
    ['mount: { path: /mnt/x, src: tmpfs, fstype: tmpfs, state: up }', /"state" must be one of/],
    ['iptables: { chain: INPUT, limit: 5/s }', /"limit" is not implemented by provision/],
    ['iptables: { chain: INPUT, table: weird }', /"table" must be one of/],
  ];
  for (const [task, message] of cases) {
    test(task, () => {
      assert.match(problem(task), message);
    });
  }
  test('ansible.posix names its modules (authorized_key, sysctl, mount), and only those', () => {
    assert.equal(problem('ansible.posix.sysctl: { name: net.ipv4.ip_forward, value: 1 }'), 'accepted');
    assert.equal(problem('ansible.posix.authorized_key: { user: u, key: x }'), 'accepted');
    assert.match(problem('ansible.posix.copy: { dest: /x, content: y }'), /ansible\.posix\.copy/);
  });
  test('good arguments pass', () => {
    for (const task of ['ping:', 'user: { name: x, password: "$6$salt$hash", groups: [a, b] }', 'iptables: { chain: INPUT, protocol: tcp, destination_port: "6783", jump: ACCEPT, comment: weave }', 'cron: { name: x, job: y, special_time: daily }']) {
      assert.equal(problem(task), 'accepted', task);
    }
  });
});
