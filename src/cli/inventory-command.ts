import { loadProjectConfig } from '../config/project-config.js';
import { UsageError } from '../errors.js';
import { loadInventory } from '../inventory/load.js';
import type { Inventory } from '../inventory/model.js';
import type { Io } from './lab-command.js';
import { collect, newProgram, parseWith } from './options.js';

/** `provision inventory --list | --graph [GROUP] | --host HOST`, like ansible-inventory. */
export async function inventoryCommand(argv: readonly string[], io: Io): Promise<number> {
  const program = newProgram('provision inventory', io.out)
    .option('-i, --inventory <path>', 'inventory file or directory (repeatable)', collect)
    .option('--list', 'all groups and hosts as JSON, with host variables')
    .option('--graph [group]', 'the group tree')
    .option('--host <host>', "one host's variables as JSON")
    .action((opts: { inventory?: string[]; list?: boolean; graph?: string | boolean; host?: string }) => {
      const sources = opts.inventory ?? [...loadProjectConfig().inventory];
      if (sources.length === 0) throw new UsageError('no inventory: pass -i or set inventory in provision.cfg');
      const inventory = loadInventory(sources);
      if (opts.host !== undefined) {
        if (!inventory.hosts.has(opts.host)) throw new UsageError(`no host "${opts.host}" in the inventory`);
        io.out(`${JSON.stringify(inventory.varsOfHost(opts.host), null, 4)}\n`);
      } else if (opts.graph !== undefined) {
        io.out(graph(inventory, typeof opts.graph === 'string' ? opts.graph : 'all', 0).join('\n') + '\n');
      } else if (opts.list) {
        io.out(`${JSON.stringify(list(inventory), null, 4)}\n`);
      } else {
        throw new UsageError('give one of --list, --graph or --host');
      }
    });
  await parseWith(program, argv);
  return 0;
}

function list(inventory: Inventory): Record<string, unknown> {
  const out: Record<string, unknown> = { _meta: { hostvars: Object.fromEntries([...inventory.hosts.keys()].map((h) => [h, inventory.varsOfHost(h)])) } };
  for (const g of inventory.groups.values()) {
    const entry: Record<string, unknown> = {};
    if (g.children.length) entry['children'] = g.children;
    if (g.hosts.length) entry['hosts'] = g.hosts;
    out[g.name] = entry;
  }
  return out;
}

function graph(inventory: Inventory, group: string, depth: number): string[] {
  const g = inventory.groups.get(group);
  if (!g) throw new UsageError(`no group "${group}" in the inventory`);
  const pad = '  '.repeat(depth);
  return [
    `${pad}${depth ? '|--' : ''}@${group}:`,
    ...g.children.flatMap((c) => graph(inventory, c, depth + 1)),
    ...g.hosts.map((h) => `${'  '.repeat(depth + 1)}|--${h}`),
  ];
}
