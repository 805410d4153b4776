import { ConfigError, type SourcePosition } from '../errors.js';
import { positionOf } from '../config/yaml.js';
import { hasTemplate } from '../template/templar.js';
import { describeType, isPlainObject, toBoolean, type Vars } from '../util/data.js';
import type { ModuleSpec, ParamSpec } from './types.js';

/**
 * Checks and normalises module arguments: aliases to canonical names, unknown names refused,
 * types coerced as Ansible does (`yes` is true, `0644` and 420 are mode "0644"). Before
 * rendering (`rendered` false) a templated value is accepted as it is.
 */
export function normalizeArgs(spec: ModuleSpec, raw: Vars, at: SourcePosition, rendered: boolean): Vars {
  const out: Vars = {};
  const names = new Map<string, string>();
  for (const [name, p] of Object.entries(spec.params)) {
    names.set(name, name);
    for (const alias of p.aliases ?? []) names.set(alias, name);
  }
  for (const [key, value] of Object.entries(raw)) {
    const where = positionOf(raw, key) ?? at;
    const canonical = names.get(key) ?? (spec.anyParams ? key : undefined);
    if (!canonical) {
      const expected = [...Object.keys(spec.params)].filter((k) => k !== '_raw_params').join(', ');
      throw new ConfigError(`${spec.name}: unknown argument "${key}" (expected one of: ${expected})`, where);
    }
    if (canonical in out) throw new ConfigError(`${spec.name}: argument "${canonical}" given twice (as "${key}")`, where);
    const param = spec.params[canonical];
    out[canonical] = param && !(value === null || value === undefined) ? coerce(spec.name, canonical, param, value, where, rendered) : value;
  }
  for (const [name, p] of Object.entries(spec.params)) {
    if (out[name] === undefined && p.default !== undefined) out[name] = p.default;
    if (p.required && (out[name] === undefined || out[name] === null)) throw new ConfigError(`${spec.name}: missing required argument "${name}"`, at);
  }
  for (const group of spec.oneOf ?? []) {
    const given = group.filter((g) => out[g] !== undefined && out[g] !== null);
    if (given.length !== 1) throw new ConfigError(`${spec.name}: give exactly one of ${group.join(', ')}${given.length ? ` (got ${given.join(', ')})` : ''}`, at);
  }
  return out;
}

function coerce(module: string, name: string, p: ParamSpec, value: unknown, at: SourcePosition, rendered: boolean): unknown {
  if (!rendered && typeof value === 'string' && hasTemplate(value)) return value;
  const fail = (expected: string): never => {
    throw new ConfigError(`${module}: argument "${name}" must be ${expected}, found ${describeType(value)}`, at);
  };
  switch (p.type) {
    case 'str': {
      if (typeof value === 'object') fail('a string');
      const s = String(value);
      if (p.choices && !p.choices.includes(s)) fail(`one of ${p.choices.join(', ')}`);
      return s;
    }
    case 'bool': {
      const b = toBoolean(value);
      return b === undefined ? fail('a boolean (yes/no, true/false)') : b;
    }
    case 'int': {
      const n = Number(value);
      return Number.isInteger(n) ? n : fail('a whole number');
    }
    case 'list':
      if (Array.isArray(value)) return value;
      if (typeof value === 'string') return value.split(',').map((s) => s.trim()).filter(Boolean);
      return fail('a list');
    case 'dict':
      return isPlainObject(value) ? value : fail('a mapping');
    case 'mode':
      return normalizeMode(value) ?? fail('an octal mode ("0644") or a symbolic one ("u=rw,g=r,o=r")');
    default:
      return value;
  }
}

/**
 * File modes as Ansible reads them: an int from YAML 1.1 (0644 is 420) is that number; a string
 * is octal ("0644", "644") or symbolic ("u=rwx,g=rx,o=rx", "a+x").
 */
export function normalizeMode(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0o7777) return `0${value.toString(8).padStart(3, '0')}`.slice(-4);
  if (typeof value !== 'string') return undefined;
  const s = value.trim();
  if (/^0?[0-7]{3,4}$/.test(s)) return s.padStart(4, '0').slice(-4);
  if (/^([ugoa]*[-+=][rwxXst]*)(,[ugoa]*[-+=][rwxXst]*)*$/.test(s)) return s;
  return undefined;
}

/** Applies a normalised mode to the current one (symbolic modes need it), giving 4 octal digits. */
export function resolveMode(mode: string, current: number, isDirectory: boolean): string {
  if (/^[0-7]{4}$/.test(mode)) return mode;
  let result = current;
  for (const clause of mode.split(',')) {
    const m = /^([ugoa]*)([-+=])([rwxXst]*)$/.exec(clause);
    if (!m) continue;
    const who = m[1] || 'a';
    const op = m[2];
    const perms = m[3] ?? '';
    let bits = 0;
    const masks: Record<string, number> = { u: 0o700, g: 0o070, o: 0o007 };
    const targets = who.includes('a') ? ['u', 'g', 'o'] : [...who];
    for (const t of targets) {
      const shift = t === 'u' ? 6 : t === 'g' ? 3 : 0;
      if (perms.includes('r')) bits |= 4 << shift;
      if (perms.includes('w')) bits |= 2 << shift;
      if (perms.includes('x') || (perms.includes('X') && (isDirectory || (current & 0o111) !== 0))) bits |= 1 << shift;
      if (perms.includes('s') && t === 'u') bits |= 0o4000;
      if (perms.includes('s') && t === 'g') bits |= 0o2000;
      if (perms.includes('t')) bits |= 0o1000;
    }
    const span = targets.reduce((acc, t) => acc | (masks[t] ?? 0), 0);
    if (op === '+') result |= bits;
    else if (op === '-') result &= ~bits;
    else result = (result & ~span) | bits;
  }
  return (result & 0o7777).toString(8).padStart(4, '0');
}
