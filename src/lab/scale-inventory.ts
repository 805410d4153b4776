import { type IPv4, IPv4CidrRange } from 'ip-num';
import { stringify } from 'yaml';
import { LabError } from '../errors.js';

/**
 * An N-host inventory for scale tests: a controller `ctl` (group management) and `node-001…`
 * (group nodes), numbered from the network's first usable address.
 */
export function makeScaleInventory(count: number, network = '10.0.16.0/22'): string {
  if (!Number.isInteger(count) || count < 1) throw new LabError(`host count must be a whole number from 1, got ${count}`);
  const range = IPv4CidrRange.fromCidr(network);
  const usable = Number(range.getSize()) - 2;
  if (count + 1 > usable) throw new LabError(`${network} holds ${usable} addresses, too few for ${count} hosts and a controller`);
  let address: IPv4 = range.getFirst();
  const next = (): string => {
    address = address.nextIPNumber();
    return address.toString();
  };
  const width = String(count).length < 3 ? 3 : String(count).length;
  const nodes: Record<string, { ansible_host: string }> = {};
  const controller = { ctl: { ansible_host: next() } };
  for (let i = 1; i <= count; i++) nodes[`node-${String(i).padStart(width, '0')}`] = { ansible_host: next() };
  const inventory = {
    all: {
      vars: { ansible_user: 'vagrant', lab_network: range.toCidrString() },
      children: { management: { hosts: controller }, nodes: { hosts: nodes } },
    },
  };
  return `# ${count}-host lab inventory, made by 'provision lab inventory ${count}'\n${stringify(inventory)}`;
}

