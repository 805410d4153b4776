import { ConfigError } from '../errors.js';
import { type Block, cidrString, contains, ipString, isNetworkCidr, networkOf, overlaps, parseAddressWithPrefix, parseBlock, single, size } from './ipv4.js';

/**
 * The Weave IP plan (docs/weave-ip-plan.md), checked before any host is touched. Bridge mode (the
 * sttts blog): one weave network; host i's bridge address from the reserved first block
 * (10.2.0.i/16), its containers in a subnet of their own (10.2.i.0/24) that holds no bridge
 * address; computed where the inventory does not give them, checked either way. IPAM modes: weave's
 * --ipalloc-range is apart from every fixed-cidr and bridge address. Both: the weave network
 * overlaps no host address, host network or Docker bridge of the inventory, and a breakout route
 * holds every bridge address.
 */

export type WeaveMode = 'bridge' | 'ipam';

/** One inventory host as the plan reads it: its merged variables and its address. */
export interface PlanHost {
  readonly name: string;
  readonly vars: Readonly<Record<string, unknown>>;
  /** ansible_host (or the name) when it is an IPv4 address. */
  readonly address: string | undefined;
}

/** Where a host's variable is set ("inventories/x.yml:12"), for errors. */
export type Locate = (host: string, key: string) => string | undefined;

export interface PlannedHost {
  readonly name: string;
  readonly index?: number;
  readonly bridgeAddress?: string;
  readonly bridgeCidr?: string;
  readonly containerCidr?: string;
  /** Which of these the plan computed (the others the inventory gave). */
  readonly computed: readonly string[];
}

export interface WeaveIpPlan {
  readonly mode: WeaveMode;
  /** Bridge mode: the weave network. IPAM: the allocation range. */
  readonly network: string;
  readonly reservedBlock?: string;
  readonly breakoutRoute?: string;
  readonly hosts: readonly PlannedHost[];
}

export const DEFAULT_BRIDGE_NETWORK = '10.2.0.0/16';
export const DEFAULT_IPALLOC_RANGE = '10.32.0.0/12';
const DEFAULT_BLOCK_PREFIX = 24;
const DEFAULT_CONTAINER_PREFIX = 24;
/** Docker's own default bridge (docker0), unless the inventory says docker_bridge_cidr. */
const DOCKER0 = '172.17.0.0/16';
/** Variables naming networks of the hosts (besides their addresses). */
const HOST_NETWORK_VARS = ['lab_network', 'host_network', 'private_network'] as const;

/** The variables that put a host in the plan. */
export const PLAN_TRIGGERS = ['weave_mode', 'weave_network', 'weave_ipalloc_range'] as const;

