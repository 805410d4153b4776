import { posix } from 'node:path';
import { shellQuote } from '../util/shlex.js';
import { aptLockPrelude } from './apt-lock.js';
import { defineModule } from './define.js';
import type { Fact } from './facts/fact.js';
import { type Change, failure, type FileDiff, type Plan } from './plan.js';

const SOURCE_LIST = '/etc/apt/sources.list';
const SOURCE_PARTS = '/etc/apt/sources.list.d';
const SOURCE_TYPES = ['deb', 'deb-src'];

/** One line of a sources file as Ansible's SourcesList._parse reads it. */
interface SourceLine {
  readonly valid: boolean;
  readonly enabled: boolean;
  readonly source: string;
  readonly comment: string;
}

export function parseSourceLine(raw: string): SourceLine {
  let line = raw.trim();
  let enabled = true;
  if (line.startsWith('#')) {
    enabled = false;
    line = line.slice(1);
  }
  let comment = '';
  const hash = line.indexOf('#');
  if (hash > 0) {
    comment = line.slice(hash + 1).trim();
    line = line.slice(0, hash);
  }
  let source = line.trim();
  let valid = false;
  if (source) {
    const chunks = source.split(/\s+/);
    if (SOURCE_TYPES.includes(chunks[0] ?? '')) {
      valid = true;
      source = chunks.join(' ');
    }
  }
  return { valid, enabled, source, comment };
}

