import { shellQuote } from '../util/shlex.js';

export interface FileAttributes {
  readonly mode?: string | undefined;
  readonly owner?: string | undefined;
  readonly group?: string | undefined;
}

/** chown/chmod commands for a path (already quoted or a "$var"); empty when nothing is asked. */
export function attributeCommands(target: string, attrs: FileAttributes): string[] {
  const commands: string[] = [];
  if (attrs.owner !== undefined || attrs.group !== undefined) {
    commands.push(`chown ${shellQuote(`${attrs.owner ?? ''}${attrs.group !== undefined ? `:${attrs.group}` : ''}`)} -- ${target}`);
  }
  if (attrs.mode !== undefined) commands.push(`chmod ${shellQuote(attrs.mode)} -- ${target}`);
  return commands;
}

/**
 * Writes the task's stdin to a file. Atomic (the default): a temp file beside it gets the bytes,
 * then its owner and mode, and only then is renamed over the destination, so the file never
 * exists with the wrong content, mode or owner. A failure or a kill removes the temp file.
 */
export function atomicPutScript(path: string, options: FileAttributes & { readonly atomic?: boolean; readonly createParents?: boolean }): string {
  if (options.atomic === false) {
    return ['set -e', `p=${shellQuote(path)}`, ...(options.createParents ? ['mkdir -p -- "$(dirname -- "$p")"'] : []), 'cat > "$p"', ...attributeCommands('"$p"', options)].join('\n');
  }
  return [
    'set -e',
    `p=${shellQuote(path)}`,
    ...(options.createParents ? ['mkdir -p -- "$(dirname -- "$p")"'] : []),
    't=$(mktemp "$(dirname -- "$p")/.provision-XXXXXX")',
    'trap \'rm -f -- "$t"\' EXIT',
    "trap 'exit 143' TERM INT HUP",
    'cat > "$t"',
    // What is not set explicitly is kept from the file being replaced (or 0644 for a new file).
    // A user may not give a file away (nor to a group they are not in): then the new file is
    // theirs, as Ansible's atomic_move leaves it (it ignores EPERM from that chown).
    'if [ -e "$p" ]; then chmod --reference="$p" -- "$t"; chown --reference="$p" -- "$t" 2>/dev/null || :; else chmod 0644 -- "$t"; fi',
    ...attributeCommands('"$t"', options),
    'mv -f -- "$t" "$p"',
    'trap - EXIT',
  ].join('\n');
}

export function readScript(path: string): string {
  return `exec cat -- ${shellQuote(path)}`;
}