/** Bad input, as a ConfigError: exit 1 before the first connection. */
export class WeaveIpPlanError extends ConfigError {
  constructor(readonly problems: readonly string[]) {
    super(`weave IP plan refused before any host was touched:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'WeaveIpPlanError';
  }
}

const str = (v: unknown): string | undefined => (v === undefined || v === null || v === '' ? undefined : String(v));

/** Hosts with a weave_mode (or weave_network / weave_ipalloc_range) are in the plan; none → no plan. */
export function planWeaveIp(hosts: readonly PlanHost[], locate: Locate): WeaveIpPlan | undefined {
  const members = hosts.filter((h) => PLAN_TRIGGERS.some((k) => str(h.vars[k]) !== undefined));
  if (members.length === 0) return undefined;
  const problems: string[] = [];
  const where = (host: string, key: string): string => {
    const at = locate(host, key);
    return at ? ` (${at})` : '';
  };
  const who = (host: string, key: string): string => `host ${host}${where(host, key)}`;

  // One value per network-wide variable.
  const shared = (key: string): string | undefined => {
    const values = new Map<string, string[]>();
    for (const h of members) {
      const v = str(h.vars[key]);
      if (v !== undefined) values.set(v, [...(values.get(v) ?? []), h.name]);
    }
    if (values.size > 1) {
      problems.push(`${key} differs between hosts: ${[...values].map(([v, names]) => `${v} on ${names.map((n) => `${n}${where(n, key)}`).join(', ')}`).join('; ')}`);
    }
    return [...values.keys()][0];
  };
  const modeText = shared('weave_mode') ?? (members.some((h) => str(h.vars['weave_network'])) ? 'bridge' : 'ipam');
  if (modeText !== 'bridge' && modeText !== 'ipam') {
    problems.push(`${who(members[0]?.name ?? '', 'weave_mode')}: weave_mode is "${modeText}"; it must be bridge or ipam`);
    throw new WeaveIpPlanError(problems);
  }
  const mode: WeaveMode = modeText;

  // What the weave network must not overlap: every inventory host's address, host networks, Docker bridges.
  const taken: { block: Block; what: string }[] = [];
  for (const h of hosts) {
    if (h.address !== undefined) {
      const b = parseBlock(h.address);
      if (b) taken.push({ block: b, what: `the address ${h.address} of ${h.name}${where(h.name, 'ansible_host')}` });
    }
    for (const key of HOST_NETWORK_VARS) {
      const v = str(h.vars[key]);
      const b = v === undefined ? undefined : parseBlock(v);
      if (b) taken.push({ block: b, what: `${key} ${v} of ${h.name}${where(h.name, key)}` });
    }
    const extra = h.vars['weave_host_networks'];
    for (const v of Array.isArray(extra) ? extra.map(String) : typeof extra === 'string' ? extra.split(/[\s,]+/).filter(Boolean) : []) {
      const b = parseBlock(v);
      if (b) taken.push({ block: b, what: `weave_host_networks ${v} of ${h.name}${where(h.name, 'weave_host_networks')}` });
      else problems.push(`${who(h.name, 'weave_host_networks')}: weave_host_networks entry "${v}" is not an IPv4 CIDR`);
    }
    const docker = str(h.vars['docker_bridge_cidr']) ?? (mode === 'ipam' && members.includes(h) ? DOCKER0 : undefined);
    const db = docker === undefined ? undefined : parseBlock(docker);
    if (db) taken.push({ block: db, what: `the Docker bridge ${docker} of ${h.name}${str(h.vars['docker_bridge_cidr']) ? where(h.name, 'docker_bridge_cidr') : ' (docker0 by default)'}` });
  }
  const dedupe = (list: typeof taken): typeof taken => [...new Map(list.map((t) => [`${t.block.first}-${t.block.last}-${t.what}`, t])).values()];

  const networkKey = mode === 'bridge' ? 'weave_network' : 'weave_ipalloc_range';
  const networkText = shared(networkKey) ?? (mode === 'bridge' ? DEFAULT_BRIDGE_NETWORK : DEFAULT_IPALLOC_RANGE);
  const networkOwner = members.find((h) => str(h.vars[networkKey]) !== undefined)?.name;
  const networkWhere = networkOwner ? where(networkOwner, networkKey) : ' (the default)';
  if (!isNetworkCidr(networkText)) {
    problems.push(`${networkKey} "${networkText}"${networkWhere} is not an IPv4 network CIDR (such as ${mode === 'bridge' ? DEFAULT_BRIDGE_NETWORK : DEFAULT_IPALLOC_RANGE})`);
    throw new WeaveIpPlanError(problems);
  }
  const net = parseAddressWithPrefix(networkText)!;
  const network = networkOf(net, networkText);
  for (const t of dedupe(taken)) {
    if (overlaps(network, t.block)) problems.push(`${networkKey} ${networkText}${networkWhere} overlaps ${t.what}`);
  }

  const breakoutText = shared('weave_breakout_route');
  const breakout = breakoutText === undefined ? undefined : parseBlock(breakoutText);
  if (breakoutText !== undefined && !breakout) problems.push(`weave_breakout_route "${breakoutText}" is not an IPv4 CIDR`);

  const planned: PlannedHost[] = [];
  if (mode === 'bridge') {
    const blockPrefix = Number(shared('weave_bridge_block_prefix') ?? DEFAULT_BLOCK_PREFIX);
    if (!Number.isInteger(blockPrefix) || blockPrefix <= net.prefix || blockPrefix > 30) {
      problems.push(`weave_bridge_block_prefix ${blockPrefix} must be longer than the network's /${net.prefix} and at most /30`);
      throw new WeaveIpPlanError(problems);
    }
    const reserved: Block = { first: network.first, last: network.first + size(blockPrefix) - 1n, text: cidrString(network.first, blockPrefix) };
    const maxIndex = Number(size(blockPrefix)) - 2;
    // Indexes: given ones kept, the others numbered 1, 2, … in inventory order, skipping those taken.
    const given = new Map<string, number>();
    for (const h of members) {
      const v = h.vars['weave_index'];
      if (v === undefined) continue;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > maxIndex) problems.push(`${who(h.name, 'weave_index')}: weave_index ${String(v)} must be a whole number from 1 to ${maxIndex}`);
      else given.set(h.name, n);
    }
    const usedIndexes = new Set(given.values());
    let next = 1;
    const indexOf = new Map<string, number>();
    for (const h of members) {
      const g = given.get(h.name);
      if (g !== undefined) {
        indexOf.set(h.name, g);
        continue;
      }
      while (usedIndexes.has(next)) next++;
      indexOf.set(h.name, next);
      usedIndexes.add(next);
    }
    const bridges: { host: string; block: Block; given: boolean }[] = [];
    const subnets: { host: string; block: Block; given: boolean }[] = [];
    for (const h of members) {
      const i = indexOf.get(h.name) ?? 0;
      const computed: string[] = [];
      // The bridge address: 10.2.0.i with the network's prefix.
      let bridgeCidr = str(h.vars['weave_bridge_cidr']);
      if (bridgeCidr === undefined) {
        if (i > maxIndex) problems.push(`host ${h.name}: no bridge address left in the reserved block ${reserved.text} (index ${i} > ${maxIndex}): set weave_bridge_block_prefix shorter`);
        bridgeCidr = `${ipString(network.first + BigInt(i))}/${net.prefix}`;
        computed.push('weave_bridge_cidr');
      }
      const bridge = parseAddressWithPrefix(bridgeCidr);
      if (!bridge) {
        problems.push(`${who(h.name, 'weave_bridge_cidr')}: weave_bridge_cidr "${bridgeCidr}" is not an address with its prefix (such as 10.2.0.1/16)`);
      } else {
        const b = single(bridge.address, `${ipString(bridge.address)} (${h.name})`);
        if (!contains(reserved, b)) problems.push(`${who(h.name, 'weave_bridge_cidr')}: bridge address ${bridgeCidr} is outside the reserved block ${reserved.text} of ${networkText}`);
        else if (bridge.address === reserved.first || bridge.address === reserved.last) problems.push(`${who(h.name, 'weave_bridge_cidr')}: bridge address ${bridgeCidr} is the reserved block's network or broadcast address`);
        if (bridge.prefix !== net.prefix) problems.push(`${who(h.name, 'weave_bridge_cidr')}: bridge address ${bridgeCidr} must have the weave network's prefix /${net.prefix}, so the bridge routes the whole network`);
        bridges.push({ host: h.name, block: b, given: !computed.includes('weave_bridge_cidr') });
      }
      // The containers' subnet: 10.2.i.0/24 (weave_container_cidr, or docker_fixed_cidr, given alike).
      const givenContainer = str(h.vars['weave_container_cidr']);
      const givenFixed = str(h.vars['docker_fixed_cidr']);
      if (givenContainer !== undefined && givenFixed !== undefined && givenContainer !== givenFixed) {
        problems.push(`${who(h.name, 'docker_fixed_cidr')}: docker_fixed_cidr ${givenFixed} differs from weave_container_cidr ${givenContainer}${where(h.name, 'weave_container_cidr')}`);
      }
      let containerCidr = givenContainer ?? givenFixed;
      const containerKey = givenContainer !== undefined ? 'weave_container_cidr' : 'docker_fixed_cidr';
      if (containerCidr === undefined) {
        const prefix = Number(h.vars['weave_container_prefix'] ?? DEFAULT_CONTAINER_PREFIX);
        if (!Number.isInteger(prefix) || prefix <= net.prefix || prefix > 30) {
          problems.push(`${who(h.name, 'weave_container_prefix')}: weave_container_prefix ${String(h.vars['weave_container_prefix'])} must be longer than /${net.prefix} and at most /30`);
          planned.push({ name: h.name, index: i, computed });
          continue;
        }
        const first = network.first + BigInt(i) * size(prefix);
        containerCidr = cidrString(first, prefix);
        computed.push('weave_container_cidr');
        if (first + size(prefix) - 1n > network.last) problems.push(`host ${h.name}: index ${i}'s container subnet ${containerCidr} does not fit in ${networkText}`);
      }
      if (!isNetworkCidr(containerCidr)) {
        problems.push(`${who(h.name, containerKey)}: ${containerKey} "${containerCidr}" is not a network CIDR (such as 10.2.1.0/24)`);
      } else {
        const c = parseBlock(containerCidr)!;
        if (!contains(network, c)) problems.push(`${who(h.name, containerKey)}: container subnet ${containerCidr} is outside the weave network ${networkText}`);
        subnets.push({ host: h.name, block: { ...c, text: containerCidr }, given: !computed.includes('weave_container_cidr') });
      }
      planned.push({
        name: h.name,
        index: i,
        ...(bridge ? { bridgeAddress: ipString(bridge.address), bridgeCidr } : {}),
        containerCidr,
        computed,
      });
    }
    // Pairwise: bridge addresses unique; subnets disjoint from each other, from the reserved block and from every bridge address.
    for (let a = 0; a < bridges.length; a++) {
      for (let b = a + 1; b < bridges.length; b++) {
        const x = bridges[a]!;
        const y = bridges[b]!;
        if (x.block.first === y.block.first) problems.push(`hosts ${x.host}${where(x.host, 'weave_bridge_cidr')} and ${y.host}${where(y.host, 'weave_bridge_cidr')} have the same bridge address ${ipString(x.block.first)}`);
      }
    }
    for (let a = 0; a < subnets.length; a++) {
      const x = subnets[a]!;
      const xKey = str(members.find((m) => m.name === x.host)?.vars['weave_container_cidr']) !== undefined ? 'weave_container_cidr' : 'docker_fixed_cidr';
      if (overlaps(x.block, reserved)) problems.push(`host ${x.host}${x.given ? where(x.host, xKey) : ''}: container subnet ${x.block.text} overlaps the reserved bridge block ${reserved.text}`);
      for (const br of bridges) {
        if (overlaps(x.block, br.block) && !overlaps(x.block, reserved)) problems.push(`host ${x.host}${x.given ? where(x.host, xKey) : ''}: container subnet ${x.block.text} contains the bridge address ${br.block.text}`);
      }
      for (let b = a + 1; b < subnets.length; b++) {
        const y = subnets[b]!;
        const yKey = str(members.find((m) => m.name === y.host)?.vars['weave_container_cidr']) !== undefined ? 'weave_container_cidr' : 'docker_fixed_cidr';
        if (overlaps(x.block, y.block)) problems.push(`hosts ${x.host} and ${y.host}: container subnets ${x.block.text}${x.given ? where(x.host, xKey) : ''} and ${y.block.text}${y.given ? where(y.host, yKey) : ''} overlap`);
      }
    }
    if (breakout) {
      for (const br of bridges) if (!contains(breakout, br.block)) problems.push(`weave_breakout_route ${breakoutText} does not contain the bridge address ${br.block.text}`);
    }
    if (problems.length > 0) throw new WeaveIpPlanError(problems);
    return { mode, network: networkText, reservedBlock: reserved.text, ...(breakoutText ? { breakoutRoute: breakoutText } : {}), hosts: planned };
  }

  // IPAM: weave allocates from the range; fixed-cidrs and bridge addresses (CoreOS's) stay outside it.
  const bridgeSeen = new Map<bigint, string>();
  for (const h of members) {
    for (const key of ['docker_fixed_cidr', 'weave_container_cidr'] as const) {
      const v = str(h.vars[key]);
      if (v === undefined) continue;
      const b = parseBlock(v);
      if (!b) problems.push(`${who(h.name, key)}: ${key} "${v}" is not an IPv4 CIDR`);
      else if (overlaps(network, b)) problems.push(`${who(h.name, key)}: ${key} ${v} overlaps weave_ipalloc_range ${networkText}${networkWhere}: weave's IPAM would hand out its addresses too`);
    }
    const bridgeCidr = str(h.vars['weave_bridge_cidr']);
    if (bridgeCidr !== undefined) {
      const bridge = parseAddressWithPrefix(bridgeCidr);
      if (!bridge) {
        problems.push(`${who(h.name, 'weave_bridge_cidr')}: weave_bridge_cidr "${bridgeCidr}" is not an address with its prefix (such as 10.1.0.1/16)`);
      } else {
        const b = single(bridge.address, `${ipString(bridge.address)} (${h.name})`);
        if (overlaps(network, b)) problems.push(`${who(h.name, 'weave_bridge_cidr')}: bridge address ${bridgeCidr} is inside weave_ipalloc_range ${networkText}`);
        const other = bridgeSeen.get(bridge.address);
        if (other) problems.push(`hosts ${other}${where(other, 'weave_bridge_cidr')} and ${h.name}${where(h.name, 'weave_bridge_cidr')} have the same bridge address ${ipString(bridge.address)}`);
        bridgeSeen.set(bridge.address, h.name);
        if (breakout && !contains(breakout, b)) problems.push(`weave_breakout_route ${breakoutText} does not contain the bridge address ${b.text}`);
      }
    }
    const fixed = str(h.vars['docker_fixed_cidr']);
    planned.push({
      name: h.name,
      ...(bridgeCidr ? { bridgeCidr, bridgeAddress: bridgeCidr.split('/')[0] ?? bridgeCidr } : {}),
      ...(fixed !== undefined ? { containerCidr: fixed } : {}),
      computed: [],
    });
  }
  if (breakout && overlaps(breakout, network)) problems.push(`weave_breakout_route ${breakoutText} overlaps weave_ipalloc_range ${networkText}`);
  if (problems.length > 0) throw new WeaveIpPlanError(problems);
  return { mode, network: networkText, ...(breakoutText ? { breakoutRoute: breakoutText } : {}), hosts: planned };
}

