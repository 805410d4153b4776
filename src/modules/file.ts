import { posix } from 'node:path';
import { attributeCommands } from '../connection/file-transfer.js';
import { shellQuote } from '../util/shlex.js';
import { defineModule } from './define.js';
import { resolveMode } from './file-mode.js';
import { type AttributeChanges, attributeChanges, hasChanges, setAttributes, type WantedAttributes, wantedAttributes, wantsAttributes } from './file-attributes.js';
import { addAttributeDiff, ansibleState, diffEntries, madeBy, type StateDiff, stateDiff } from './file-diff.js';
import { existsFollowing, type FileState, fileFact } from './facts/file.js';
import { type Ids, idsFact } from './facts/ids.js';
import { type TreeListing, treeFact } from './facts/tree.js';
import { type Change, failure, noChange, type Plan } from './plan.js';
import { FILE_ATTRIBUTE_ARGS, UNIMPLEMENTED_FILE_ARGS } from './schema.js';

const STATES = ['file', 'directory', 'touch', 'absent', 'link'] as const;
type State = (typeof STATES)[number];

/** Where a link's relative src is looked up: beside the link, or inside a directory it replaces. */
function linkSource(path: string, src: string, inside: boolean): string {
  return src.startsWith('/') ? src : posix.join(inside ? path : posix.dirname(path), src);
}

/** Ansible's file module: directories (with their missing parents), links, touch, absent, attributes. */
export const fileModule = defineModule({
  name: 'file',
  description: 'Makes a path a directory, a symbolic link, an empty file or nothing, and sets its mode and owner.',
  args: {
    args: {
      path: { type: 'path', required: true, aliases: ['dest', 'name'], description: 'The path to manage.' },
      state: { type: 'str', choices: STATES, description: 'What the path must be; by default what it is now (or file). `hard` links are not supported.' },
      src: { type: 'path', description: 'The target of a link (state=link); relative to the link\'s directory.' },
      force: { type: 'bool', default: false, description: 'With state=link: replace an existing file or empty directory by the link, and link to a target that does not exist.' },
      follow: { type: 'bool', default: true, description: 'When path is a link, set mode and owner on (and make directories at) its target.' },
      ...FILE_ATTRIBUTE_ARGS,
    },
    notImplemented: ['recurse', 'modification_time', 'modification_time_format', 'access_time', 'access_time_format', ...UNIMPLEMENTED_FILE_ARGS],
  },
  facts(args, _local, context) {
    const want = wantedAttributes(args);
    const attributes = wantsAttributes(want);
    // Where a link's src is looked up matters only for links: other states read one path.
    const link = args.state === 'link';
    const src = args.src ?? '';
    return {
      // --diff shows the state as Ansible's get_state names it (a file with more links is "hard").
      path: fileFact(args.path, { attributes: attributes || context.diff, follow: args.follow, entries: link, ancestor: args.state === 'directory' }),
      srcBeside: link ? fileFact(linkSource(args.path, src, false), { attributes, follow: true }) : undefined,
      srcInside: link ? fileFact(linkSource(args.path, src, true), { attributes, follow: true }) : undefined,
      ids: context.diff && (want.owner !== undefined || want.group !== undefined) ? idsFact(want.owner, want.group) : undefined,
      tree: context.diff && args.state === 'absent' ? treeFact(args.path) : undefined,
    };
  },
  plan(args, facts): Plan {
    const current = facts.path;
    const prev = current.type === 'other' ? 'file' : current.type;
    const state: State = args.state ?? (prev === 'absent' ? 'file' : prev);
    if (args.src !== undefined && state !== 'link') return failure("src option requires state to be 'link' or 'hard'", { path: args.path });
    const want = wantedAttributes(args);
    const followed = args.follow && current.type === 'link' && current.resolved ? current.resolved : current;
    switch (state) {
      case 'absent':
        return planAbsent(current, facts.tree);
      case 'file':
        if (followed.type !== 'file' && followed.type !== 'other') return failure(`file (${followed.path}) is ${followed.type}, cannot continue`, { path: followed.path, state: followed.type });
        return attributesOnly(followed, want, { path: followed.path, state: 'file' }, stateDiff(followed.path, ansibleState(followed), 'file'), facts.ids);
      case 'touch':
        return planTouch(current, followed, want, facts.ids);
      case 'directory':
        return planDirectory(followed, want, facts.ids);
      case 'link':
        return planLink(args, facts, want);
    }
  },
});

