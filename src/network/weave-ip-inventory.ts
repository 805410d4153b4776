import { Validator } from 'ip-num';
import type { Inventory } from '../inventory/model.js';
import { InventoryLocator } from './inventory-locate.js';
import { PLAN_TRIGGERS, type PlanHost, planVars, planWeaveIp, type WeaveIpPlan, WeaveIpPlanError } from './weave-ip-plan.js';

/** The plan's inputs that must be literal values (it is checked before any variable is templated). */
const PLAN_VARS = [...PLAN_TRIGGERS, 'weave_index', 'weave_bridge_cidr', 'weave_container_cidr', 'docker_fixed_cidr', 'weave_container_prefix', 'weave_bridge_block_prefix', 'weave_breakout_route', 'docker_bridge_cidr', 'weave_host_networks'];

/**
 * The inventory's weave IP plan, checked (WeaveIpPlanError names hosts, ranges and file:line),
 * with the computed per-host variables (weave_bridge_cidr, docker_fixed_cidr, …) added to the
 * hosts that do not set them. Undefined when no host sets weave_mode, weave_network or
 * weave_ipalloc_range.
 */
export function applyWeaveIpPlan(inventory: Inventory, sources: readonly string[], playbookDir?: string): WeaveIpPlan | undefined {
  const locator = new InventoryLocator(sources, playbookDir ? [playbookDir] : []);
  const hosts: PlanHost[] = [...inventory.hosts.keys()].map((name) => {
    const vars = inventory.varsOfHost(name, playbookDir);
    const address = String(vars['ansible_host'] ?? name);
    return { name, vars, address: Validator.isValidIPv4String(address)[0] ? address : undefined };
  });
  const locate = (host: string, key: string): string | undefined => locator.locate(host, key, inventory.groupsOfHost(host));
  const templated = hosts.flatMap((h) =>
    PLAN_VARS.filter((k) => JSON.stringify(h.vars[k] ?? '').includes('{{')).map((k) => `host ${h.name}${locate(h.name, k) ? ` (${locate(h.name, k)})` : ''}: ${k} must be a literal value for the IP plan, which is checked before anything is templated`),
  );
  if (templated.length > 0 && hosts.some((h) => PLAN_TRIGGERS.some((k) => h.vars[k] !== undefined))) throw new WeaveIpPlanError(templated);
  const plan = planWeaveIp(hosts, locate);
  if (!plan) return undefined;
  for (const h of plan.hosts) {
    const merged = inventory.varsOfHost(h.name, playbookDir);
    const own = inventory.host(h.name).vars as Record<string, unknown>;
    for (const [k, v] of Object.entries(planVars(plan, h.name))) if (merged[k] === undefined) own[k] = v;
  }
  return plan;
}
