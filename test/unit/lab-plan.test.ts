import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { loadInventory } from '../../src/inventory/load.js';
import { planLab, smallestCommonNetwork } from '../../src/lab/plan.js';
import { makeScaleInventory } from '../../src/lab/scale-inventory.js';
import { REPO } from '../helpers/cli.js';

describe('lab plan', () => {
  test('the playground: five hosts on 10.0.15.0/24, mgmt is the controller, unique names', () => {
    const plan = planLab(loadInventory([join(REPO, 'inventories/playground.yml')]), 'abc123');
    assert.equal(plan.network, '10.0.15.0/24');
    assert.deepEqual(plan.hosts.map((h) => [h.name, h.address, h.prefix, h.controller]), [
      ['mgmt', '10.0.15.10', 24, true],
      ['lb', '10.0.15.11', 24, false],
      ['mesos-master-1', '10.0.15.101', 24, false],
      ['mesos-agent-1', '10.0.15.201', 24, false],
      ['mesos-agent-2', '10.0.15.202', 24, false],
    ]);
    assert.equal(new Set(plan.hosts.map((h) => h.netns)).size, 5);
    assert.ok(plan.hosts.every((h) => h.netns.startsWith('plab-abc123-')));
  });

  test('the smallest common network', () => {
    assert.equal(smallestCommonNetwork(['10.0.16.1', '10.0.17.244']).toCidrString(), '10.0.16.0/23');
    assert.equal(smallestCommonNetwork(['192.168.1.5']).toCidrString(), '192.168.1.0/24');
    assert.throws(() => smallestCommonNetwork(['10.0.0.1', '10.200.0.1']), /do not fit in one \/16/);
  });

  test('an N-host inventory: N nodes plus a controller, all in the network', () => {
    const inv = parse(makeScaleInventory(500));
    const nodes = Object.entries(inv.all.children.nodes.hosts) as [string, { ansible_host: string }][];
    assert.equal(nodes.length, 500);
    assert.deepEqual(nodes[0], ['node-001', { ansible_host: '10.0.16.2' }]);
    assert.deepEqual(nodes[499], ['node-500', { ansible_host: '10.0.17.245' }]);
    assert.equal(inv.all.children.management.hosts.ctl.ansible_host, '10.0.16.1');
    assert.throws(() => makeScaleInventory(300, '10.0.0.0/24'), /too few/);
  });
});
