import { ConfigError, type SourcePosition } from '../errors.js';
import { hasTemplate } from '../template/templar.js';
import type { Vars } from '../util/data.js';
import { attributeChanges, hasChanges, setAttributes, wantedAttributes, wantsAttributes } from './file-attributes.js';
import { addAttributeDiff, attributesOnlyDiff, diffEntries, madeBy } from './file-diff.js';
import { type FileState, fileFact } from './facts/file.js';
import { type Ids, idsFact } from './facts/ids.js';
import type { EditResult } from './line-edit.js';
import { type Change, failure, noChange, type Plan } from './plan.js';
import { pythonRegex } from './python-regex.js';

export interface TextEditArgs {
  readonly path: string;
  readonly state: 'present' | 'absent';
  readonly create: boolean;
  readonly mode?: string | undefined;
  readonly owner?: string | undefined;
  readonly group?: string | undefined;
}

/** The file's text, through a link to its target (Ansible edits the real path). */
export function textEditFacts(args: TextEditArgs, diff: boolean) {
  const want = wantedAttributes(args);
  return {
    file: fileFact(args.path, { content: true, follow: true, attributes: wantsAttributes(want) }),
    ids: diff && (want.owner !== undefined || want.group !== undefined) ? idsFact(want.owner, want.group) : undefined,
  };
}

/** The file an edit writes: through a link, its target. */
export function editedFile(file: FileState): FileState {
  return file.type === 'link' && file.resolved ? file.resolved : file;
}

export interface TextEditMessages {
  /** state=absent on a file that is not there. */
  readonly notPresent: string;
  /** A missing file without create: Ansible's rc 257 message. */
  readonly missing: string;
  /** blockinfile fails on a missing file without create even for state=absent; lineinfile does not. */
  readonly missingFailsFirst?: boolean;
}

const ATTRIBUTES_CHANGED = 'ownership, perms or SE linux context changed';

/**
 * lineinfile's and blockinfile's plan around their text edit: a directory or a missing file
 * fails, the new text is written atomically (making the parents with create=yes), and mode or
 * owner changes are added to the message as Ansible's check_file_attrs does.
 */
export function planTextEdit(args: TextEditArgs, facts: { readonly file: FileState; readonly ids?: Ids | undefined }, edit: (content: string | undefined) => EditResult, messages: TextEditMessages): Plan {
  const target = facts.file.type === 'link' && facts.file.resolved ? facts.file.resolved : facts.file;
  if (target.type === 'directory') return failure(`Path ${args.path} is a directory !`, { rc: 256 });
  const want = wantedAttributes(args);
  const exists = target.type !== 'absent';
  if (!exists) {
    if (messages.missingFailsFirst && !args.create) return failure(messages.missing, { rc: 257 });
    if (args.state === 'absent') return noChange({}, messages.notPresent);
    if (!args.create) return failure(messages.missing, { rc: 257 });
  }
  const edited = edit(exists ? (target.content ?? '') : undefined);
  const attrs = wantsAttributes(want) ? attributeChanges(exists ? target : { type: 'file', mode: 0o644 }, want) : {};
  const result: Vars = edited.found !== undefined ? { found: edited.found } : {};
  const changes: Change[] = [];
  let msg = edited.msg;
  if (edited.changed) {
    const bytes = Buffer.from(edited.content);
    changes.push({ kind: 'write', what: `write ${target.path} (${bytes.length} bytes)`, path: target.path, content: bytes, ...attrs, ...(exists ? {} : { createParents: true }) });
    if (exists && hasChanges(attrs)) msg += ` and ${ATTRIBUTES_CHANGED}`;
  } else if (hasChanges(attrs)) {
    changes.push(setAttributes(target.path, attrs));
    msg = ATTRIBUTES_CHANGED;
  }
  // Ansible's diff list: the content, then the attributes (check_file_attrs), which its check
  // mode leaves out for a file that does not exist yet.
  const content = edited.changed ? { path: target.path, before: target.content ?? '', after: edited.content } : undefined;
  const attributes = addAttributeDiff(attributesOnlyDiff(target.path), exists ? target : madeBy(facts.ids, 0o644), attrs, facts.ids);
  return { changes, msg, diff: diffEntries(content, attributes), ...(exists ? {} : { checkDiff: diffEntries(content) }), result };
}

/** Regular expressions are compiled before any connection (templated ones when rendered). */
export function checkRegexes(args: Vars, keys: readonly string[], at: SourcePosition): void {
  for (const key of keys) {
    const value = args[key];
    if (typeof value !== 'string' || hasTemplate(value) || value === 'EOF' || value === 'BOF') continue;
    try {
      pythonRegex(value);
    } catch (err) {
      throw new ConfigError(`invalid regular expression in "${key}": ${(err as Error).message}`, at);
    }
  }
}
