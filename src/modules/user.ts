import { posix } from 'node:path';
import { ConfigError } from '../errors.js';
import { hasTemplate } from '../template/templar.js';
import { shellJoin, shellQuote } from '../util/shlex.js';
import type { Vars } from '../util/data.js';
import { defineModule } from './define.js';
import { type AccountsState, findGroup } from './facts/accounts.js';
import { accountsFact } from './facts/accounts.js';
import { type Change, type Plan, noChange } from './plan.js';

interface UserArgs {
  readonly name: string;
  readonly state: 'present' | 'absent';
  readonly uid?: number | undefined;
  readonly non_unique: boolean;
  readonly group?: string | undefined;
  readonly groups?: unknown[] | undefined;
  readonly append: boolean;
  readonly comment?: string | undefined;
  readonly home?: string | undefined;
  readonly shell?: string | undefined;
  readonly password?: string | undefined;
  readonly update_password: 'always' | 'on_create';
  readonly create_home: boolean;
  readonly move_home: boolean;
  readonly skeleton?: string | undefined;
  readonly system: boolean;
  readonly force: boolean;
  readonly remove: boolean;
}

/** Where a password hash waits for chpasswd: written as data (0600, atomically), read from stdin, removed. */
const PASSWORD_FILE = '/etc/.provision-password';

/**
 * chpasswd reads `name:hash` lines: a line break in either would add a line (another account's
 * password, root's), a colon would split the fields. Refused, never staged. (The value is not quoted back.)
 */
export function chpasswdProblem(what: 'name' | 'password', value: string): string | undefined {
  if (what === 'password' && /[:\r\n\0]/.test(value)) return 'password must be one crypted hash: it holds a colon, a line break or a NUL';
  if (what === 'name' && /[:\r\n\0]/.test(value)) return `name ${JSON.stringify(value)} holds a colon, a line break or a NUL`;
  return undefined;
}

/** The hash reaches the host only as file content (never in argv or script text); chpasswd -e reads it. */
function setPassword(name: string, hash: string): Change[] {
  return [
    { kind: 'write', what: `stage the password hash of ${name}`, path: PASSWORD_FILE, content: Buffer.from(`${name}:${hash}\n`), mode: '0600', owner: 'root', group: 'root' },
    { kind: 'script', what: `set the password of ${name}`, script: `trap 'rm -f ${PASSWORD_FILE}' EXIT\nchpasswd -e < ${PASSWORD_FILE}\nrm -f ${PASSWORD_FILE}\ntrap - EXIT` },
  ];
}

/** The groups the task names (Ansible joins the list with commas, then splits it again). */
function wantedGroups(args: UserArgs): string[] | undefined {
  if (args.groups === undefined) return undefined;
  return [...new Set(args.groups.map(String).join(',').split(',').map((g) => g.trim()).filter((g) => g !== ''))];
}

const fail = (msg: string): Change => ({ kind: 'fail', what: `fail: ${msg}`, msg });

/**
 * What the new account will be, for the result (Ansible reads it back after useradd): the uid
 * and group only when they are known before (given, or the uid-numbered group useradd makes).
 */
function predictedAccount(args: UserArgs, state: AccountsState): Vars {
  const defaults = state.useraddDefaults ?? {};
  const out: Vars = {};
  if (args.uid !== undefined) out['uid'] = args.uid;
  const named = args.group !== undefined ? findGroup(state.groups, args.group) : undefined;
  if (named) out['group'] = named.gid;
  else if (args.group === undefined && state.groups.some((g) => g.name === args.name)) {
    if (defaults['GROUP'] !== undefined) out['group'] = Number(defaults['GROUP']);
  } else if (args.group === undefined && args.uid !== undefined && !state.groups.some((g) => g.gid === args.uid)) out['group'] = args.uid;
  out['comment'] = args.comment ?? '';
  out['home'] = args.home ?? posix.join(defaults['HOME'] ?? '/home', args.name);
  out['shell'] = args.shell ?? defaults['SHELL'] ?? '/bin/sh';
  if (args.groups !== undefined) out['groups'] = wantedGroups(args)?.join(',');
  return out;
}

