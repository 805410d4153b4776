import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, describe, test } from 'node:test';
import { loadInventory } from '../../src/inventory/load.js';
import { applyWeaveIpPlan } from '../../src/network/weave-ip-inventory.js';
import { formatWeaveIpPlan, type PlanHost, planWeaveIp, WeaveIpPlanError } from '../../src/network/weave-ip-plan.js';

const host = (name: string, address: string, vars: Record<string, unknown> = {}): PlanHost => ({ name, address, vars: { ansible_host: address, ...vars } });
const nowhere = (): undefined => undefined;
const problems = (f: () => unknown): readonly string[] => {
  try {
    f();
  } catch (e) {
    if (e instanceof WeaveIpPlanError) return e.problems;
    throw e;
  }
  assert.fail('the plan was accepted');
};

describe('weave IP plan: bridge mode', () => {
  const bridge = { weave_mode: 'bridge', weave_network: '10.2.0.0/16' };

  test('computed: host i gets 10.2.0.i/16 on its bridge and 10.2.i.0/24 for its containers', () => {
    const plan = planWeaveIp([host('a', '10.0.15.201', bridge), host('b', '10.0.15.202', bridge), host('mgmt', '10.0.15.10')], nowhere);
    assert.ok(plan);
    assert.equal(plan.reservedBlock, '10.2.0.0/24');
    assert.deepEqual(plan.hosts.map((h) => [h.name, h.index, h.bridgeCidr, h.containerCidr]), [
      ['a', 1, '10.2.0.1/16', '10.2.1.0/24'],
      ['b', 2, '10.2.0.2/16', '10.2.2.0/24'],
    ]);
    assert.equal(
      formatWeaveIpPlan(plan),
      [
        'weave IP plan: bridge mode, network 10.2.0.0/16, bridge addresses from 10.2.0.0/24',
        '  host  index  bridge       containers',
        '  a     1      10.2.0.1/16  10.2.1.0/24  computed: weave_bridge_cidr, weave_container_cidr',
        '  b     2      10.2.0.2/16  10.2.2.0/24  computed: weave_bridge_cidr, weave_container_cidr',
      ].join('\n'),
    );
  });

  test('given values are kept and the others numbered around them; a size given', () => {
    const plan = planWeaveIp([
      host('a', '10.0.15.201', { ...bridge, weave_index: 2 }),
      host('b', '10.0.15.202', bridge),
      host('c', '10.0.15.203', { ...bridge, weave_bridge_cidr: '10.2.0.9/16', docker_fixed_cidr: '10.2.9.0/24' }),
    ], nowhere);
    assert.deepEqual(plan?.hosts.map((h) => [h.name, h.index, h.bridgeCidr, h.containerCidr, h.computed.length]), [
      ['a', 2, '10.2.0.2/16', '10.2.2.0/24', 2],
      ['b', 1, '10.2.0.1/16', '10.2.1.0/24', 2],
      ['c', 3, '10.2.0.9/16', '10.2.9.0/24', 0],
    ]);
    const wide = planWeaveIp([host('d', '10.0.15.204', { ...bridge, weave_container_prefix: 20 })], nowhere);
    assert.equal(wide?.hosts[0]?.containerCidr, '10.2.16.0/20');
  });

  test('a /25 container subnet for index 1 would fall in the reserved block: refused', () => {
    const p = problems(() => planWeaveIp([host('b', '10.0.15.202', { ...bridge, weave_container_prefix: 25 })], nowhere));
    assert.deepEqual(p, ['host b: container subnet 10.2.0.128/25 overlaps the reserved bridge block 10.2.0.0/24']);
  });

  test('given values are checked: outside the block, same address, overlapping subnets, a bridge address in a subnet', () => {
    const p = problems(() =>
      planWeaveIp([
        host('a', '10.0.15.201', { ...bridge, weave_bridge_cidr: '10.2.1.1/16' }),
        host('b', '10.0.15.202', { ...bridge, weave_bridge_cidr: '10.2.0.2/24', weave_container_cidr: '10.2.1.0/24' }),
        host('c', '10.0.15.203', { ...bridge, weave_bridge_cidr: '10.2.0.2/16', docker_fixed_cidr: '10.2.1.128/25' }),
      ], (h, k) => `inv.yml:${h}:${k}`),
    );
    assert.deepEqual(p, [
      'host a (inv.yml:a:weave_bridge_cidr): bridge address 10.2.1.1/16 is outside the reserved block 10.2.0.0/24 of 10.2.0.0/16',
      'host b (inv.yml:b:weave_bridge_cidr): bridge address 10.2.0.2/24 must have the weave network\'s prefix /16, so the bridge routes the whole network',
      'hosts b (inv.yml:b:weave_bridge_cidr) and c (inv.yml:c:weave_bridge_cidr) have the same bridge address 10.2.0.2',
      'host a: container subnet 10.2.1.0/24 contains the bridge address 10.2.1.1 (a)',
      'hosts a and b: container subnets 10.2.1.0/24 and 10.2.1.0/24 (inv.yml:b:weave_container_cidr) overlap',
      'hosts a and c: container subnets 10.2.1.0/24 and 10.2.1.128/25 (inv.yml:c:docker_fixed_cidr) overlap',
      'host b (inv.yml:b:weave_container_cidr): container subnet 10.2.1.0/24 contains the bridge address 10.2.1.1 (a)',
      'hosts b and c: container subnets 10.2.1.0/24 (inv.yml:b:weave_container_cidr) and 10.2.1.128/25 (inv.yml:c:docker_fixed_cidr) overlap',
    ]);
  });

  test('the weave network overlapping a host address, host network or Docker bridge is refused, naming each', () => {
    const p = problems(() =>
      planWeaveIp([
        host('a', '10.0.15.201', { weave_mode: 'bridge', weave_network: '10.0.0.0/8', lab_network: '10.0.15.0/24', docker_bridge_cidr: '10.9.0.0/16' }),
        host('mgmt', '10.0.15.10'),
      ], (h, k) => `inv.yml(${h}.${k})`),
    );
    assert.deepEqual(p, [
      'weave_network 10.0.0.0/8 (inv.yml(a.weave_network)) overlaps the address 10.0.15.201 of a (inv.yml(a.ansible_host))',
      'weave_network 10.0.0.0/8 (inv.yml(a.weave_network)) overlaps lab_network 10.0.15.0/24 of a (inv.yml(a.lab_network))',
      'weave_network 10.0.0.0/8 (inv.yml(a.weave_network)) overlaps the Docker bridge 10.9.0.0/16 of a (inv.yml(a.docker_bridge_cidr))',
      'weave_network 10.0.0.0/8 (inv.yml(a.weave_network)) overlaps the address 10.0.15.10 of mgmt (inv.yml(mgmt.ansible_host))',
    ]);
  });

  test('one network for all; the breakout route holds every bridge address', () => {
    assert.match(problems(() => planWeaveIp([host('a', '10.0.15.1', bridge), host('b', '10.0.15.2', { ...bridge, weave_network: '10.3.0.0/16' })], nowhere))[0] ?? '', /^weave_network differs between hosts: 10\.2\.0\.0\/16 on a; 10\.3\.0\.0\/16 on b$/);
    assert.deepEqual(problems(() => planWeaveIp([host('a', '10.0.15.1', { ...bridge, weave_breakout_route: '10.2.0.0/31' }), host('b', '10.0.15.2', bridge)], nowhere)), ['weave_breakout_route 10.2.0.0/31 does not contain the bridge address 10.2.0.2 (b)']);
  });
});

