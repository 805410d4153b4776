import { shellJoin } from '../util/shlex.js';
import { defineModule } from './define.js';
import { accountsFact } from './facts/accounts.js';
import { noChange, type Plan } from './plan.js';

/** Ansible's group module: groupadd, groupmod -g, groupdel. */
export const groupModule = defineModule({
  name: 'group',
  description: 'Makes sure a group exists (with a gid) or does not, with groupadd, groupmod and groupdel.',
  args: {
    args: {
      name: { type: 'str', required: true, description: 'The group.' },
      gid: { type: 'int', description: 'Its numeric id.' },
      state: { type: 'str', choices: ['present', 'absent'], default: 'present', description: 'Whether the group exists.' },
      system: { type: 'bool', default: false, description: 'Make it a system group (a gid from the system range) when it is created.' },
      non_unique: { type: 'bool', default: false, description: 'Allow a gid another group has (with gid).' },
    },
    notImplemented: ['local'],
    requiredIf: [['non_unique', true, ['gid']]],
  },
  facts: (args) => ({ accounts: accountsFact(args.name) }),
  plan(args, facts): Plan {
    const group = facts.accounts.groups.find((g) => g.name === args.name);
    const base = { name: args.name, state: args.state };
    const unique = args.non_unique ? ['-o'] : [];
    if (args.state === 'absent') {
      if (!group) return noChange(base);
      return { changes: [{ kind: 'script', what: `delete group ${args.name}`, script: shellJoin(['groupdel', args.name]) }], result: base };
    }
    if (!group) {
      const argv = ['groupadd', ...(args.gid !== undefined ? ['-g', String(args.gid), ...unique] : []), ...(args.system ? ['-r'] : []), args.name];
      return { changes: [{ kind: 'script', what: `create group ${args.name}`, script: shellJoin(argv) }], result: { ...base, system: args.system, ...(args.gid !== undefined ? { gid: args.gid } : {}) } };
    }
    const result = { ...base, system: args.system, gid: args.gid ?? group.gid };
    if (args.gid === undefined || args.gid === group.gid) return noChange(result);
    return { changes: [{ kind: 'script', what: `set gid of ${args.name} to ${args.gid}`, script: shellJoin(['groupmod', '-g', String(args.gid), ...unique, args.name]) }], result };
  },
});
