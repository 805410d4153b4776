import { ConfigError } from '../errors.js';
import { FACTS_SCRIPT, parseFacts } from './facts/host-facts.js';
import type { Vars } from '../util/data.js';
import { defineAction } from './define.js';
import { ModuleFailure } from './types.js';

/** fnmatch as Ansible's setup filter uses it: `*`, `?` and `[…]`, the whole name. */
function globToRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) out += '\\[';
      else {
        const body = glob.slice(i + 1, end);
        out += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
        i = end;
      }
    } else out += c.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

const SUBSETS = ['all', 'min', 'network', 'hardware', 'virtual', 'facter', 'ohai'];

/**
 * `setup`: gathers the host's facts again, mid-play (the same facts and the same one round trip
 * as "Gathering Facts"); `filter` keeps the facts whose names match. They replace the gathered
 * facts of those names for the rest of the run, as Ansible's fact cache.
 */
export const setupModule = defineAction({
  name: 'setup',
  description: "Gathers the host's facts (as the play's fact gathering does) mid-play; filter keeps those whose names match.",
  checkMode: 'Runs: it only reads the host.',
  args: {
    args: {
      filter: { type: 'list', default: [], description: 'Shell-style patterns of fact names to keep (ansible_eth*); all when empty.' },
      gather_subset: { type: 'list', default: ['all'], description: `Accepted for compatibility (${SUBSETS.join(', ')}, with ! to exclude): provision gathers its one set of facts.` },
      gather_timeout: { type: 'int', default: 10, description: 'Accepted for compatibility.' },
    },
  },
  validate(args, context) {
    for (const subset of ([] as unknown[]).concat(args['gather_subset'] ?? [])) {
      const name = String(subset).replace(/^!/, '');
      if (!SUBSETS.includes(name) && !String(subset).includes('{{')) throw new ConfigError(`setup: gather_subset must be one of ${SUBSETS.join(', ')} (with ! to exclude), found ${String(subset)}`, context.at);
    }
  },
  async run(ctx, args) {
    const r = await ctx.exec(FACTS_SCRIPT);
    if (r.rc !== 0) throw new ModuleFailure(`fact gathering failed: ${r.stderr.trim() || `exit ${r.rc}`}`);
    const all = parseFacts(r.stdout);
    const patterns = (args.filter ?? []).map((f) => globToRegExp(String(f)));
    const facts: Vars = patterns.length === 0 ? all : Object.fromEntries(Object.entries(all).filter(([k]) => patterns.some((p) => p.test(k))));
    return { changed: false, facts, data: { ansible_facts: facts } };
  },
});
