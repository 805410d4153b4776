import type { FileState } from './facts/file.js';
import type { Ids } from './facts/ids.js';
import type { AttributeChanges } from './file-attributes.js';
import type { FileDiff } from './plan.js';

/**
 * The state and attribute diffs of Ansible's file module and of module_utils/basic.py's
 * set_owner/group/mode_if_different, which copy (through the file module), lineinfile and
 * blockinfile return beside their content diff.
 */
type Side = Record<string, unknown>;

export interface StateDiff {
  readonly path: string;
  readonly before: Side;
  readonly after: Side;
}

/** Ansible's get_state: a regular file (or anything else) with more than one link is `hard`. */
export function ansibleState(s: FileState): 'absent' | 'file' | 'directory' | 'link' | 'hard' {
  if (s.type === 'absent' || s.type === 'link' || s.type === 'directory') return s.type;
  return s.nlink !== undefined && s.nlink > 1 ? 'hard' : 'file';
}

/** The file module's initial_diff: the path, and its state when that changes. */
export function stateDiff(path: string, prev: string, state: string): StateDiff {
  const before: Side = { path };
  const after: Side = { path };
  if (prev !== state) {
    before['state'] = prev;
    after['state'] = state;
  }
  return { path, before, after };
}

/** An empty attribute diff (lineinfile's and blockinfile's, which have no path in it). */
export const attributesOnlyDiff = (path: string): StateDiff => ({ path, before: {}, after: {} });

const octal = (mode: number): string => `0${mode.toString(8).padStart(3, '0')}`;

/** An owner or group as the diff shows it: a number as given, a name as the host resolves it. */
function numeric(name: string, resolved: number | undefined): number | string {
  return /^\d+$/.test(name) ? Number(name) : (resolved ?? name);
}

/**
 * Adds what set_owner_if_different, set_group_if_different and set_mode_if_different put in a
 * diff: the owner and group as numeric ids, the mode as "0%03o", each only when it changes.
 * `current`: what the path has now, or what a path about to be made gets (the user's ids, the
 * default mode).
 */
export function addAttributeDiff(diff: StateDiff, current: { readonly mode?: number | undefined; readonly uid?: number | undefined; readonly gid?: number | undefined }, changes: AttributeChanges, ids: Ids | undefined): StateDiff {
  if (changes.owner !== undefined) {
    const uid = numeric(changes.owner, ids?.owner);
    if (uid !== current.uid) {
      diff.before['owner'] = current.uid;
      diff.after['owner'] = uid;
    }
  }
  if (changes.group !== undefined) {
    const gid = numeric(changes.group, ids?.group);
    if (gid !== current.gid) {
      diff.before['group'] = current.gid;
      diff.after['group'] = gid;
    }
  }
  if (changes.mode !== undefined) {
    const mode = parseInt(changes.mode, 8);
    if (mode !== current.mode) {
      diff.before['mode'] = octal(current.mode ?? 0);
      diff.after['mode'] = octal(mode);
    }
  }
  return diff;
}

/** What a path the task makes has before its attributes are set: the user's ids, the default mode. */
export function madeBy(ids: Ids | undefined, mode: number): { mode: number; uid?: number; gid?: number } {
  return { mode, ...(ids ? { uid: ids.uid, gid: ids.gid } : {}) };
}

/** A diff entry for the plan; one whose two sides are the same shows nothing and is left out. */
export function diffEntries(...diffs: (StateDiff | FileDiff | undefined)[]): FileDiff[] {
  return diffs.filter((d): d is FileDiff => d !== undefined && JSON.stringify(d.before) !== JSON.stringify(d.after));
}