/** A new account: useradd with the options Ansible gives it (the password set after, as data). */
function planCreate(args: UserArgs, state: AccountsState): Plan {
  const groups = wantedGroups(args);
  const result: Vars = { name: args.name, state: 'present', system: args.system, create_home: args.create_home, ...(args.password !== undefined ? { password: 'NOT_LOGGING_PASSWORD' } : {}) };
  Object.assign(result, predictedAccount(args, state));
  // Ansible's check mode reports the change before it looks at the groups: the failure waits for the real run.
  if (args.group !== undefined && !findGroup(state.groups, args.group)) return { changes: [fail(`Group ${args.group} does not exist`)], result };
  const missing = groups?.find((g) => !findGroup(state.groups, g));
  if (missing !== undefined) return { changes: [fail(`Group ${missing} does not exist`)], result };
  const argv = ['useradd'];
  if (args.uid !== undefined) argv.push('-u', String(args.uid), ...(args.non_unique ? ['-o'] : []));
  if (args.group !== undefined) argv.push('-g', args.group);
  else if (state.groups.some((g) => g.name === args.name)) argv.push('-N');
  if (groups && groups.length) argv.push('-G', groups.join(','));
  if (args.comment !== undefined) argv.push('-c', args.comment);
  if (args.home !== undefined) argv.push('-d', args.home);
  if (args.shell !== undefined) argv.push('-s', args.shell);
  if (args.create_home) argv.push('-m', ...(args.skeleton !== undefined ? ['-k', args.skeleton] : []));
  else argv.push('-M');
  if (args.system) argv.push('-r');
  argv.push(args.name);
  const changes: Change[] = [];
  // A home whose parent is missing: Ansible makes the parents first.
  if (args.home !== undefined && args.create_home && !state.homeParentExists) changes.push({ kind: 'script', what: `create ${posix.dirname(args.home)}`, script: `mkdir -p -- ${shellQuote(posix.dirname(args.home))}` });
  changes.push({ kind: 'script', what: `create user ${args.name}`, script: shellJoin(argv) });
  if (args.password !== undefined) changes.push(...setPassword(args.name, args.password));
  return { changes, result };
}

/** An existing account: usermod with what differs, as modify_user_usermod decides it. */
function planModify(args: UserArgs, state: AccountsState): Plan {
  const user = state.user;
  if (!user) throw new Error('no user');
  const argv = ['usermod'];
  const changes: Change[] = [];
  if (args.uid !== undefined && user.uid !== args.uid) argv.push('-u', String(args.uid), ...(args.non_unique ? ['-o'] : []));
  let gid = user.gid;
  if (args.group !== undefined) {
    const group = findGroup(state.groups, args.group);
    if (!group) return { changes: [], failed: `Group ${args.group} does not exist` };
    if (group.gid !== user.gid) {
      argv.push('-g', String(group.gid));
      gid = group.gid;
    }
  }
  const groups = wantedGroups(args);
  if (groups !== undefined) {
    const missing = groups.find((g) => !findGroup(state.groups, g));
    if (missing !== undefined) return { changes: [], failed: `Group ${missing} does not exist` };
    const current = state.groups.filter((g) => g.members.includes(args.name)).map((g) => g.name);
    let modify = false;
    if (groups.length === 0) modify = current.length > 0 && !args.append;
    else {
      const diff = [...current.filter((g) => !groups.includes(g)), ...groups.filter((g) => !current.includes(g))];
      if (diff.length) {
        if (!args.append) modify = true;
        else if (groups.some((g) => diff.includes(g))) {
          argv.push('-a');
          modify = true;
        }
      }
    }
    if (modify) argv.push('-G', groups.join(','));
  }
  if (args.comment !== undefined && user.comment !== args.comment) argv.push('-c', args.comment);
  if (args.home !== undefined && user.home !== args.home) argv.push('-d', args.home, ...(args.move_home ? ['-m'] : []));
  if (args.shell !== undefined && user.shell !== args.shell) argv.push('-s', args.shell);
  if (argv.length > 1) changes.push({ kind: 'script', what: `change user ${args.name}: ${argv.slice(1).filter((a) => a.startsWith('-')).join(' ')}`, script: shellJoin([...argv, args.name]) });
  if (args.update_password === 'always' && args.password !== undefined && (state.password ?? '').replace(/^!+/, '') !== args.password.replace(/^!+/, '')) changes.push(...setPassword(args.name, args.password));
  const home = args.home ?? user.home;
  // A home that does not exist is made (from /etc/skel) and given to the user, as Ansible does.
  if (args.create_home && !(args.home !== undefined && args.home !== user.home && args.move_home) && !state.homeExists) {
    const q = shellQuote(home);
    changes.push({ kind: 'script', what: `create home ${home}`, script: `mkdir -p -- ${q}\ncp -a /etc/skel/. ${q}/ 2>/dev/null || true\nchown -R ${args.uid ?? user.uid}:${gid} -- ${q}` });
  }
  const result: Vars = {
    name: args.name,
    state: 'present',
    append: args.append,
    move_home: args.move_home,
    ...(args.password !== undefined ? { password: 'NOT_LOGGING_PASSWORD' } : {}),
    uid: args.uid ?? user.uid,
    group: gid,
    comment: args.comment ?? user.comment,
    home,
    shell: args.shell ?? user.shell,
    ...(args.groups !== undefined ? { groups: wantedGroups(args)?.join(',') } : {}),
  };
  return { changes, result };
}

