import { posix } from 'node:path';
import { ConfigError, type SourcePosition } from '../errors.js';
import { hasTemplate } from '../template/templar.js';
import { shellQuote } from '../util/shlex.js';
import type { Vars } from '../util/data.js';
import type { FileState } from './facts/file.js';
import type { Change, Plan, WriteFile } from './plan.js';
import type { ArgSpecs } from './schema.js';

/** `validate:` and `backup:` of copy, template, lineinfile and blockinfile. */
export const VALIDATE_BACKUP_ARGS = {
  validate: { type: 'str', description: 'A command run on the new content before it replaces the file, with %s for the temporary file\'s path; the file is left alone when it fails.' },
  backup: { type: 'bool', default: false, description: 'Keep the old file as <path>.<pid>.<YYYY-MM-DD@HH:MM:SS>~ before changing it (returned as backup_file).' },
} as const satisfies ArgSpecs;

/** validate must hold %s (Ansible's check, before any connection when not templated). */
export function checkValidate(args: Vars, module: string, at: SourcePosition): void {
  const v = args['validate'];
  if (typeof v === 'string' && !hasTemplate(v) && !v.includes('%s')) throw new ConfigError(`${module}: validate must contain %s: ${v}`, at);
}

/** Ansible's backup_local name: path.PID.YYYY-MM-DD@HH:MM:SS~ (local time). */
export function backupName(path: string, pid: number, now: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${path}.${pid}.${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}@${p(now.getHours())}:${p(now.getMinutes())}:${p(now.getSeconds())}~`;
}

/**
 * The number in a backup's name. Ansible's is the module process's PID, new for every task; one
 * provision run plans every task, so its backups in the same second would share a name: each
 * gets the run's PID plus its own sequence number.
 */
let backups = 0;
function nextBackupNumber(): number {
  return process.pid + backups++;
}

export interface ValidateBackupArgs {
  readonly validate?: string | undefined;
  readonly backup: boolean;
}

/** How each module words a failed validation. */
export type ValidateStyle = 'copy' | 'lineinfile';

/**
 * The plan with validate and backup added around the write of `target`: the old file copied to
 * its backup name first (only when it exists and is written); the new bytes put in a temporary
 * file beside it, the command run on that file, and only then renamed over the target (its
 * owner and mode kept unless the task sets them), as Ansible validates before atomic_move.
 */
export function withValidateAndBackup(plan: Plan, args: ValidateBackupArgs, target: FileState | undefined, style: ValidateStyle, now: () => Date = () => new Date(), pid: number = nextBackupNumber()): Plan {
  if (plan.failed !== undefined || (!args.validate && !args.backup)) return plan;
  const write = plan.changes.find((c): c is WriteFile => c.kind === 'write');
  if (!write) return plan;
  const changes: Change[] = [];
  let backupFile: string | undefined;
  const exists = target !== undefined && target.type !== 'absent';
  for (const change of plan.changes) {
    if (change !== write) {
      changes.push(change);
      continue;
    }
    const q = shellQuote(write.path);
    if (args.backup && exists) {
      backupFile = backupName(write.path, pid, now());
      changes.push({ kind: 'script', what: `back up ${write.path} as ${backupFile}`, script: `cp -p -- ${q} ${shellQuote(backupFile)}` });
    }
    if (!args.validate) {
      changes.push(write);
      continue;
    }
    const tmp = posix.join(posix.dirname(write.path), `.provision-validate-${posix.basename(write.path)}`);
    const t = shellQuote(tmp);
    const command = args.validate.replace(/%s/g, t);
    const fail =
      style === 'copy'
        ? `printf 'failed to validate\\n' >&2`
        : `printf 'failed to validate: rc:%s error:%s\\n' "$r" "$(cat "$e")" >&2`;
    changes.push({ ...write, what: `write the new ${write.path} beside it (${write.content.length} bytes)`, path: tmp });
    changes.push({
      kind: 'script',
      what: `validate it (${args.validate}), then put it in place`,
      script: [
        `e=$(mktemp)`,
        `if (${command}) >/dev/null 2>"$e"; then r=0; else r=$?; fi`,
        `if [ "$r" -ne 0 ]; then ${fail}; rm -f -- ${t} "$e"; exit 1; fi`,
        'rm -f -- "$e"',
        // What the task does not set is kept from the file being replaced, as a put does.
        `if [ -e ${q} ]; then ${write.owner === undefined && write.group === undefined ? `chown --reference=${q} -- ${t}; ` : ''}${write.mode === undefined ? `chmod --reference=${q} -- ${t}; ` : ''}:; fi`,
        `mv -f -- ${t} ${q}`,
      ].join('\n'),
    });
  }
  return { ...plan, changes, ...(backupFile !== undefined ? { result: { ...plan.result, backup_file: backupFile } } : {}) };
}
