import type { Inventory } from '../inventory/model.js';
import type { Play, Task } from '../playbook/model.js';
import type { Templar } from '../template/templar.js';
import type { Vars } from '../util/data.js';
import { makeLazy } from './lazy-vars.js';

/**
 * Variables for one host and task, lowest first (documented in docs/templates.md):
 * role defaults < inventory (all < groups < host, then group_vars/host_vars) < facts < play vars
 * < vars_files < role and task vars < set_fact/register < extra vars (-e).
 */
export class Variables {
  private readonly facts = new Map<string, Vars>();
  private readonly hostFacts = new Map<string, Vars>();
  private readonly inventoryVars = new Map<string, Vars>();
  /** hostvars[h], built once and dropped when h's facts change: a hosts template reads N hosts per host. */
  private readonly views = new Map<string, Vars>();
  readonly hostvars: Vars = {};

  constructor(
    private readonly inventory: Inventory,
    private readonly extraVars: Vars,
    private magic: Vars,
    private readonly templar: Templar,
  ) {
    const groups = inventory.groupsMap();
    this.magic = { ...magic, groups };
    for (const host of inventory.hosts.keys()) {
      // hostvars[h] is computed when read, so it always shows the host's latest facts.
      Object.defineProperty(this.hostvars, host, { enumerable: true, get: () => this.hostView(host) });
    }
  }

  /** Magic variables that change per playbook (playbook_dir). */
  setMagic(name: string, value: unknown): void {
    this.magic = { ...this.magic, [name]: value };
  }

  hasFacts(host: string): boolean {
    return this.facts.has(host);
  }

  setFacts(host: string, facts: Vars): void {
    this.facts.set(host, facts);
    this.views.delete(host);
  }

  /** set_fact and register: they outrank everything but extra vars, for the rest of the run. */
  setHostFacts(host: string, values: Vars): void {
    this.hostFacts.set(host, { ...this.hostFacts.get(host), ...values });
    this.views.delete(host);
  }

  private inventoryOf(host: string): Vars {
    let vars = this.inventoryVars.get(host);
    if (!vars) {
      vars = this.inventory.varsOfHost(host);
      this.inventoryVars.set(host, vars);
    }
    return vars;
  }

  private hostView(host: string): Vars {
    const cached = this.views.get(host);
    if (cached) return cached;
    const view = {
      ...this.inventoryOf(host),
      ...this.facts.get(host),
      ...this.hostFacts.get(host),
      ...this.extraVars,
      inventory_hostname: host,
      inventory_hostname_short: host.split('.')[0],
      group_names: this.groupNames(host),
    };
    this.views.set(host, view);
    return view;
  }

  private groupNames(host: string): string[] {
    return this.inventory.groupsOfHost(host).filter((g) => g !== 'all' && g !== 'ungrouped').sort();
  }

  /** Inventory vars alone (connection settings come from these). */
  inventoryVarsOf(host: string): Vars {
    return this.inventoryOf(host);
  }

  forTask(host: string, play: Play, playVarsFiles: Vars, task: Task | undefined): Vars {
    const configured = [play.defaults, this.inventoryOf(host), play.vars, playVarsFiles, task?.vars ?? {}, this.extraVars];
    const vars: Vars = {
      ...this.magic,
      ...play.defaults,
      ...this.inventoryOf(host),
      ...this.facts.get(host),
      ...play.vars,
      ...playVarsFiles,
      ...task?.vars,
      ...this.hostFacts.get(host),
      ...this.extraVars,
      inventory_hostname: host,
      inventory_hostname_short: host.split('.')[0],
      group_names: this.groupNames(host),
      hostvars: this.hostvars,
    };
    // Lazy templates only where a configuration layer gave the winning value (not a fact or a register).
    const fromConfig = configured.flatMap((layer) => Object.keys(layer).filter((k) => Object.is(vars[k], layer[k])));
    return makeLazy(vars, this.templar, fromConfig);
  }
}
