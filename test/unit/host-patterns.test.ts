import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError } from '../../src/errors.js';
import { loadInventory } from '../../src/inventory/load.js';
import { Inventory } from '../../src/inventory/model.js';
import { readYamlInventory } from '../../src/inventory/yaml-format.js';
import { parseYaml } from '../../src/config/yaml.js';
import { globRegex } from '../../src/inventory/pattern-match.js';
import { isHostAddress, splitHostPattern } from '../../src/inventory/pattern-split.js';
import { selectHosts, unmatchedTerms } from '../../src/inventory/patterns.js';
import { REPO } from '../helpers/cli.js';

const inv = loadInventory([join(REPO, 'inventories/playground.yml')]);
/** What `ansible all -l PATTERN --list-hosts` prints: the hosts of all (in its order) that the pattern selects. */
const select = (pattern: string): string[] => {
  const chosen = new Set(selectHosts(inv, pattern, '--limit'));
  return selectHosts(inv, 'all').filter((h) => chosen.has(h));
};
const refused = (pattern: string, message: string) => () =>
  assert.throws(() => select(pattern), (e: unknown) => e instanceof ConfigError && e.message === message);

// Every expectation below was checked against `ansible all -i inventories/playground.yml -l PATTERN --list-hosts` (ansible-core 2.14).
describe('host patterns, as ansible-core 2.14 reads them', () => {
  test('splitting: commas first; else one address; else colons outside brackets', () => {
    assert.deepEqual(splitHostPattern('a:b,c'), ['a:b', 'c']);
    assert.deepEqual(splitHostPattern('web[1:3]'), ['web[1:3]']);
    assert.deepEqual(splitHostPattern('mgmt:22'), ['mgmt:22'], 'host:port is one address');
    assert.deepEqual(splitHostPattern('mesos-*:&mesos-agents:!lb'), ['mesos-*', '&mesos-agents', '!lb']);
    assert.deepEqual(splitHostPattern('~mesos:lb'), ['~mesos', 'lb']);
    assert.deepEqual(splitHostPattern(' a , ,b '), ['a', 'b']);
    assert.equal(isHostAddress('fe80::1'), true);
    assert.equal(isHostAddress('10.0.[1:3].1'), true);
    assert.equal(isHostAddress('mesos-*'), false);
  });

  test('a play runs its hosts in the order its pattern matched them (checked with ansible-playbook -f 1)', () => {
    const play = (pattern: string): string[] => selectHosts(inv, pattern);
    assert.deepEqual(play('mesos-masters,lb'), ['mesos-master-1', 'lb']);
    assert.deepEqual(play('lb:mgmt'), ['lb', 'mgmt']);
    assert.deepEqual(play('~mesos:lb'), ['mesos-master-1', 'mesos-agent-1', 'mesos-agent-2', 'lb']);
    assert.deepEqual(play('mesos-agents:mgmt:!mesos-agent-1'), ['mesos-agent-2', 'mgmt']);
    assert.deepEqual(play('mesos-*:&mesos-agents'), ['mesos-agent-1', 'mesos-agent-2']);
    assert.deepEqual(play('all:!lb'), ['mgmt', 'mesos-master-1', 'mesos-agent-1', 'mesos-agent-2']);
  });

  test('a group lists its own hosts, then its children\'s, level by level; all too (groups[...] and plays, checked with ansible-playbook)', () => {
    const nested = new Inventory();
    readYamlInventory(nested, parseYaml('all:\n  children:\n    web:\n      children:\n        app:\n          hosts: {a1: }\n      hosts: {w1: }\n    db:\n      hosts: {d1: }\n  hosts:\n    h0:\n', 'order.yml').data, 'order.yml');
    nested.finish();
    assert.deepEqual(selectHosts(nested, 'all'), ['h0', 'w1', 'd1', 'a1']);
    assert.deepEqual(nested.groupsMap()['web'], ['w1', 'a1']);
    assert.deepEqual(selectHosts(nested, 'db,web'), ['d1', 'w1', 'a1']);
  });

  test('--limit: unions, intersections and exclusions select from all, in its order', () => {
    assert.deepEqual(select('mesos-masters,lb'), ['lb', 'mesos-master-1']);
    assert.deepEqual(select('lb:mgmt'), ['mgmt', 'lb']);
    assert.deepEqual(select('!lb'), ['mgmt', 'mesos-master-1', 'mesos-agent-1', 'mesos-agent-2']);
    assert.deepEqual(select('&lb'), ['lb']);
    assert.deepEqual(select('a,,b,mgmt'), ['mgmt']);
    assert.deepEqual(select('~mesos:lb'), ['lb', 'mesos-master-1', 'mesos-agent-1', 'mesos-agent-2']);
  });

  test('subscripts index the hosts of what they follow', () => {
    assert.deepEqual(select('all[0]'), ['mgmt']);
    assert.deepEqual(select('all[-1]'), ['mesos-agent-2']);
    assert.deepEqual(select('all[1:]'), ['lb', 'mesos-master-1', 'mesos-agent-1', 'mesos-agent-2']);
    assert.deepEqual(select('all[1:2]'), ['lb', 'mesos-master-1']);
    assert.deepEqual(select('mesos-agents[1]'), ['mesos-agent-2']);
    assert.deepEqual(select('mesos-*[0]'), ['mesos-master-1']);
    assert.deepEqual(select('lb[0]'), ['lb']);
    assert.deepEqual(select('all:!lb[0]'), ['mgmt', 'mesos-master-1', 'mesos-agent-1', 'mesos-agent-2']);
    assert.deepEqual(select('mesos-agents[1:0]'), ['mesos-agent-2'], 'Ansible reads an end of 0 as "just the start"');
    assert.deepEqual(select('mesos-agents[0:5]'), ['mesos-agent-1', 'mesos-agent-2'], 'a range past the end is cut, not an error');
    assert.deepEqual(select('mesos-agents[5:]'), []);
    assert.deepEqual(select('mesos-agent-[12]'), [], '[12] is a subscript of "mesos-agent-", which matches nothing');
  });

  test('globs and regular expressions', () => {
    assert.deepEqual(select('*'), ['mgmt', 'lb', 'mesos-master-1', 'mesos-agent-1', 'mesos-agent-2']);
    assert.deepEqual(select('mesos-agent-[!1]'), ['mesos-agent-2']);
    assert.deepEqual(select('me?os-agent-1'), ['mesos-agent-1']);
    assert.deepEqual(select('~mesos.*'), ['mesos-master-1', 'mesos-agent-1', 'mesos-agent-2']);
    assert.deepEqual(select('~^m'), ['mgmt', 'mesos-master-1', 'mesos-agent-1', 'mesos-agent-2']);
    assert.deepEqual(select('~g'), [], "Python's re.match is anchored at the start");
    assert.deepEqual(select('mesos-agents:&~agent-2$'), []);
    assert.deepEqual(select('mgmt:22'), []);
    assert.deepEqual(select('[mgmt]'), []);
    assert.equal(globRegex('a[z-b]c').test('abc'), false, 'a backwards range matches nothing, as in Python');
    assert.equal(globRegex('x[').test('x['), true, 'an unclosed [ is a literal');
  });

  test('a subscript past the end is an error naming the option, as Ansible refuses it', refused('mesos-agents[2:0]', "--limit 'mesos-agents[2:0]': no host matches subscript [2]: the pattern before it matches 2 hosts"));
  test('a negative subscript past the start too', refused('mesos-agents[-3]', "--limit 'mesos-agents[-3]': no host matches subscript [-3]: the pattern before it matches 2 hosts"));
  test('a regular expression that does not compile', refused('mgmt,~[', "--limit 'mgmt,~[': invalid regular expression ~[: Unterminated character class"));
  test('an unbalanced bracket (Ansible would silently drop it and select every host)', refused('~[', `--limit '~[': unbalanced "[" (a "[" needs its "]")`));
  test('web[1] on an inventory without web: no crash, no host', () => assert.deepEqual(select('web[1]'), []));
  test('a regular expression too long to compile safely', refused(`~${'a'.repeat(10_001)}`, `--limit '~${'a'.repeat(10_001)}': regular expression longer than 10000 characters`));

  test('a play pattern error carries the position of its hosts key', () => {
    assert.throws(
      () => selectHosts(inv, 'a[b', { file: 'site.yml', line: 2, col: 3 }),
      (e: unknown) => e instanceof ConfigError && e.message === `site.yml:2:3: host pattern 'a[b': unbalanced "[" (a "[" needs its "]")`,
    );
  });
});

