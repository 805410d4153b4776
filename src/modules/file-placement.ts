import { createHash } from 'node:crypto';
import { dirname } from 'node:path';
import type { Vars } from '../util/data.js';
import { attributeChanges, hasChanges, setAttributes, wantedAttributes, wantsAttributes } from './file-attributes.js';
import { addAttributeDiff, ansibleState, diffEntries, stateDiff } from './file-diff.js';
import { type FileState, fileFact } from './facts/file.js';
import { type Ids, idsFact } from './facts/ids.js';
import type { Change, FileDiff, Plan } from './plan.js';
import { failure, noChange } from './plan.js';

/** What copy and template place: bytes made on the controller, compared by SHA-1 with the host's. */
export interface Placement {
  readonly content: Buffer;
  readonly sha1: string;
  /** The source file's name, for a dest that is a directory (copy src=, template). */
  readonly sourceName?: string | undefined;
  /** From `content:` (which cannot go into a directory). */
  readonly fromContent: boolean;
}

export interface PlacementArgs {
  readonly dest: string;
  readonly force: boolean;
  readonly follow: boolean;
  readonly mode?: string | undefined;
  readonly owner?: string | undefined;
  readonly group?: string | undefined;
}

export function placement(content: Buffer, fromContent: boolean, sourceName?: string): Placement {
  return { content, sha1: createHash('sha1').update(content).digest('hex'), sourceName, fromContent };
}

/** A dest ending in "/" names a directory: the file goes inside it, under the source's name. */
function destFile(args: PlacementArgs, input: Placement): string {
  return args.dest.endsWith('/') && input.sourceName ? `${args.dest}${input.sourceName}` : args.dest;
}

/**
 * One round trip: the destination (and, for a source file, the entry inside it should it be a
 * directory) with its checksum, never its bytes; the bytes only for --diff.
 */
export function placementFacts(args: PlacementArgs, input: Placement, diff: boolean) {
  const want = wantedAttributes(args);
  const options = { checksum: true, content: diff, attributes: wantsAttributes(want) || diff, follow: args.follow, ancestor: true, child: input.sourceName };
  return {
    dest: fileFact(destFile(args, input), options),
    ids: diff && (want.owner !== undefined || want.group !== undefined) ? idsFact(want.owner, want.group) : undefined,
  };
}

/** The file a placement replaces: dest, or the entry inside a dest that is a directory, through a link with follow. */
export function placedFile(dest: FileState): FileState | undefined {
  return dest.type === 'directory' ? dest.child : dest;
}

const CONTENT_INTO_DIRECTORY = 'can not use content with a dir as dest';

/** Ansible's copy (action plugin and module): what placing the bytes at dest would change. */
export function planPlacement(args: PlacementArgs, facts: { readonly dest: FileState; readonly ids?: Ids | undefined }, input: Placement): Plan {
  if (input.fromContent && args.dest.endsWith('/')) return failure(CONTENT_INTO_DIRECTORY);
  let target = facts.dest;
  if (target.type === 'directory') {
    if (input.fromContent || !input.sourceName || !target.child) return failure(CONTENT_INTO_DIRECTORY);
    target = target.child;
  }
  if (args.follow && target.type === 'link' && target.resolved) target = target.resolved;
  const result: Vars = { dest: target.path, checksum: input.sha1, size: input.content.length };
  if (target.type !== 'absent' && !args.force) return noChange(result, 'file already exists');
  const want = wantedAttributes(args);
  if (target.type === 'file' && target.sha1 === input.sha1) {
    // Ansible's copy runs the file module here (state=file): its diff is the attributes'.
    const attrs = wantsAttributes(want) ? attributeChanges(target, want) : {};
    const diff = diffEntries(addAttributeDiff(stateDiff(target.path, ansibleState(target), 'file'), target, attrs, facts.ids));
    return { changes: hasChanges(attrs) ? [setAttributes(target.path, attrs)] : [], result, diff };
  }
  const diff: FileDiff[] = target.content !== undefined || target.type === 'absent' ? [{ path: target.path, before: target.content ?? '', after: input.content.toString('utf8') }] : [];
  const changes: Change[] = [];
  let createParents = false;
  if (target.type === 'absent' && (target.ancestor?.levels ?? 1) > 1) {
    // Ansible makes the directories for a dest ending in "/", and fails otherwise; its check
    // mode reports a change in both cases, so the failure waits for the real run.
    if (args.dest.endsWith('/')) createParents = true;
    else changes.push({ kind: 'fail', what: `fail: no directory ${dirname(target.path)}`, msg: `Destination directory ${dirname(target.path)} does not exist` });
  }
  const attrs = attributeChanges(target.type === 'file' ? target : { type: 'file', mode: 0o644 }, want);
  changes.push({ kind: 'write', what: `write ${target.path} (${input.content.length} bytes)`, path: target.path, content: input.content, ...attrs, ...(createParents ? { createParents } : {}) });
  return { changes, diff, result };
}