/** Ansible's user module on Linux: useradd, usermod, userdel; a password only as a crypted hash, given to chpasswd as data. */
export const userModule = defineModule({
  name: 'user',
  description: 'Makes sure a user account exists with the given uid, groups, shell, home and password hash, or does not, with useradd, usermod and userdel as Ansible does.',
  args: {
    args: {
      name: { type: 'str', required: true, aliases: ['user'], description: 'The account\'s name.' },
      state: { type: 'str', choices: ['present', 'absent'], default: 'present', description: 'Whether the account exists.' },
      uid: { type: 'int', description: 'Its numeric id.' },
      non_unique: { type: 'bool', default: false, description: 'Allow a uid another account has (with uid).' },
      group: { type: 'str', description: 'Its primary group (name or gid; it must exist).' },
      groups: { type: 'list', description: 'Its other groups (each must exist); [] with append=false removes it from all.' },
      append: { type: 'bool', default: false, description: 'Add the groups to the ones it has instead of setting them.' },
      comment: { type: 'str', description: 'The GECOS field (full name).' },
      home: { type: 'path', description: 'Its home directory.' },
      shell: { type: 'str', description: 'Its login shell.' },
      password: { type: 'str', description: 'The crypted password hash (as in /etc/shadow, e.g. from password_hash), never plain text. It reaches the host as data for chpasswd -e, never on a command line.' },
      update_password: { type: 'str', choices: ['always', 'on_create'], default: 'always', description: 'always: set the hash when it differs; on_create: only for a new account.' },
      create_home: { type: 'bool', default: true, aliases: ['createhome'], description: 'Make the home directory (from /etc/skel) when the account is made, or when it is missing.' },
      move_home: { type: 'bool', default: false, description: 'With a new home for an existing account, move the old home\'s contents there.' },
      skeleton: { type: 'str', description: 'The skeleton directory useradd copies into a new home.' },
      system: { type: 'bool', default: false, description: 'Make it a system account (a uid from the system range) when it is created.' },
      force: { type: 'bool', default: false, description: 'With state=absent: userdel -f (even when logged in).' },
      remove: { type: 'bool', default: false, description: 'With state=absent: userdel -r (its home and mail spool too).' },
    },
    notImplemented: [
      'login_class', 'password_expire_max', 'password_expire_min', 'hidden', 'seuser', 'generate_ssh_key', 'ssh_key_bits', 'ssh_key_type', 'ssh_key_file',
      'ssh_key_comment', 'ssh_key_passphrase', 'expires', 'password_lock', 'local', 'profile', 'authorization', 'role', 'umask',
    ],
  },
  validate(args, context) {
    for (const key of ['name', 'password'] as const) {
      const value = args[key];
      if (typeof value === 'string' && !hasTemplate(value) && chpasswdProblem(key, value)) throw new ConfigError(`user: ${chpasswdProblem(key, value)}`, context.at);
    }
    const password = args['password'];
    // Ansible warns about a password that is not a hash; provision refuses it (it would be a plain-text password in /etc/shadow).
    if (typeof password === 'string' && !hasTemplate(password) && password !== '' && !/^[!*]*(\$[0-9a-z]+\$|[!*]$)/.test(password) && !/^[./0-9A-Za-z]{13}$/.test(password)) {
      throw new ConfigError('user: password must be a crypted hash (e.g. "{{ secret | password_hash(\'sha512\') }}"), not a plain-text password', context.at);
    }
  },
  facts: (args) => ({ accounts: accountsFact(args.name, { password: args.password !== undefined, home: args.home, defaults: args.state === 'present' }) }),
  plan(args, facts): Plan {
    const state = facts.accounts;
    const a = args as UserArgs;
    const lineProblem = chpasswdProblem('name', args.name) ?? (args.password !== undefined ? chpasswdProblem('password', args.password) : undefined);
    if (lineProblem) return { changes: [], failed: lineProblem, result: { name: args.name, ...(args.password !== undefined ? { password: 'NOT_LOGGING_PASSWORD' } : {}) } };
    if (args.state === 'absent') {
      if (!state.user) return noChange({ name: args.name, state: 'absent' });
      const argv = ['userdel', ...(args.force ? ['-f'] : []), ...(args.remove ? ['-r'] : []), args.name];
      return { changes: [{ kind: 'script', what: `delete user ${args.name}`, script: shellJoin(argv) }], result: { name: args.name, state: 'absent', force: args.force, remove: args.remove } };
    }
    return state.user ? planModify(a, state) : planCreate(a, state);
  },
});