describe('terms that match nothing (ansible-core warns "Could not match supplied host pattern, ignoring: …")', () => {
  test('each term that names no group or host, without its & or ! or subscript; all and hosts never', () => {
    const inv2 = loadInventory([join(REPO, 'inventories/playground.yml')]);
    assert.deepEqual(unmatchedTerms(inv2, 'lb:nosuch:&other[0]:!mgmt:all'), ['nosuch', 'other']);
    assert.deepEqual(unmatchedTerms(inv2, 'mesos-*:~x.*'), ['~x.*']);
  });
  test('localhost, 127.0.0.1 and ::1 matching nothing are the implicit localhost: local, in no group, with all\'s vars (checked with ansible-playbook)', () => {
    const small = new Inventory();
    small.addHostToGroup('w1', 'web');
    small.setGroupVar('all', 'from_all', 'yes');
    small.finish();
    assert.deepEqual(selectHosts(small, 'localhost'), ['localhost']);
    assert.deepEqual(selectHosts(small, 'web:127.0.0.1'), ['w1', '127.0.0.1']);
    assert.deepEqual(selectHosts(small, '::1'), ['::1']);
    assert.deepEqual(selectHosts(small, 'all'), ['w1'], 'all does not match it');
    assert.deepEqual(selectHosts(small, 'localhost:!localhost'), []);
    assert.deepEqual(unmatchedTerms(small, 'localhost:nosuch'), ['nosuch']);
    assert.deepEqual(small.groupsMap()['all'], ['w1']);
    const vars = small.varsOfHost('localhost');
    assert.equal(vars['from_all'], 'yes');
    assert.equal(vars['ansible_connection'], 'local');
    assert.equal(small.varsOfHost('w1')['ansible_connection'], undefined);
    // A localhost the inventory has is that host, with its own variables.
    small.addHostToGroup('localhost', 'web');
    assert.equal(small.varsOfHost('localhost')['ansible_connection'], undefined);
  });
});
