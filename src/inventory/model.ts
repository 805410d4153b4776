import type { Vars } from '../util/data.js';
import { implicitLocalhostVars } from './implicit-localhost.js';

export interface InventoryHost {
  readonly name: string;
  /** Variables set on the host in the inventory source (inline, or under hosts:). */
  readonly vars: Vars;
}

/** `group_vars/` and `host_vars/` found beside an inventory source, or beside a playbook. */
export interface VarsDir {
  readonly base: string;
  readonly besidePlaybook: boolean;
  readonly groups: ReadonlyMap<string, Vars>;
  readonly hosts: ReadonlyMap<string, Vars>;
}

export interface InventoryGroup {
  readonly name: string;
  readonly vars: Vars;
  /** ansible_group_priority: among groups of one depth, a higher one's vars win (default 1). */
  priority: number;
  /** Hosts listed directly in this group, in the order they were written. */
  readonly hosts: string[];
  readonly children: string[];
}

/**
 * Hosts and groups as Ansible sees them: implicit `all` and `ungrouped`, nested children, and
 * variables merged all < groups (shallow first, then by name) < host.
 */
export class Inventory {
  readonly hosts = new Map<string, InventoryHost>();
  readonly groups = new Map<string, InventoryGroup>();
  /** group_vars/ and host_vars/ directories, in the order they were found. */
  readonly varsDirs: VarsDir[] = [];

  constructor() {
    this.group('all');
    this.group('ungrouped');
  }

  group(name: string): InventoryGroup {
    let g = this.groups.get(name);
    if (!g) {
      g = { name, vars: {}, priority: 1, hosts: [], children: [] };
      this.groups.set(name, g);
    }
    return g;
  }

  host(name: string): InventoryHost {
    let h = this.hosts.get(name);
    if (!h) {
      h = { name, vars: {} };
      this.hosts.set(name, h);
    }
    return h;
  }

  addHostToGroup(host: string, group: string): void {
    this.host(host);
    const g = this.group(group);
    if (!g.hosts.includes(host)) g.hosts.push(host);
  }

  addChild(parent: string, child: string): void {
    if (parent === child) throw new Error(`group ${parent} cannot be its own child`);
    const p = this.group(parent);
    this.group(child);
    if (!p.children.includes(child)) p.children.push(child);
  }

  private finished = false;

  /** Call once loading is done: fixes up `all`/`ungrouped` and rejects cycles. */
  finish(): void {
    const all = this.group('all');
    const ungrouped = this.group('ungrouped');
    for (const g of this.groups.values()) {
      if (g.name !== 'all' && !this.parentsOf(g.name).length && !all.children.includes(g.name)) all.children.push(g.name);
    }
    // Ansible lists `ungrouped` first among all's children.
    all.children.splice(all.children.indexOf('ungrouped'), 1);
    all.children.unshift('ungrouped');
    for (const name of this.hosts.keys()) {
      const direct = [...this.groups.values()].filter((g) => g.name !== 'all' && g.hosts.includes(name));
      if (direct.length === 0) ungrouped.hosts.push(name);
    }
    for (const g of this.groups.keys()) this.depth(g, []);
    this.finished = true;
  }

  parentsOf(group: string): string[] {
    return [...this.groups.values()].filter((g) => g.children.includes(group)).map((g) => g.name);
  }

  private depth(group: string, path: string[]): number {
    if (path.includes(group)) throw new Error(`group cycle: ${[...path, group].join(' -> ')}`);
    if (group === 'all') return 0;
    const parents = this.parentsOf(group);
    return 1 + Math.max(0, ...parents.map((p) => this.depth(p, [...path, group])));
  }

  private readonly groupsOfHostCache = new Map<string, string[]>();

  /** Every group the host belongs to, `all` included, ordered as Ansible applies their vars. */
  groupsOfHost(host: string): string[] {
    const cached = this.groupsOfHostCache.get(host);
    if (cached) return cached;
    const found = new Set<string>(['all']);
    const visit = (group: string): void => {
      if (found.has(group) && group !== 'all') return;
      found.add(group);
      for (const p of this.parentsOf(group)) visit(p);
    };
    for (const g of this.groups.values()) if (g.name !== 'all' && g.hosts.includes(host)) visit(g.name);
    const depths = new Map([...found].map((g) => [g, this.depth(g, [])]));
    // sort_groups: by depth, then ansible_group_priority, then name.
    const priority = (g: string): number => this.groups.get(g)?.priority ?? 1;
    const sorted = [...found].sort((a, b) => (depths.get(a) ?? 0) - (depths.get(b) ?? 0) || priority(a) - priority(b) || (a < b ? -1 : a > b ? 1 : 0));
    // Membership is fixed once loading is done (finish() has run), so it is computed once per host.
    if (this.finished) this.groupsOfHostCache.set(host, sorted);
    return sorted;
  }

