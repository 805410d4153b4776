import { existsSync } from 'node:fs';
import { runChecked, run } from '../util/process.js';
import type { LabPlan } from './plan.js';

/**
 * The lab's wiring: one switch namespace with a bridge, and per host a namespace whose `eth1`
 * is a veth into that bridge. The machine's own namespace gets no interface and no route.
 */
export async function createNetwork(plan: LabPlan): Promise<void> {
  const root = [`netns add ${plan.switchNetns}`];
  for (const h of plan.hosts) root.push(`netns add ${h.netns}`);
  await runChecked('ip', ['-batch', '-'], `${root.join('\n')}\n`);
  // Veths are created straight inside their namespaces, so their names never meet another lab's.
  const links = plan.hosts.map((h) => `link add v${h.index} netns ${plan.switchNetns} type veth peer name eth1 netns ${h.netns}`);
  await runChecked('ip', ['-batch', '-'], `${links.join('\n')}\n`);
  const bridge = ['link add br0 type bridge', 'link set br0 up', 'link set lo up'];
  for (const h of plan.hosts) bridge.push(`link set v${h.index} master br0 up`);
  await runChecked('ip', ['-n', plan.switchNetns, '-batch', '-'], `${bridge.join('\n')}\n`);
}

export function namespaceNames(plan: LabPlan): string[] {
  return [plan.switchNetns, ...plan.hosts.map((h) => h.netns)];
}

/** Deletes the lab's namespaces that still exist (their veths go with them). */
export async function removeNetwork(plan: LabPlan): Promise<void> {
  const present = namespaceNames(plan).filter((n) => existsSync(`/run/netns/${n}`));
  if (present.length === 0) return;
  await run('ip', ['-batch', '-'], `${present.map((n) => `netns del ${n}`).join('\n')}\n`);
}