function attributesOnly(current: FileState, want: WantedAttributes, result: Record<string, unknown>, diff: StateDiff, ids: Ids | undefined): Plan {
  const attrs = wantsAttributes(want) ? attributeChanges(current, want) : {};
  return { changes: hasChanges(attrs) ? [setAttributes(current.path, attrs)] : [], result, diff: diffEntries(addAttributeDiff(diff, current, attrs, ids)) };
}

function planAbsent(current: FileState, tree: TreeListing | undefined): Plan {
  const result = { path: current.path, state: 'absent' };
  if (current.type === 'absent') return noChange(result);
  const diff = stateDiff(current.path, ansibleState(current), 'absent');
  // Ansible lists what a removed directory held (os.walk order).
  if (current.type === 'directory' && tree) diff.before['path_content'] = { directories: [...tree.directories], files: [...tree.files] };
  const rm = current.type === 'directory' ? 'rm -rf' : 'rm -f';
  return { changes: [{ kind: 'script', what: `remove ${current.type} ${current.path}`, script: `${rm} -- ${shellQuote(current.path)}` }], result, diff: diffEntries(diff) };
}

/**
 * Ansible's touch always reports a change (it sets the times to now). Its check mode returns
 * before any diff for a path that does not exist yet.
 */
function planTouch(current: FileState, followed: FileState, want: WantedAttributes, ids: Ids | undefined): Plan {
  const q = shellQuote(current.path);
  const base = current.type === 'absent' ? madeBy(ids, 0o644) : followed;
  const attrs = wantsAttributes(want) ? attributeChanges(current.type === 'absent' ? { type: 'file', mode: 0o644 } : followed, want) : {};
  const script = [`touch -- ${q}`, ...attributeCommands(q, attrs)].join('\n');
  const diff = diffEntries(addAttributeDiff(stateDiff(current.path, ansibleState(current), 'touch'), base, attrs, ids));
  return {
    changes: [{ kind: 'script', what: `${current.type === 'absent' ? 'create' : 'touch'} ${current.path}`, script }],
    result: { dest: current.path },
    diff,
    ...(current.type === 'absent' ? { checkDiff: [] } : {}),
  };
}

/**
 * mkdir for the path and every missing parent, each given the task's mode and owner (as Ansible
 * does). Ansible's check mode shows only the state for a directory it would make.
 */
function planDirectory(current: FileState, want: WantedAttributes, ids: Ids | undefined): Plan {
  const result = { path: current.path, state: 'directory' };
  const diff = stateDiff(current.path, ansibleState(current), 'directory');
  if (current.type === 'directory') return attributesOnly(current, want, result, diff, ids);
  if (current.type !== 'absent') return failure(`${current.path} already exists as a ${current.type === 'other' ? 'file' : current.type}`, { path: current.path });
  const levels = current.ancestor?.levels ?? 1;
  const missing: string[] = [];
  let dir = current.path.replace(/(.)\/+$/, '$1');
  for (let i = 0; i < levels; i++) {
    missing.unshift(dir);
    dir = posix.dirname(dir);
  }
  const attrs: AttributeChanges = wantsAttributes(want) ? attributeChanges({ type: 'directory' }, want) : {};
  // A new directory's mode comes from the umask: set the wanted one whatever the default was.
  if (want.mode !== undefined) attrs.mode = resolveMode(want.mode, 0o755, true);
  const changes: Change[] = missing.map((d) => ({
    kind: 'script',
    what: `create directory ${d}`,
    script: [`mkdir -- ${shellQuote(d)}`, ...attributeCommands(shellQuote(d), attrs)].join('\n'),
  }));
  const checkDiff = diffEntries(stateDiff(current.path, 'absent', 'directory'));
  return { changes, result, diff: diffEntries(addAttributeDiff(diff, madeBy(ids, 0o755), attrs, ids)), checkDiff };
}