  /** Hosts in a group and all its children, in inventory order. */
  hostsOfGroup(group: string): string[] {
    if (group === 'all') return [...this.hosts.keys()];
    const members = new Set<string>();
    const visit = (name: string, seen: Set<string>): void => {
      if (seen.has(name)) return;
      seen.add(name);
      const g = this.groups.get(name);
      if (!g) return;
      for (const h of g.hosts) members.add(h);
      for (const c of g.children) visit(c, seen);
    };
    visit(group, new Set());
    return [...this.hosts.keys()].filter((h) => members.has(h));
  }

  private readonly groupOrderCache = new Map<string, string[]>();

  /**
   * A group's hosts in Ansible's Group.get_hosts order (what subscripts index, `groups[g]` lists
   * and plays run in): its own, then its descendants', level by level (`all` too).
   */
  hostsOfGroupInGroupOrder(group: string): string[] {
    const cached = this.groupOrderCache.get(group);
    if (cached) return cached;
    const found = new Set<string>();
    const seen = new Set<string>();
    let level = [group];
    while (level.length > 0) {
      const next: string[] = [];
      for (const name of level) {
        const g = this.groups.get(name);
        if (!g || seen.has(name)) continue;
        seen.add(name);
        for (const h of g.hosts) found.add(h);
        next.push(...g.children);
      }
      level = next;
    }
    const hosts = [...found];
    if (this.finished) this.groupOrderCache.set(group, hosts);
    return hosts;
  }

  /** A variable of a group from the inventory source; ansible_group_priority is the group's priority, not a variable (as Group.set_variable). */
  setGroupVar(group: string, key: string, value: unknown): void {
    const g = this.group(group);
    if (key === 'ansible_group_priority') g.priority = Number.parseInt(String(value), 10) || 0;
    else g.vars[key] = value;
  }

  addVarsDir(dir: VarsDir): void {
    this.varsDirs.push(dir);
  }

  /**
   * A host's inventory variables in ansible-core 2.14's order (VARIABLE_PRECEDENCE), later wins:
   * the inventory's all group, its groups (shallow to deep, then by name); group_vars/all beside
   * the inventory, then beside the playbook; group_vars/<group> beside the inventory, then beside
   * the playbook; the host's own; host_vars/ beside the inventory, then beside the playbook.
   * `playbookDir` names the playbook being run (none for ansible-inventory's view).
   */
  varsOfHost(host: string, playbookDir?: string): Vars {
    // As VariableManager: `all` first on its own, then the host's other groups.
    const groups = this.groupsOfHost(host).filter((g) => g !== 'all');
    const inventoryDirs = this.varsDirs.filter((d) => !d.besidePlaybook);
    const playbookDirs = playbookDir === undefined ? [] : this.varsDirs.filter((d) => d.besidePlaybook && d.base === playbookDir);
    const fromDirs = (dirs: readonly VarsDir[], names: readonly string[]): Vars[] => dirs.flatMap((d) => names.map((g) => d.groups.get(g) ?? {}));
    return Object.assign(
      {},
      this.groups.get('all')?.vars,
      ...groups.map((g) => this.groups.get(g)?.vars),
      ...fromDirs(inventoryDirs, ['all']),
      ...fromDirs(playbookDirs, ['all']),
      ...fromDirs(inventoryDirs, groups),
      ...fromDirs(playbookDirs, groups),
      // A name not in the inventory is Ansible's implicit localhost, or nothing.
      this.hosts.get(host)?.vars ?? implicitLocalhostVars(host),
      ...inventoryDirs.map((d) => d.hosts.get(host)),
      ...playbookDirs.map((d) => d.hosts.get(host)),
    );
  }

  /** The `groups` magic variable: every group name to its hosts, in group order (as get_groups_dict). */
  groupsMap(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const name of this.groups.keys()) out[name] = [...this.hostsOfGroupInGroupOrder(name)];
    return out;
  }
}