describe('weave IP plan: IPAM modes', () => {
  test('the allocation range is apart from every fixed-cidr, bridge address and docker0', () => {
    const p = problems(() =>
      planWeaveIp([
        host('a', '10.0.15.1', { weave_mode: 'ipam', weave_ipalloc_range: '10.2.0.0/16', docker_fixed_cidr: '10.2.5.0/24' }),
        host('b', '10.0.15.2', { weave_mode: 'ipam', weave_ipalloc_range: '10.2.0.0/16', weave_bridge_cidr: '10.2.0.2/16', weave_breakout_route: '10.1.0.0/16' }),
      ], nowhere),
    );
    assert.deepEqual(p, [
      'host a: docker_fixed_cidr 10.2.5.0/24 overlaps weave_ipalloc_range 10.2.0.0/16: weave\'s IPAM would hand out its addresses too',
      'host b: bridge address 10.2.0.2/16 is inside weave_ipalloc_range 10.2.0.0/16',
      'weave_breakout_route 10.1.0.0/16 does not contain the bridge address 10.2.0.2 (b)',
    ]);
    assert.deepEqual(problems(() => planWeaveIp([host('a', '10.0.15.1', { weave_ipalloc_range: '172.16.0.0/12' })], nowhere)), [
      'weave_ipalloc_range 172.16.0.0/12 overlaps the Docker bridge 172.17.0.0/16 of a (docker0 by default)',
    ]);
  });

  test('the CoreOS way passes: bridge network 10.1.0.0/16 with a breakout route, IPAM on 10.2.0.0/16', () => {
    const coreos = { weave_mode: 'ipam', weave_ipalloc_range: '10.2.0.0/16', weave_breakout_route: '10.1.0.0/16' };
    const plan = planWeaveIp([host('azure-prd-01', '172.16.1.10', { ...coreos, weave_bridge_cidr: '10.1.0.1/16' }), host('azure-prd-02', '172.16.1.11', { ...coreos, weave_bridge_cidr: '10.1.0.2/16' })], nowhere);
    assert.equal(plan?.network, '10.2.0.0/16');
    assert.deepEqual(plan?.hosts.map((h) => h.bridgeAddress), ['10.1.0.1', '10.1.0.2']);
  });

  test('no weave variables: no plan', () => {
    assert.equal(planWeaveIp([host('a', '10.0.15.1')], nowhere), undefined);
  });
});