type LinkFacts = { path: FileState; srcBeside?: FileState | undefined; srcInside?: FileState | undefined; ids?: Ids | undefined };

function planLink(args: { path: string; src?: string | undefined; force: boolean; follow: boolean }, facts: LinkFacts, want: WantedAttributes): Plan {
  const current = facts.path;
  const prev = current.type === 'other' ? 'file' : current.type;
  const path = args.path;
  if (!args.follow && wantsAttributes(want)) return failure('mode, owner or group of the link itself (follow: false) is not implemented by provision', { path });
  let src = args.src;
  // No src: an existing link keeps its target (only its attributes are managed).
  if (src === undefined && args.follow && current.type === 'link') src = current.linkTarget;
  const inside = current.type === 'directory';
  const source = (inside ? facts.srcInside : facts.srcBeside) ?? { path: linkSource(path, src ?? '', inside), type: 'absent' as const };
  if (src !== undefined && !args.force && !existsFollowing(source)) {
    return failure(`src file does not exist, use "force=yes" if you really want to create the link: ${linkSource(path, src, inside)}`, { path, src });
  }
  if (prev === 'directory') {
    if (!args.force) return failure(`refusing to convert from directory to symlink for ${path}`, { path });
    if (current.nonEmpty) return failure(`the directory ${path} is not empty, refusing to convert it`, { path });
  } else if (prev === 'file' && !args.force) {
    return failure(`refusing to convert from file to symlink for ${path}`, { path });
  }
  // The state, and a link's target when it changes.
  const diff = (): StateDiff => {
    const d = stateDiff(path, ansibleState(current), 'link');
    if (prev === 'link' && src !== undefined && current.linkTarget !== src) {
      d.before['src'] = current.linkTarget;
      d.after['src'] = src;
    }
    return d;
  };
  if (src === undefined) {
    if (prev !== 'link') return failure('src is required for creating new symlinks');
    return linkAttributes(current.resolved, want, [], { dest: path, src: current.linkTarget }, diff(), facts.ids);
  }
  const result = { dest: path, src };
  const changes: Change[] = [];
  const q = shellQuote(path);
  if (prev === 'absent') {
    changes.push({ kind: 'script', what: `link ${path} -> ${src}`, script: `ln -s -- ${shellQuote(src)} ${q}` });
  } else if (prev !== 'link' || current.linkTarget !== src) {
    // Replaced atomically: a link made beside it, renamed over it (-T: never into a directory).
    const tmp = shellQuote(`${posix.dirname(path)}/.provision-link-${posix.basename(path)}`);
    const script = [...(prev === 'directory' ? [`rmdir -- ${q}`] : []), `rm -f -- ${tmp}`, `ln -s -- ${shellQuote(src)} ${tmp}`, `mv -T -f -- ${tmp} ${q}`].join('\n');
    changes.push({ kind: 'script', what: `link ${path} -> ${src} (was ${prev === 'link' ? `-> ${current.linkTarget ?? '?'}` : `a ${prev}`})`, script });
  }
  // Attributes go to what the link points at, when it exists (Ansible warns and skips otherwise).
  const plan = linkAttributes(existsFollowing(source) ? (source.type === 'link' ? source.resolved : source) : undefined, want, changes, result, diff(), facts.ids);
  // Check mode makes no link: Ansible's diff there has the attributes of what is at the path now.
  const check = diff();
  const now = current.type === 'link' ? current.resolved : current;
  if (now && existsFollowing(current) && wantsAttributes(want)) addAttributeDiff(check, now, attributeChanges(now, want), facts.ids);
  return { ...plan, checkDiff: diffEntries(check) };
}

function linkAttributes(target: FileState | undefined, want: WantedAttributes, changes: Change[], result: Record<string, unknown>, diff: StateDiff, ids: Ids | undefined): Plan {
  if (!target || target.type === 'absent' || !wantsAttributes(want)) return { changes, result, diff: diffEntries(diff) };
  const attrs = attributeChanges(target, want);
  return { changes: hasChanges(attrs) ? [...changes, setAttributes(target.path, attrs)] : changes, result, diff: diffEntries(addAttributeDiff(diff, target, attrs, ids)) };
}
