import { shellQuote } from '../../util/shlex.js';
import { type PasswdEntry, parsePasswdLine } from '../passwd.js';
import type { Fact } from './fact.js';

export interface GroupEntry {
  readonly name: string;
  readonly gid: number;
  readonly members: readonly string[];
}

/** What the user and group modules read: the account, its shadow entry (only when asked), every group, and whether its home exists. */
export interface AccountsState {
  readonly user?: PasswdEntry;
  /** The shadow password field (a hash, `!`-locked, or `*`): only when a password is managed. */
  readonly password?: string;
  readonly groups: readonly GroupEntry[];
  /** Whether the directory `homeOf` named (the wanted home, else the account's) exists. */
  readonly homeExists: boolean;
  /** Whether the wanted home's parent directory exists. */
  readonly homeParentExists: boolean;
  /** useradd's defaults (`useradd -D`: HOME, SHELL, GROUP…), when asked for. */
  readonly useraddDefaults?: Readonly<Record<string, string>>;
}

export function parseGroupLine(line: string): GroupEntry {
  const [name = '', , gid = '0', members = ''] = line.split(':');
  return { name, gid: Number(gid), members: members ? members.split(',') : [] };
}

/**
 * One script: `getent passwd`, `getent shadow` (only with `password`), `getent group` (all of
 * them: memberships and the groups the task names are read from it), and the home's existence.
 */
export function accountsFact(name: string, options: { readonly password?: boolean; readonly home?: string | undefined; readonly defaults?: boolean } = {}): Fact<AccountsState> {
  const q = shellQuote(name);
  return {
    key: `accounts ${name} ${options.password ? 'p' : ''}${options.defaults ? 'd' : ''} ${options.home ?? ''}`,
    command: [
      `if e=$(getent passwd -- ${q}); then printf 'user %s\\n' "$e"; else e=; fi`,
      ...(options.password ? [`s=$(getent shadow -- ${q} | cut -d: -f2) && printf 'shadow '; printf %s "$s" | base64 -w0; echo`] : []),
      'getent group | sed "s/^/group /"',
      ...(options.defaults ? ['useradd -D 2>/dev/null | sed "s/^/default /"'] : []),
      options.home !== undefined ? `h=${shellQuote(options.home)}` : 'h=$(printf %s "$e" | cut -d: -f6)',
      'if [ -n "$h" ] && [ -d "$h" ]; then echo home; fi',
      'if [ -n "$h" ] && [ -d "$(dirname -- "$h")" ]; then echo parent; fi',
    ].join('\n'),
    parse(output) {
      const lines = output.split('\n');
      const user = lines.find((l) => l.startsWith('user '));
      const shadow = lines.find((l) => l.startsWith('shadow '));
      return {
        ...(user ? { user: parsePasswdLine(user.slice(5)) } : {}),
        ...(shadow ? { password: Buffer.from(shadow.slice(7), 'base64').toString('utf8') } : {}),
        groups: lines.filter((l) => l.startsWith('group ')).map((l) => parseGroupLine(l.slice(6))),
        homeExists: lines.includes('home'),
        homeParentExists: lines.includes('parent'),
        ...(options.defaults ? { useraddDefaults: Object.fromEntries(lines.filter((l) => l.startsWith('default ')).map((l) => [l.slice(8, l.indexOf('=')), l.slice(l.indexOf('=') + 1)])) } : {}),
      };
    },
  };
}

/** A group named by name or gid, as Ansible's group_exists/group_info look it up. */
export function findGroup(groups: readonly GroupEntry[], nameOrGid: string): GroupEntry | undefined {
  return groups.find((g) => g.name === nameOrGid) ?? (/^\d+$/.test(nameOrGid) ? groups.find((g) => g.gid === Number(nameOrGid)) : undefined);
}
