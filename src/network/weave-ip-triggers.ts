import type { Inventory } from '../inventory/model.js';

/** The inventory variables that turn the weave IP plan on (docs/weave-ip-plan.md). */
export const PLAN_TRIGGERS = ['weave_mode', 'weave_network', 'weave_ipalloc_range'] as const;

/**
 * Whether any host sets a variable of the IP plan. Apart from the plan so that a run without
 * one does not load the plan and ip-num at start.
 */
export function inventoryHasWeaveIpPlan(inventory: Inventory, playbookDir: string | undefined): boolean {
  return [...inventory.hosts.keys()].some((name) => {
    const vars = inventory.varsOfHost(name, playbookDir);
    return PLAN_TRIGGERS.some((k) => vars[k] !== undefined);
  });
}