describe('weave IP plan from an inventory file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'weave-ip-plan-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('errors name the inventory file:line; computed values become host variables', () => {
    const file = join(dir, 'bridge.yml');
    writeFileSync(file, [
      'all:',
      '  children:',
      '    weave:',
      '      vars:',
      '        weave_mode: bridge',
      '        weave_network: 10.2.0.0/16',
      '      hosts:',
      '        agent-1:',
      '          ansible_host: 10.0.15.201',
      '        agent-2:',
      '          ansible_host: 10.0.15.202',
      '          weave_container_cidr: 10.2.1.0/24',
      '',
    ].join('\n'));
    const inventory = loadInventory([file]);
    const at = relative(process.cwd(), file);
    const p = problems(() => applyWeaveIpPlan(inventory, [file]));
    assert.deepEqual(p, [`hosts agent-1 and agent-2: container subnets 10.2.1.0/24 and 10.2.1.0/24 (${at}:12) overlap`]);

    mkdirSync(join(dir, 'host_vars'), { recursive: true });
    writeFileSync(join(dir, 'host_vars/agent-2.yml'), 'weave_container_cidr: 10.2.2.0/24\n');
    const fixed = loadInventory([file]);
    const plan = applyWeaveIpPlan(fixed, [file]);
    assert.equal(plan?.hosts.length, 2);
    assert.deepEqual(
      ['weave_bridge_cidr', 'weave_bridge_address', 'docker_fixed_cidr', 'weave_index'].map((k) => fixed.varsOfHost('agent-1')[k]),
      ['10.2.0.1/16', '10.2.0.1', '10.2.1.0/24', 1],
    );
    assert.equal(fixed.varsOfHost('agent-2')['docker_fixed_cidr'], '10.2.2.0/24');

    writeFileSync(join(dir, 'host_vars/agent-2.yml'), 'weave_container_cidr: 10.2.0.0/24\n');
    assert.deepEqual(problems(() => applyWeaveIpPlan(loadInventory([file]), [file])), [
      `host agent-2 (${relative(process.cwd(), join(dir, 'host_vars/agent-2.yml'))}:1): container subnet 10.2.0.0/24 overlaps the reserved bridge block 10.2.0.0/24`,
    ]);
  });

  test('an INI inventory: the host line, then [group:vars]', () => {
    const ini = join(dir, 'ini');
    mkdirSync(ini);
    const file = join(ini, 'hosts.ini');
    writeFileSync(file, ['[agents]', 'agent-1 ansible_host=10.0.15.201', 'agent-2 ansible_host=10.0.15.202 weave_bridge_cidr=10.2.0.1/16', '', '[agents:vars]', 'weave_mode=bridge', 'weave_network=10.2.0.0/16', ''].join('\n'));
    const at = relative(process.cwd(), file);
    assert.deepEqual(problems(() => applyWeaveIpPlan(loadInventory([file]), [file])), [
      `hosts agent-1 and agent-2 (${at}:3) have the same bridge address 10.2.0.1`,
    ]);
    const overlap = join(ini, 'overlap.ini');
    writeFileSync(overlap, ['[agents]', 'agent-1 ansible_host=10.2.3.4', '', '[agents:vars]', 'weave_network=10.2.0.0/16', ''].join('\n'));
    assert.deepEqual(problems(() => applyWeaveIpPlan(loadInventory([overlap]), [overlap])), [
      `weave_network 10.2.0.0/16 (${relative(process.cwd(), overlap)}:5) overlaps the address 10.2.3.4 of agent-1 (${relative(process.cwd(), overlap)}:2)`,
    ]);
  });
});
