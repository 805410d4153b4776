import { ConfigError } from '../errors.js';
import { shellJoin, shellQuote } from '../util/shlex.js';
import { defineModule } from './define.js';
import type { Fact } from './facts/fact.js';
import { type Change, type Plan } from './plan.js';

export interface SysctlState {
  /** `sysctl -e -n name`'s output, or undefined when it failed (no such key). */
  readonly proc?: string;
  /** The sysctl file's text, or undefined when it is not a file. */
  readonly file?: string;
}

function sysctlFact(name: string, file: string): Fact<SysctlState> {
  return {
    key: `sysctl ${name} ${file}`,
    command: [
      `if v=$(LANG=C LC_ALL=C sysctl -e -n ${shellQuote(name)} 2>/dev/null); then printf 'proc '; printf '%s\\n' "$v" | base64 -w0; echo; fi`,
      `f=${shellQuote(file)}; if [ -f "$f" ]; then printf 'file '; base64 -w0 < "$f"; echo; fi`,
    ].join('\n'),
    parse(output) {
      const line = (w: string): string | undefined => output.split('\n').find((l) => l.startsWith(`${w} `) || l === w)?.slice(w.length + 1);
      const proc = line('proc');
      const file = line('file');
      return { ...(proc !== undefined ? { proc: Buffer.from(proc, 'base64').toString('utf8') } : {}), ...(file !== undefined ? { file: Buffer.from(file, 'base64').toString('utf8') } : {}) };
    },
  };
}

/** _parse_value: booleans (and Ansible's boolean words) as 1/0, text stripped. */
export function sysctlValue(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value !== 'string') return String(value);
  const lower = value.toLowerCase();
  if (['y', 'yes', 'on', '1', 'true', 't', '1.0'].includes(lower)) return '1';
  if (['n', 'no', 'off', '0', 'false', 'f', '0.0'].includes(lower)) return '0';
  return value.trim();
}

const sameValue = (a: string | undefined, b: string): boolean => {
  if (a === undefined) return false;
  const x = a.split(/\s+/).filter(Boolean);
  const y = b.split(/\s+/).filter(Boolean);
  return x.length === y.length && x.every((v, i) => v === y[i]);
};

/** read_sysctl_file + fix_lines: the file's values and its new lines (stripped; the key's line replaced, later duplicates dropped). */
export function fixSysctlLines(text: string, name: string, value: string, present: boolean): { fileValue: string | undefined; lines: string[] } {
  const lines = (text.match(/[^\n]*\n|[^\n]+$/g) ?? []).map((l) => l.trim());
  const values = new Map<string, string>();
  const fixed: string[] = [];
  const checked = new Set<string>();
  for (const line of lines) {
    if (!line || line.startsWith('#') || line.startsWith(';') || !line.includes('=')) {
      fixed.push(line);
      continue;
    }
    const eq = line.indexOf('=');
    const k = line.slice(0, eq).trim();
    const v = line.slice(eq + 1).trim();
    values.set(k, v);
    if (checked.has(k)) continue;
    checked.add(k);
    if (k === name) {
      if (present) fixed.push(`${k}=${value}`);
    } else fixed.push(`${k}=${v}`);
  }
  if (!checked.has(name) && present) fixed.push(`${name}=${value}`);
  return { fileValue: values.get(name), lines: fixed };
}

/** The shell that fails as the module does: a non-zero exit, or sysctl's "Invalid argument"/"Read-only file system" with status 0. */
function checked(argv: readonly string[], failure: string): string {
  return [
    `if ! o=$(LANG=C LC_ALL=C ${shellJoin(argv)} 2>&1); then printf '%s%s\\n' ${shellQuote(failure)} "$o" >&2; exit 1; fi`,
    `if printf '%s\\n' "$o" | grep -Eq '^sysctl: setting key "[^"]+": (Invalid argument|Read-only file system)$'; then printf '%s%s\\n' ${shellQuote(failure)} "$o" >&2; exit 1; fi`,
  ].join('\n');
}