/** A file's lines written back as Ansible's dump() writes them. */
function dumpLines(lines: readonly SourceLine[]): string {
  return lines.map((l) => `${l.enabled ? '' : '# '}${l.source}${l.comment ? ` # ${l.comment}` : ''}\n`).join('');
}

/** The file a new repository goes to: its host and path's words joined by _ (Ansible's _suggest_filename), or `filename`. */
export function suggestFilename(source: string, filename?: string): string {
  if (filename !== undefined) return `${filename}.list`;
  const line = source.replace(/\[[^\]]+\]/g, '').replace(/\w+:\/\//g, '');
  const parts = line.split(/\s+/).filter((p) => p !== '' && !SOURCE_TYPES.includes(p));
  let first = parts[0] ?? '';
  if (first.includes('@')) first = first.slice(first.indexOf('@') + 1);
  return `${first.replace(/[^a-zA-Z0-9]/g, ' ').split(/\s+/).filter(Boolean).join('_')}.list`;
}

/** sources.list and every sources.list.d/*.list, by path (base64 on the wire: any bytes survive). */
export function sourcesFact(): Fact<Map<string, string>> {
  return {
    key: 'apt sources',
    command: `for f in ${SOURCE_LIST} ${SOURCE_PARTS}/*.list; do if [ -f "$f" ]; then printf '%s %s\\n' "$(printf '%s' "$f" | base64 -w0)" "$(base64 -w0 < "$f")"; fi; done`,
    parse: (output) =>
      new Map(
        output
          .split('\n')
          .filter((l) => l.includes(' '))
          .map((l) => {
            const [path = '', content = ''] = l.split(' ');
            return [Buffer.from(path, 'base64').toString('utf8'), Buffer.from(content, 'base64').toString('utf8')];
          }),
      ),
  };
}

export interface AptRepositoryArgs {
  readonly repo: string;
  readonly state: 'present' | 'absent';
  readonly mode?: string | undefined;
  readonly update_cache: boolean;
  readonly filename?: string | undefined;
}

/**
 * The sources files before, the files after (as Ansible's add_source/remove_source change them):
 * a line already there (even disabled) is enabled, a new one goes to its own file under
 * sources.list.d; absent removes every enabled copy, and a file left empty is deleted.
 */
export function planAptRepository(args: AptRepositoryArgs, files: ReadonlyMap<string, string>): Plan {
  const wanted = parseSourceLine(args.repo);
  if (!wanted.valid || !wanted.enabled) return failure(`Invalid repository string: ${args.repo.trim().replace(/^#/, '')}`);
  const parsed = new Map<string, SourceLine[]>();
  for (const [path, content] of files) parsed.set(path, content.split('\n').slice(0, content.endsWith('\n') ? -1 : undefined).map(parseSourceLine));
  const before = new Map([...parsed].map(([p, l]) => [p, dumpLines(l)]));
  const newFiles = new Set<string>();
  if (args.state === 'present') {
    let found = false;
    for (const lines of parsed.values()) {
      lines.forEach((l, i) => {
        if (l.valid && l.source === wanted.source) {
          lines[i] = { ...l, enabled: true };
          found = true;
        }
      });
    }
    if (!found) {
      const name = suggestFilename(wanted.source, args.filename);
      const file = name.includes('/') ? name : posix.join(SOURCE_PARTS, name);
      if (!parsed.has(file)) {
        parsed.set(file, []);
        newFiles.add(file);
      }
      parsed.get(file)?.push({ valid: true, enabled: true, source: wanted.source, comment: wanted.comment });
    }
  } else {
    for (const [path, lines] of parsed) parsed.set(path, lines.filter((l) => !(l.valid && l.enabled && l.source === wanted.source)));
  }
  const changes: Change[] = [];
  const diff: FileDiff[] = [];
  for (const [path, lines] of parsed) {
    const after = lines.length > 0 ? dumpLines(lines) : undefined;
    const was = before.get(path);
    if (after === was) continue;
    diff.push({ path, before: was ?? '', after: after ?? '' });
    if (after === undefined) changes.push({ kind: 'script', what: `remove ${path}`, script: `rm -f -- ${shellQuote(path)}` });
    else changes.push({ kind: 'write', what: `${was === undefined ? 'create' : 'update'} ${path}`, path, content: Buffer.from(after), mode: newFiles.has(path) ? (args.mode ?? '0644') : undefined, createParents: true });
  }
  if (changes.length > 0 && args.update_cache) {
    const update = `${aptLockPrelude(60)}\ne=$(mktemp); if ! apt_locked apt-get update -q >/dev/null 2>"$e"; then echo "Failed to update apt cache: $(cat "$e")" >&2; rm -f "$e"; exit 1; fi; rm -f "$e"`;
    changes.push({ kind: 'script', what: 'apt-get update', script: update });
  }
  return { changes, diff, result: { repo: args.repo, state: args.state } };
}

/** Ansible's apt_repository for deb lines (no PPAs): the line in its own sources.list.d file, then the cache updated. */
export const aptRepositoryModule = defineModule({
  name: 'apt_repository',
  description: 'Adds or removes an APT source line (deb/deb-src) in sources.list or a file of its own under sources.list.d, then updates the package cache.',
  args: {
    args: {
      repo: { type: 'str', required: true, description: 'The source line, e.g. "deb [trusted=yes] http://host/debian/ ./".' },
      state: { type: 'str', choices: ['present', 'absent'], default: 'present', description: 'present: the line is there and enabled; absent: no enabled copy of it is left.' },
      mode: { type: 'mode', description: 'The mode of a sources file this creates (default 0644).' },
      update_cache: { type: 'bool', default: true, aliases: ['update-cache'], description: 'Run apt-get update after a change.' },
      filename: { type: 'str', description: 'The file under sources.list.d (without .list) instead of one named after the URL.' },
      validate_certs: { type: 'bool', default: true, description: 'Accepted for compatibility (used only for PPAs, which provision does not implement).' },
      install_python_apt: { type: 'bool', default: true, description: 'Accepted for compatibility: provision does not need python-apt.' },
    },
    notImplemented: ['codename', 'update_cache_retries', 'update_cache_retry_max_delay'],
  },
  facts: () => ({ sources: sourcesFact() }),
  plan: (args, facts) => planAptRepository(args, facts.sources),
});
