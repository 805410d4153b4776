import { posix } from 'node:path';
import { ConfigError } from '../errors.js';
import { hasTemplate } from '../template/templar.js';
import { shellQuote } from '../util/shlex.js';
import { defineModule } from './define.js';
import type { Fact } from './facts/fact.js';
import { type Change, failure, noChange, type Plan } from './plan.js';
import { type PasswdEntry, parsePasswdLine } from './passwd.js';

const KEY_TYPES = [
  'sk-ecdsa-sha2-nistp256@openssh.com',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'sk-ssh-ed25519@openssh.com',
  'ssh-ed25519',
  'ssh-dss',
  'ssh-rsa',
];

/** A line of an authorized_keys file as ansible.posix parses it: a key (with options and comment), or a line kept as it is. */
export interface ParsedKey {
  /** The base64 key (the line's identity), or the raw line for a line that is not a key. */
  readonly id: string;
  /** undefined: not a key (comment, blank, invalid), written back as it was. */
  readonly type?: string;
  readonly options: readonly (readonly [string, string | undefined])[];
  readonly comment: string;
  readonly rank: number;
}

/** ssh key options split on commas outside quotes (parseoptions). */
export function parseKeyOptions(text: string | undefined): [string, string | undefined][] {
  if (!text) return [];
  const parts = text.match(/(?:[^,"']|"[^"]*"|'[^']*')+/g) ?? [];
  return parts.map((part) => {
    const eq = part.indexOf('=');
    return eq === -1 ? [part, undefined] : [part.slice(0, eq), part.slice(eq + 1)];
  });
}

/** One line (parsekey): undefined when no key type is found in it. */
export function parseKeyLine(raw: string, rank: number): ParsedKey | undefined {
  const line = raw.replace(/\\#/g, '#');
  const parts = line.split(/[ \t\r\n]+/).filter((p) => p !== '');
  if (parts[0] === '#') return { id: line, options: [], comment: '', rank };
  const at = parts.findIndex((p) => KEY_TYPES.includes(p));
  if (at === -1 || at + 1 >= parts.length) return undefined;
  return { id: parts[at + 1] ?? '', type: parts[at] ?? '', options: parseKeyOptions(at > 0 ? parts.slice(0, at).join(' ') : undefined), comment: parts.slice(at + 2).join(' '), rank };
}

/** The file's lines by identity, later duplicates winning (parsekeys). */
export function parseKeysFile(content: string): Map<string, ParsedKey> {
  const keys = new Map<string, ParsedKey>();
  const lines = content.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  lines.forEach((line, rank) => {
    const parsed = parseKeyLine(line, rank);
    keys.set(parsed?.id ?? line, parsed ?? { id: line, options: [], comment: '', rank });
  });
  return keys;
}

/** The file's text from its keys, by rank (serialize): keys as `options type key comment`, other lines as they were. */
export function serializeKeys(keys: Iterable<ParsedKey>): string {
  return [...keys]
    .sort((a, b) => a.rank - b.rank)
    .map((k) => {
      if (k.type === undefined) return k.id;
      const options = k.options.length ? `${k.options.map(([n, v]) => (v === undefined ? n : `${n}=${v}`)).join(',')} ` : '';
      return `${options}${k.type} ${k.id} ${k.comment}\n`;
    })
    .join('');
}

const sameOptions = (a: ParsedKey['options'], b: ParsedKey['options']): boolean => {
  const asMap = (o: ParsedKey['options']): string => JSON.stringify(Object.fromEntries(o.map(([n, v]) => [n, v ?? null])), Object.keys(Object.fromEntries(o)).sort());
  return asMap(a) === asMap(b);
};
const sameKey = (a: ParsedKey, b: ParsedKey): boolean => a.id === b.id && a.type === b.type && a.comment === b.comment && sameOptions(a.options, b.options);

export interface KeysFileState {
  readonly user?: PasswdEntry;
  /** The keys file's path (resolved through links with follow), or undefined without user and path. */
  readonly path?: string;
  readonly content?: string;
  readonly dirExists: boolean;
}

/** The user's passwd entry, the keys file (its text) and whether its directory exists, in one script. */
export function keysFileFact(user: string, path: string | undefined, follow: boolean): Fact<KeysFileState> {
  return {
    key: `authorized_keys ${user} ${path ?? ''} ${follow}`,
    command: [
      `e=$(getent passwd -- ${shellQuote(user)}) && printf 'user %s\\n' "$e"`,
      path !== undefined ? `f=${shellQuote(path)}` : 'f=; [ -n "$e" ] && f="$(printf %s "$e" | cut -d: -f6)/.ssh/authorized_keys"',
      ...(follow ? ['[ -n "$f" ] && f=$(readlink -m -- "$f")'] : []),
      'if [ -n "$f" ]; then printf \'path \'; printf %s "$f" | base64 -w0; echo',
      '  if [ -d "$(dirname -- "$f")" ]; then echo dir; fi',
      '  if [ -f "$f" ]; then printf \'content \'; base64 -w0 < "$f"; echo; fi',
      'fi',
    ].join('\n'),
    parse(output) {
      const line = (w: string): string | undefined => output.split('\n').find((l) => l.startsWith(`${w} `) || l === w)?.slice(w.length + 1);
      const user = line('user');
      const path = line('path');
      const content = line('content');
      return {
        ...(user !== undefined ? { user: parsePasswdLine(user) } : {}),
        ...(path !== undefined ? { path: Buffer.from(path, 'base64').toString('utf8') } : {}),
        ...(content !== undefined ? { content: Buffer.from(content, 'base64').toString('utf8') } : {}),
        dirExists: line('dir') !== undefined,
      };
    },
  };
}

/** comment and key_options go into every key's line: a line break in one would add a line (another key) to the file. */
function oneLineProblem(name: string, value: string | undefined): string | undefined {
  return value !== undefined && /[\r\n\0]/.test(value) ? `${name} must be one line: it holds a line break or NUL, which would add another line (another key) to the keys file` : undefined;
}

interface AuthorizedKeyArgs {
  readonly user: string;
  readonly key: string;
  readonly path?: string | undefined;
  readonly manage_dir: boolean;
  readonly state: 'present' | 'absent';
  readonly key_options?: string | undefined;
  readonly exclusive: boolean;
  readonly comment?: string | undefined;
  readonly validate_certs: boolean;
  readonly follow: boolean;
}

/** The keys file's new text, or undefined when it stays as it is (enforce_state). */
export function editKeys(existingText: string, args: AuthorizedKeyArgs): { text: string } | { error: string } | undefined {
  const existing = parseKeysFile(existingText);
  const wanted = args.key.split(/\r\n|\n|\r/).filter((l) => l !== '' && !l.startsWith('#'));
  const maxRank = existing.size;
  const keep: string[] = [];
  let write = false;
  for (const [rank, text] of wanted.entries()) {
    let parsed = parseKeyLine(text, rank);
    if (!parsed || parsed.type === undefined) return { error: `invalid key specified: ${text}` };
    if (args.key_options !== undefined) parsed = { ...parsed, options: parseKeyOptions(args.key_options) };
    if (args.comment !== undefined) parsed = { ...parsed, comment: args.comment };
    const there = existing.get(parsed.id);
    const matched = there !== undefined && (args.state !== 'present' || sameKey(parsed, there));
    if (args.state === 'present') {
      keep.push(parsed.id);
      if (there !== undefined && !matched) {
        existing.delete(parsed.id);
        write = true;
      }
      if (!matched) {
        existing.set(parsed.id, { ...parsed, rank: maxRank + parsed.rank });
        write = true;
      }
    } else if (matched) {
      existing.delete(parsed.id);
      write = true;
    }
  }
  if (args.state === 'present' && args.exclusive) {
    for (const id of [...existing.keys()]) {
      if (!keep.includes(id)) {
        existing.delete(id);
        write = true;
      }
    }
  }
  return write ? { text: serializeKeys(existing.values()) } : undefined;
}

/** ansible.posix's authorized_key: keys in a user's authorized_keys, made with its directory 0700 and file 0600, owned by the user. */
export const authorizedKeyModule = defineModule({
  name: 'authorized_key',
  collection: 'ansible.posix',
  description: 'Adds or removes SSH public keys in a user\'s authorized_keys file (making ~/.ssh 0700 and the file 0600, owned by the user), as ansible.posix.authorized_key does.',
  args: {
    args: {
      user: { type: 'str', required: true, description: 'The user whose authorized_keys file is edited (it must exist, unless path is given in check mode).' },
      key: { type: 'str', required: true, description: 'The public key line(s): one key per line, each optionally with options before its type and a comment after.' },
      path: { type: 'path', description: 'The keys file; by default ~user/.ssh/authorized_keys.' },
      manage_dir: { type: 'bool', default: true, description: 'Make the keys file\'s directory (0700, owned by the user) when a key is written.' },
      state: { type: 'str', choices: ['present', 'absent'], default: 'present', description: 'Whether the keys must be in the file.' },
      key_options: { type: 'str', description: 'ssh options (comma-separated) put before every key given.' },
      exclusive: { type: 'bool', default: false, description: 'Remove every other key from the file (state=present).' },
      comment: { type: 'str', description: 'The comment every key given gets instead of its own.' },
      validate_certs: { type: 'bool', default: true, description: 'Accepted for compatibility; keys from a URL are not supported.' },
      follow: { type: 'bool', default: false, description: 'When the keys file is a link, write its target instead of replacing the link.' },
    },
  },
  validate(args, context) {
    for (const name of ['comment', 'key_options'] as const) {
      const value = args[name];
      if (typeof value === 'string' && !hasTemplate(value) && oneLineProblem(name, value)) throw new ConfigError(`authorized_key: ${oneLineProblem(name, value)}`, context.at);
    }
    const key = args['key'];
    if (typeof key === 'string' && !hasTemplate(key) && key.startsWith('http')) throw new ConfigError('authorized_key: keys from a URL are not supported by provision; give the key itself', context.at);
  },
  facts: (args) => ({ file: keysFileFact(args.user, args.path, args.follow) }),
  plan(args, facts): Plan {
    const state = facts.file;
    const result = { ...args, path: args.path ?? null, key_options: args.key_options ?? null, comment: args.comment ?? null, ...(state.path !== undefined ? { keyfile: state.path } : {}) };
    if (args.key.startsWith('http')) return failure(`Error getting key from: ${args.key}`);
    const lineProblem = oneLineProblem('comment', args.comment) ?? oneLineProblem('key_options', args.key_options);
    if (lineProblem) return failure(lineProblem, result);
    if (!state.user && args.path === undefined) return failure(`Failed to lookup user ${args.user}: "getpwnam(): name not found: '${args.user}'"`);
    const edited = editKeys(state.content ?? '', args);
    if (edited && 'error' in edited) return failure(edited.error);
    if (!edited) return noChange(result);
    const keyfile = state.path ?? args.path ?? '';
    if (!state.user) return { changes: [{ kind: 'fail', what: `fail: no user ${args.user}`, msg: `Failed to lookup user ${args.user}: "getpwnam(): name not found: '${args.user}'"` }], result };
    const owner = String(state.user.uid);
    const group = String(state.user.gid);
    const changes: Change[] = [];
    const dir = args.path === undefined ? posix.join(state.user.home, '.ssh') : posix.dirname(args.path);
    if (args.manage_dir) {
      const q = shellQuote(dir);
      changes.push({ kind: 'script', what: `make ${dir} 0700, owned by ${args.user}`, script: `[ -e ${q} ] || mkdir -p -- ${q}\nchown ${owner}:${group} -- ${q}\nchmod 0700 -- ${q}` });
    }
    changes.push({ kind: 'write', what: `write ${keyfile}`, path: keyfile, content: Buffer.from(edited.text), mode: '0600', owner, group, createParents: true });
    return { changes, result, diff: [{ path: keyfile, before: state.content ?? '', after: edited.text }] };
  },
});