/** ansible.posix's sysctl: a key's value in a sysctl file, set in the kernel with -w and/or by reloading the file. */
export const sysctlModule = defineModule({
  name: 'sysctl',
  collection: 'ansible.posix',
  description: 'Sets a kernel parameter in a sysctl file (/etc/sysctl.conf by default) and in the running kernel (by reloading the file, or with sysctl -w), as ansible.posix.sysctl does.',
  args: {
    args: {
      name: { type: 'str', required: true, aliases: ['key'], description: 'The parameter, dotted (net.ipv4.ip_forward).' },
      value: { type: 'raw', aliases: ['val'], description: 'Its value (yes/no and booleans become 1/0). Required with state=present.' },
      state: { type: 'str', choices: ['present', 'absent'], default: 'present', description: 'Whether the parameter is in the file.' },
      reload: { type: 'bool', default: true, description: 'Reload the file (sysctl -p FILE) when something changed, or when the kernel\'s value differs.' },
      sysctl_set: { type: 'bool', default: false, description: 'Also set the value with sysctl -w when the kernel\'s differs.' },
      ignoreerrors: { type: 'bool', default: false, description: 'sysctl -e: ignore unknown keys.' },
      sysctl_file: { type: 'path', default: '/etc/sysctl.conf', description: 'The file the parameter is written to.' },
    },
    requiredIf: [['state', 'present', ['value']]],
  },
  validate(args, context) {
    if (args['name'] === '') throw new ConfigError('sysctl: name cannot be blank', context.at);
    if (args['state'] !== 'absent' && args['value'] === '') throw new ConfigError('sysctl: value cannot be blank', context.at);
  },
  facts: (args) => ({ sysctl: sysctlFact(args.name.trim(), args.sysctl_file) }),
  plan(args, facts): Plan {
    const name = args.name.trim();
    const value = sysctlValue(args.value);
    const present = args.state === 'present';
    const proc = facts.sysctl.proc?.replace(/\n$/, '');
    const { fileValue, lines } = fixSysctlLines(facts.sysctl.file ?? '', name, value, present);
    let changed = false;
    let writeFile = false;
    let setProc = false;
    if (fileValue === undefined) {
      if (present) changed = writeFile = true;
    } else if (!present) {
      // Ansible tests the value's truth: an empty value counts as not there.
      if (fileValue !== '') changed = writeFile = true;
    } else if (fileValue !== value) changed = writeFile = true;
    else if (args.reload && !sameValue(proc, value)) changed = true;
    if (args.sysctl_set && present && !sameValue(proc, value)) {
      changed = true;
      if (proc !== undefined) setProc = true;
    }
    const changes: Change[] = [];
    if (setProc) changes.push({ kind: 'script', what: `set ${name} to ${value} (sysctl -w)`, script: checked(['sysctl', ...(args.ignoreerrors ? ['-e'] : []), '-w', `${name}=${value}`], `setting ${name} failed: `) });
    const text = lines.map((l) => `${l}\n`).join('');
    if (writeFile) changes.push({ kind: 'write', what: `write ${args.sysctl_file}`, path: args.sysctl_file, content: Buffer.from(text) });
    if (changed && args.reload) changes.push({ kind: 'script', what: `reload ${args.sysctl_file} (sysctl -p)`, script: checked(['sysctl', ...(args.ignoreerrors ? ['-e'] : []), '-p', args.sysctl_file], 'Failed to reload sysctl: ') });
    // Ansible reports changed even when nothing is to be done but the key is unknown (proc value missing, no reload): a no-op change.
    if (changed && changes.length === 0) changes.push({ kind: 'script', what: `nothing to apply for ${name} (the kernel has no such key)`, script: ':' });
    return { changes, ...(writeFile ? { diff: [{ path: args.sysctl_file, before: facts.sysctl.file ?? '', after: text }] } : {}) };
  },
});
