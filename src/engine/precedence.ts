import type { RoleRun } from '../playbook/model.js';
import type { Vars } from '../util/data.js';

/**
 * Where a host's variables for one task come from, in ansible-core 2.14's order
 * (VariableManager.get_vars), lowest first: a later source wins. Inventory variables arrive
 * already merged in the inventory's own order (Inventory.varsOfHost).
 */
export interface VariableSources {
  /** Every role's defaults play-wide, then the task's role (after the roles that pulled it in). */
  readonly roleDefaults: readonly Vars[];
  readonly inventory: Vars;
  /** Gathered facts. */
  readonly facts: Vars;
  readonly playVars: Vars;
  readonly varsFiles: readonly Vars[];
  /** Every role's vars play-wide (entry `vars:`, then vars/main.yml), then the task's role chain's. */
  readonly roleVars: readonly Vars[];
  /** Vars of the blocks around the task, outermost first. */
  readonly blockVars: readonly Vars[];
  readonly taskVars: Vars;
  /** set_fact and register. */
  readonly hostFacts: Vars;
  /** The task's role's parameters (after those of the roles that pulled it in). */
  readonly roleParams: readonly Vars[];
  /** -e: always wins. */
  readonly extraVars: Vars;
}

/** The layers in the order they apply; `fromHost` marks data from the host (facts, results), never templated. */
export function precedenceLayers(s: VariableSources): { readonly vars: Vars; readonly fromHost: boolean }[] {
  const config = (vars: Vars) => ({ vars, fromHost: false });
  const host = (vars: Vars) => ({ vars, fromHost: true });
  return [
    ...s.roleDefaults.map(config),
    config(s.inventory),
    host(s.facts),
    config(s.playVars),
    ...s.varsFiles.map(config),
    ...s.roleVars.map(config),
    ...s.blockVars.map(config),
    config(s.taskVars),
    host(s.hostFacts),
    ...s.roleParams.map(config),
    config(s.extraVars),
  ];
}

/** A role's layers as Ansible's Role.get_default_vars/get_vars/get_role_params(dep_chain) give them. */
export function roleLayers(play: readonly RoleRun[], role: RoleRun | undefined): { defaults: Vars[]; vars: Vars[]; params: Vars[] } {
  const chain = role ? [...role.parents, role] : [];
  return {
    defaults: [...play.map((r) => r.defaults), ...chain.map((r) => r.defaults)],
    vars: [...play.flatMap((r) => [r.entryVars, r.vars]), ...chain.flatMap((r) => [r.entryVars, r.vars])],
    params: chain.map((r) => r.params),
  };
}
