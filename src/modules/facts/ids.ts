import { shellQuote } from '../../util/shlex.js';
import type { Fact } from './fact.js';

/**
 * Numeric ids, as Ansible's diffs show owners and groups: the ids a new path gets (the user the
 * task runs as), and the ids of the owner and group a task names. A name the host does not know
 * is left out (the change itself then fails as it does today).
 */
export interface Ids {
  readonly uid: number;
  readonly gid: number;
  readonly owner?: number;
  readonly group?: number;
}

/** Only sh and coreutils: `id` for users; getent where there is one, else /etc/group, for groups. */
export function idsFact(owner: string | undefined, group: string | undefined): Fact<Ids> {
  const lines = ['echo "uid $(id -u)"', 'echo "gid $(id -g)"'];
  if (owner !== undefined) lines.push(`if o=$(id -u -- ${shellQuote(owner)} 2>/dev/null); then echo "owner $o"; fi`);
  if (group !== undefined) {
    const q = shellQuote(group);
    lines.push(
      `g=$(getent group ${q} 2>/dev/null) || g=$(while IFS=: read -r n _ i _; do if [ "$n" = ${q} ]; then echo "$n:x:$i"; break; fi; done </etc/group)`,
      'g=${g#*:*:}; g=${g%%:*}; if [ -n "$g" ]; then echo "group $g"; fi',
    );
  }
  return {
    key: `ids ${owner ?? ''}:${group ?? ''}`,
    command: `(${lines.join('; ')})`,
    parse: (output) => {
      const values: Record<string, number> = {};
      for (const line of output.split('\n')) {
        const [word, value] = line.split(' ');
        if (word && value !== undefined && /^\d+$/.test(value)) values[word] = Number(value);
      }
      return { uid: values['uid'] ?? -1, gid: values['gid'] ?? -1, ...(values['owner'] !== undefined ? { owner: values['owner'] } : {}), ...(values['group'] !== undefined ? { group: values['group'] } : {}) };
    },
  };
}
