import { attributeCommands } from '../connection/file-transfer.js';
import { shellQuote } from '../util/shlex.js';
import { resolveMode } from './file-mode.js';
import type { FileState } from './facts/file.js';
import type { RunScript } from './plan.js';

/** mode, owner and group as a task asks for them (mode normalised: octal or symbolic). */
export interface WantedAttributes {
  readonly mode?: string | undefined;
  readonly owner?: string | undefined;
  readonly group?: string | undefined;
}

export interface AttributeChanges {
  mode?: string;
  owner?: string;
  group?: string;
}

export function wantedAttributes(args: { readonly mode?: string | undefined; readonly owner?: string | undefined; readonly group?: string | undefined }): WantedAttributes {
  return { mode: args.mode, owner: args.owner, group: args.group };
}

/** Whether the task sets mode, owner or group (else they are kept as they are, and never read). */
export function wantsAttributes(want: WantedAttributes): boolean {
  return want.mode !== undefined || want.owner !== undefined || want.group !== undefined;
}

/**
 * What must change for a path to have the wanted attributes. `current` is what is there now, or
 * for a path about to be made, what it will have by default (a new file 0644, a directory 0755).
 */
export function attributeChanges(current: Pick<FileState, 'type' | 'mode' | 'owner' | 'group' | 'uid' | 'gid'>, want: WantedAttributes): AttributeChanges {
  const changes: AttributeChanges = {};
  if (want.mode !== undefined) {
    const mode = resolveMode(want.mode, current.mode ?? 0, current.type === 'directory');
    if (parseInt(mode, 8) !== current.mode) changes.mode = mode;
  }
  if (want.owner !== undefined && want.owner !== current.owner && want.owner !== String(current.uid)) changes.owner = want.owner;
  if (want.group !== undefined && want.group !== current.group && want.group !== String(current.gid)) changes.group = want.group;
  return changes;
}

export function hasChanges(changes: AttributeChanges): boolean {
  return Object.keys(changes).length > 0;
}

/** A script change setting attributes of an existing path. */
export function setAttributes(path: string, changes: AttributeChanges): RunScript {
  const parts = [changes.owner !== undefined ? `owner ${changes.owner}` : '', changes.group !== undefined ? `group ${changes.group}` : '', changes.mode !== undefined ? `mode ${changes.mode}` : ''].filter(Boolean);
  return { kind: 'script', what: `set ${parts.join(', ')} of ${path}`, script: attributeCommands(shellQuote(path), changes).join('\n') };
}
