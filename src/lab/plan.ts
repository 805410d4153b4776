import { IPv4, IPv4CidrRange, IPv4Prefix, Validator } from 'ip-num';
import { LabError } from '../errors.js';
import { explicitAddress } from '../inventory/host-settings.js';
import type { Inventory } from '../inventory/model.js';

/**
 * What a lab host is: `sshd` (sshd as the namespace's init: starts in milliseconds, for scale
 * runs) or `booted` (systemd as PID 1, with ssh, docker, networking…: a small Debian server).
 */
export type HostKind = 'sshd' | 'booted';
export const HOST_KINDS: readonly HostKind[] = ['sshd', 'booted'];

export interface LabHostPlan {
  readonly name: string;
  readonly kind: HostKind;
  /** Units a booted host runs besides the lab's allowlist (`lab_units`). */
  readonly units: readonly string[];
  readonly index: number;
  readonly address: string;
  readonly prefix: number;
  /** Named network namespace holding this host's `eth1`. */
  readonly netns: string;
  readonly controller: boolean;
}

export interface LabPlan {
  readonly id: string;
  readonly network: string;
  readonly switchNetns: string;
  readonly hosts: readonly LabHostPlan[];
}

const WIDEST_PREFIX = 16;

/**
 * Which inventory hosts become lab hosts (those with an IPv4 `ansible_host`) and the one network
 * they share: `lab_network` if the inventory sets it, else the smallest CIDR holding them all.
 * A host's kind is its `lab_host_kind` (host or group var), else `defaultKind` (`lab up --kind`).
 */
export function planLab(inventory: Inventory, id: string, defaultKind: HostKind = 'sshd'): LabPlan {
  const hosts: { name: string; address: string; controller: boolean; kind: HostKind; units: string[] }[] = [];
  const controllers = new Set(inventory.hostsOfGroup('management'));
  for (const name of inventory.hosts.keys()) {
    const vars = inventory.varsOfHost(name);
    const address = explicitAddress(vars);
    if (address === undefined || !Validator.isValidIPv4String(address)[0]) continue;
    hosts.push({
      name,
      address,
      controller: vars['lab_controller'] === true || controllers.has(name),
      kind: hostKindOf(name, vars['lab_host_kind'], defaultKind),
      units: unitsOf(name, vars['lab_units']),
    });
  }
  if (hosts.length === 0) throw new LabError('the inventory has no host with an IPv4 ansible_host: nothing to put in the lab');
  const seen = new Map<string, string>();
  for (const h of hosts) {
    const other = seen.get(h.address);
    if (other) throw new LabError(`hosts ${other} and ${h.name} both have address ${h.address}`);
    seen.set(h.address, h.name);
  }
  const firstVars = inventory.varsOfHost(hosts[0]?.name ?? '');
  const network = firstVars['lab_network'] ? parseNetwork(String(firstVars['lab_network'])) : smallestCommonNetwork(hosts.map((h) => h.address));
  for (const h of hosts) {
    if (!network.contains(IPv4.fromDecimalDottedString(h.address))) {
      throw new LabError(`host ${h.name} (${h.address}) is outside lab_network ${network.toCidrString()}`);
    }
  }
  const prefix = Number(network.getPrefix().getValue());
  // The first controller runs `lab run`; if none is marked, nothing is (lab run then asks for --on).
  const firstController = hosts.find((h) => h.controller)?.name;
  return {
    id,
    network: network.toCidrString(),
    switchNetns: `plab-${id}-sw`,
    hosts: hosts.map((h, index) => ({
      name: h.name,
      kind: h.kind,
      units: h.units,
      index,
      address: h.address,
      prefix,
      netns: `plab-${id}-${index}`,
      controller: h.name === firstController,
    })),
  };
}

function hostKindOf(host: string, value: unknown, defaultKind: HostKind): HostKind {
  if (value === undefined || value === null) return defaultKind;
  if (HOST_KINDS.includes(value as HostKind)) return value as HostKind;
  throw new LabError(`host ${host}: lab_host_kind is ${JSON.stringify(value)}; it must be ${HOST_KINDS.join(' or ')}`);
}

const UNIT_NAME = /^[A-Za-z0-9:_.@-]+\.(service|socket|timer|target|path|mount)$/;

function unitsOf(host: string, value: unknown): string[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  for (const unit of list) {
    if (typeof unit !== 'string' || !UNIT_NAME.test(unit)) {
      throw new LabError(`host ${host}: lab_units entry ${JSON.stringify(unit)} is not a unit name such as nginx.service`);
    }
  }
  return list as string[];
}

function parseNetwork(cidr: string): IPv4CidrRange {
  if (!Validator.isValidIPv4CidrNotation(cidr)[0]) throw new LabError(`lab_network "${cidr}" is not an IPv4 CIDR`);
  return IPv4CidrRange.fromCidr(cidr);
}

/** The smallest CIDR that contains every address, no wider than a /16. */
export function smallestCommonNetwork(addresses: readonly string[]): IPv4CidrRange {
  const values = addresses.map((a) => IPv4.fromDecimalDottedString(a).getValue());
  const low = values.reduce((a, b) => (a < b ? a : b));
  const high = values.reduce((a, b) => (a > b ? a : b));
  for (let prefix = 24; prefix >= WIDEST_PREFIX; prefix--) {
    const shift = BigInt(32 - prefix);
    if (low >> shift === high >> shift) {
      return new IPv4CidrRange(IPv4.fromNumber((low >> shift) << shift), IPv4Prefix.fromNumber(BigInt(prefix)));
    }
  }
  throw new LabError(`lab addresses ${addresses[0]}…${addresses.at(-1)} do not fit in one /${WIDEST_PREFIX}: set lab_network`);
}