/** The plan as `provision --check` prints it. */
export function formatWeaveIpPlan(plan: WeaveIpPlan): string {
  const head = plan.mode === 'bridge'
    ? `weave IP plan: bridge mode, network ${plan.network}, bridge addresses from ${plan.reservedBlock}${plan.breakoutRoute ? `, breakout route ${plan.breakoutRoute}` : ''}`
    : `weave IP plan: weave IPAM, --ipalloc-range ${plan.network}${plan.breakoutRoute ? `, breakout route ${plan.breakoutRoute}` : ''}`;
  const rows = plan.hosts.map((h) => [h.name, h.index === undefined ? '' : String(h.index), h.bridgeCidr ?? '-', h.containerCidr ?? (plan.mode === 'ipam' ? '(weave IPAM)' : '-'), h.computed.length > 0 ? `computed: ${h.computed.join(', ')}` : 'given']);
  const header = ['host', 'index', 'bridge', 'containers', ''];
  const widths = header.map((_, c) => Math.max(...[header, ...rows].map((r) => (r[c] ?? '').length)));
  const line = (r: readonly string[]): string => `  ${r.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join('  ')}`.trimEnd();
  return [head, line(header), ...rows.map(line)].join('\n');
}

/** The variables the plan gives each host (templates read them). */
export function planVars(plan: WeaveIpPlan, host: string): Record<string, string | number> {
  const h = plan.hosts.find((x) => x.name === host);
  if (!h) return {};
  const vars: Record<string, string | number> = { weave_mode: plan.mode };
  if (plan.mode === 'bridge') vars['weave_network'] = plan.network;
  else vars['weave_ipalloc_range'] = plan.network;
  if (h.index !== undefined) vars['weave_index'] = h.index;
  if (h.bridgeCidr !== undefined) vars['weave_bridge_cidr'] = h.bridgeCidr;
  if (h.bridgeAddress !== undefined) vars['weave_bridge_address'] = h.bridgeAddress;
  if (h.containerCidr !== undefined) {
    vars['weave_container_cidr'] = h.containerCidr;
    vars['docker_fixed_cidr'] = h.containerCidr;
  }
  return vars;
}
