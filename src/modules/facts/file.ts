import { shellQuote } from '../../util/shlex.js';
import type { Fact } from './fact.js';

export type FileType = 'absent' | 'file' | 'directory' | 'link' | 'other';

/** What a path is on the host. Fields beyond `type` are there only when asked for (and apply). */
export interface FileState {
  readonly path: string;
  readonly type: FileType;
  /** Permission bits (07777), numeric ids, names, size and link count: with `attributes`. */
  readonly mode?: number;
  readonly uid?: number;
  readonly gid?: number;
  readonly owner?: string;
  readonly group?: string;
  readonly size?: number;
  readonly nlink?: number;
  /** SHA-1 of a regular file's bytes (Ansible's checksum): with `checksum`. */
  readonly sha1?: string;
  /** A regular file's text: with `content` (the edit modules and --diff need it; copy does not). */
  readonly content?: string;
  /** A directory has entries: with `entries`. */
  readonly nonEmpty?: boolean;
  /** A link's target, as written in the link. */
  readonly linkTarget?: string;
  /** With `follow`, a link's fully resolved path and what is there. */
  readonly resolved?: FileState;
  /** With `child`, when this is a directory: that entry in it. */
  readonly child?: FileState;
  /** When absent: the nearest existing ancestor, `levels` up (1: the parent), and what it is. */
  readonly ancestor?: { readonly levels: number; readonly type: 'directory' | 'other' | 'absent' };
}

export interface FileFactOptions {
  readonly attributes?: boolean;
  readonly checksum?: boolean;
  readonly content?: boolean;
  readonly follow?: boolean;
  /** Whether a directory has entries. */
  readonly entries?: boolean;
  /** For a missing path, its nearest existing ancestor. */
  readonly ancestor?: boolean;
  /** For a directory, the state of this entry in it (copy's dest that is a directory). */
  readonly child?: string | undefined;
}

/**
 * The shell code for one file fact, only the branches the options need (it runs once per task on
 * every host, so it stays short): builtins for the type, `stat` for attributes, `sha1sum` for the
 * checksum and `base64` only when the content itself is asked for. Names and link targets travel
 * as base64, so no name can break the framing.
 */
function describe(v: string, options: FileFactOptions, followLinks: boolean): string {
  const attrs = options.attributes ? `stat -c 'stat %a %u %g %s %h %U %G' -- "$${v}"; ` : '';
  const lines = [
    `if [ -L "$${v}" ]; then t=link; elif [ -d "$${v}" ]; then t=directory; elif [ -f "$${v}" ]; then t=file; elif [ -e "$${v}" ]; then t=other; else t=absent; fi; echo "type $t"`,
    'case $t in',
    // The nearest existing ancestor, without a fork: ${d%/*} strips one component.
    options.ancestor
      ? `absent) d=$${v}; n=0; while :; do n=$((n + 1)); case $d in */*) d=\${d%/*}; [ -n "$d" ] || d=/ ;; *) d=. ;; esac; ` +
        'if [ -d "$d" ]; then echo "ancestor $n directory"; break; fi; if [ -e "$d" ] || [ -L "$d" ]; then echo "ancestor $n other"; break; fi; ' +
        'if [ "$d" = / ] || [ "$d" = . ]; then echo "ancestor $n absent"; break; fi; done ;;'
      : 'absent) : ;;',
    `file) ${attrs}${options.checksum ? `printf 'sha1 '; sha1sum <"$${v}"; ` : ''}${options.content ? `printf 'content '; base64 -w0 <"$${v}"; echo; ` : ''}: ;;`,
    `directory) ${attrs}${options.entries ? `e=empty; for f in "$${v}"/* "$${v}"/.[!.]* "$${v}"/..?*; do if [ -e "$f" ] || [ -L "$f" ]; then e=nonempty; break; fi; done; echo "entries $e"; ` : ''}${options.child !== undefined ? `echo child\nc=$${v}/${shellQuote(options.child)}\n${describe('c', { ...options, child: undefined }, followLinks)}\n` : ''}: ;;`,
    `link) ${attrs}printf 'target '; readlink -- "$${v}" | base64 -w0; echo${followLinks ? `; if r=$(readlink -f -- "$${v}"); then printf 'resolved '; printf '%s' "$r" | base64 -w0; echo; \n${describe('r', options, false)}\nfi` : ''} ;;`,
    `*) ${attrs}: ;;`,
    'esac',
  ];
  return lines.join('\n');
}

/** The options, as part of the fact's key. */
function flags(options: FileFactOptions): string {
  return `${options.attributes ? 'a' : ''}${options.checksum ? '1' : ''}${options.content ? 'c' : ''}${options.follow ? 'l' : ''}${options.entries ? 'e' : ''}${options.ancestor ? 'u' : ''}-${options.child ?? ''}`;
}

/** Whether something is at the path, following links (Python's os.path.exists); needs `follow`. */
export function existsFollowing(state: FileState): boolean {
  if (state.type !== 'link') return state.type !== 'absent';
  return state.resolved !== undefined && state.resolved.type !== 'absent';
}

/** The state of one path on the host. */
export function fileFact(path: string, options: FileFactOptions = {}): Fact<FileState> {
  const w = flags(options);
  return {
    key: `file ${w} ${path}`,
    command: `p=${shellQuote(path)}\n${describe('p', options, options.follow === true)}`,
    parse: (output) => parseFileFact(path, output, options.child),
  };
}

const fromBase64 = (text: string): string => Buffer.from(text.trim(), 'base64').toString('utf8');

export function parseFileFact(path: string, output: string, childName?: string): FileState {
  const lines = output.split('\n');
  // A link's resolved target or a directory's child follows the path's own lines.
  const nestedAt = lines.findIndex((l) => l.startsWith('resolved ') || l === 'child');
  const resolvedAt = nestedAt !== -1 && lines[nestedAt] !== 'child' ? nestedAt : -1;
  const own = nestedAt === -1 ? lines : lines.slice(0, nestedAt);
  const state: { -readonly [K in keyof FileState]: FileState[K] } = { path, type: 'absent' };
  for (const line of own) {
    const space = line.indexOf(' ');
    const word = space === -1 ? line : line.slice(0, space);
    const rest = space === -1 ? '' : line.slice(space + 1);
    if (word === 'type') state.type = rest as FileType;
    else if (word === 'ancestor') {
      const [levels = '1', type = 'absent'] = rest.split(' ');
      state.ancestor = { levels: Number(levels), type: type as 'directory' | 'other' | 'absent' };
    } else if (word === 'stat') {
      const [mode = '0', uid = '-1', gid = '-1', size = '0', nlink = '1', owner = '', group = ''] = rest.split(' ');
      Object.assign(state, { mode: parseInt(mode, 8), uid: Number(uid), gid: Number(gid), size: Number(size), nlink: Number(nlink), owner, group });
    } else if (word === 'sha1') state.sha1 = rest.split(' ')[0] ?? '';
    else if (word === 'content') state.content = fromBase64(rest);
    else if (word === 'entries') state.nonEmpty = rest === 'nonempty';
    else if (word === 'target') state.linkTarget = fromBase64(rest).replace(/\n$/, '');
  }
  if (nestedAt !== -1 && resolvedAt === -1) {
    state.child = parseFileFact(`${path.replace(/\/+$/, '')}/${childName ?? ''}`, lines.slice(nestedAt + 1).join('\n'));
  }
  if (resolvedAt !== -1) {
    const target = fromBase64((lines[resolvedAt] ?? '').slice('resolved '.length));
    state.resolved = parseFileFact(target, lines.slice(resolvedAt + 1).join('\n'), childName);
  }
  return state;
}
