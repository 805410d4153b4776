import type { Inventory } from '../inventory/model.js';
import type { Play, Task } from '../playbook/model.js';
import type { Templar } from '../template/templar.js';
import type { Vars } from '../util/data.js';
import type { TaskContext } from './host-iterator.js';
import { makeLazy } from './lazy-vars.js';
import { precedenceLayers, roleLayers } from './precedence.js';
import { readTemplatedVarsFile } from './templated-vars-files.js';

/** What a task's variables depend on besides the host. */
export interface VarsScope {
  readonly play: Play;
  readonly task?: Task;
  readonly context?: TaskContext;
  /** The play's hosts: all it matched, and those not failed (ansible_play_hosts_all, ansible_play_hosts). */
  readonly playHosts?: { readonly all: readonly string[]; readonly active: readonly string[]; readonly batch?: readonly string[] };
}

/**
 * A host's variables for a task, from every source in ansible-core's order (precedence.ts,
 * documented in docs/templates.md), plus the magic variables. Facts, set_fact and register are
 * kept per host for the run.
 */
export class Variables {
  private readonly facts = new Map<string, Vars>();
  private readonly hostFacts = new Map<string, Vars>();
  private readonly inventoryVars = new Map<string, Vars>();
  /** hostvars[h], built once and dropped when h's facts change: a hosts template reads N hosts per host. */
  private readonly views = new Map<string, Vars>();
  private readonly varsFilesOf = new WeakMap<Play, Vars[]>();
  /** Templated vars_files as read for one play and host. */
  private readonly templatedVarsFiles = new Map<string, Vars[]>();
  private playbookDir: string | undefined;
  readonly hostvars: Vars = {};

  /**
   * `magic`: variables of the run that nothing overrides (ansible_check_mode, …), as Ansible
   * applies its magic variables after extra vars; `base`: values below everything (ansible_managed).
   */
  constructor(
    private readonly inventory: Inventory,
    private readonly extraVars: Vars,
    private magic: Vars,
    private readonly templar: Templar,
    private readonly base: Vars = {},
  ) {
    const groups = inventory.groupsMap();
    this.magic = { ...magic, groups };
    for (const host of inventory.hosts.keys()) {
      // hostvars[h] is computed when read, so it always shows the host's latest facts.
      Object.defineProperty(this.hostvars, host, { enumerable: true, get: () => this.hostView(host) });
    }
  }

  /** The playbook being run: its directory is playbook_dir, and its group_vars/ and host_vars/ apply. */
  setPlaybookDir(dir: string): void {
    this.playbookDir = dir;
    this.magic = { ...this.magic, playbook_dir: dir };
    this.inventoryVars.clear();
    this.views.clear();
  }

  hasFacts(host: string): boolean {
    return this.facts.has(host);
  }

  setFacts(host: string, facts: Vars): void {
    this.facts.set(host, facts);
    this.views.delete(host);
  }

  /** The setup module: these facts join (and replace by name) the host's gathered facts. */
  mergeFacts(host: string, facts: Vars): void {
    this.setFacts(host, { ...this.facts.get(host), ...facts });
  }

  /** meta: clear_facts: the gathered facts go (set_fact and register stay, as Ansible's fact cache). */
  clearFacts(host: string): void {
    this.facts.delete(host);
    this.views.delete(host);
  }

  /** set_fact and register: they outrank everything but role parameters and extra vars, for the rest of the run. */
  setHostFacts(host: string, values: Vars): void {
    this.hostFacts.set(host, { ...this.hostFacts.get(host), ...values });
    this.views.delete(host);
  }

  private inventoryOf(host: string): Vars {
    let vars = this.inventoryVars.get(host);
    if (!vars) {
      vars = this.inventory.varsOfHost(host, this.playbookDir);
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

  /** Inventory vars alone. */
  inventoryVarsOf(host: string): Vars {
    return this.inventoryOf(host);
  }

  /** A host's variables for a task (or for the play, without one). */
  forTask(host: string, scope: VarsScope): Vars {
    const { play, task, context } = scope;
    const roles = roleLayers(play.roles, context?.role);
    const layers = precedenceLayers({
      roleDefaults: roles.defaults,
      inventory: this.inventoryOf(host),
      facts: this.facts.get(host) ?? {},
      playVars: play.vars,
      varsFiles: this.varsFilesFor(host, scope, roles.defaults),
      roleVars: roles.vars,
      blockVars: context?.blocks.map((b) => b.vars) ?? [],
      taskVars: task?.vars ?? {},
      hostFacts: this.hostFacts.get(host) ?? {},
      roleParams: roles.params,
      extraVars: this.extraVars,
    });
    const vars: Vars = Object.assign({}, this.base, ...layers.map((l) => l.vars), this.magic, this.playMagic(scope), this.hostMagic(host));
    // Lazy templates only where a configuration layer gave the winning value (not a fact or a register).
    const fromConfig = layers.flatMap((l) => (l.fromHost ? [] : Object.keys(l.vars).filter((k) => Object.is(vars[k], l.vars[k]))));
    return makeLazy(vars, this.templar, fromConfig);
  }

  /** The play's and the task's role's magic variables (VariableManager._get_magic_variables). */
  private playMagic(scope: VarsScope): Vars {
    const { play, context, playHosts } = scope;
    const topRoles = play.roles.filter((r) => r.parents.length === 0).map((r) => r.name);
    const role = context?.role;
    return {
      ansible_play_name: play.name,
      ansible_play_role_names: topRoles,
      role_names: topRoles,
      ...(playHosts ? { ansible_play_hosts_all: playHosts.all, ansible_play_hosts: playHosts.active, ansible_play_batch: playHosts.batch ?? playHosts.active, play_hosts: playHosts.active } : {}),
      ...(role ? { role_name: role.name, ansible_role_name: role.name, role_path: role.path } : {}),
    };
  }

  /**
   * The play's vars_files for a host: read at load, except entries written as templates, which
   * are rendered with the host's variables so far (and -e and magic ones) once per host and play.
   */
  private varsFilesFor(host: string, scope: VarsScope, roleDefaults: readonly Vars[]): Vars[] {
    const { play } = scope;
    if (!play.varsFiles.some((f) => f.templates)) {
      let files = this.varsFilesOf.get(play);
      if (!files) this.varsFilesOf.set(play, (files = play.varsFiles.map((f) => f.vars)));
      return files;
    }
    // Read again once the host's facts are in: an undefined variable is then an error (VariableManager).
    const key = `${play.file}\u0000${play.at.line}:${play.at.col}\u0000${host}\u0000${this.facts.has(host)}`;
    const cached = this.templatedVarsFiles.get(key);
    if (cached) return cached;
    const files: Vars[] = [];
    for (const entry of play.varsFiles) {
      if (!entry.templates) {
        files.push(entry.vars);
        continue;
      }
      const sofar = makeLazy(
        Object.assign({}, this.base, ...roleDefaults, this.inventoryOf(host), this.facts.get(host), play.vars, ...files, this.extraVars, this.magic, this.playMagic(scope), this.hostMagic(host)),
        this.templar,
        [...Object.keys(play.vars), ...files.flatMap(Object.keys)],
      );
      files.push(readTemplatedVarsFile(entry, sofar, this.templar, this.facts.has(host)));
    }
    this.templatedVarsFiles.set(key, files);
    return files;
  }

  private hostMagic(host: string): Vars {
    return { inventory_hostname: host, inventory_hostname_short: host.split('.')[0], group_names: this.groupNames(host), hostvars: this.hostvars };
  }
}
