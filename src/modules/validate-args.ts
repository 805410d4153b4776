import { ConfigError, type SourcePosition } from '../errors.js';
import { positionOf } from '../config/yaml.js';
import { hasTemplate } from '../template/templar.js';
import { describeType, isPlainObject, toBoolean, type Vars } from '../util/data.js';
import { normalizeMode } from './file-mode.js';
import type { ArgSpec, ArgsSchema } from './schema.js';

/**
 * Checks and normalises a module's arguments against its schema, as Ansible's AnsibleModule
 * does: aliases to canonical names, unknown names refused, types coerced (`yes` is true, `0644`
 * and 420 are mode "0644"), defaults filled in, then mutually_exclusive, required_one_of and
 * required_if. Before rendering (`rendered` false) a templated value is accepted as it is, and
 * the checks that depend on values wait for the rendered run.
 */
export function validateArgs(name: string, schema: ArgsSchema, raw: Vars, at: SourcePosition, rendered: boolean): Vars {
  const out: Vars = {};
  const names = new Map<string, string>();
  for (const [arg, spec] of Object.entries(schema.args)) {
    names.set(arg, arg);
    for (const alias of spec.aliases ?? []) names.set(alias, arg);
  }
  for (const [key, value] of Object.entries(raw)) {
    const where = positionOf(raw, key) ?? at;
    const canonical = names.get(key) ?? (schema.anyArgs ? key : undefined);
    if (!canonical && schema.notImplemented?.includes(key)) {
      throw new ConfigError(`${name}: argument "${key}" is not implemented by provision (refused rather than ignored)`, where);
    }
    if (!canonical) {
      const expected = Object.keys(schema.args).filter((k) => k !== '_raw_params').join(', ');
      throw new ConfigError(`${name}: unknown argument "${key}" (provision's ${name} takes: ${expected})`, where);
    }
    if (canonical in out) throw new ConfigError(`${name}: argument "${canonical}" given twice (as "${key}")`, where);
    const spec = schema.args[canonical];
    out[canonical] = spec && !(value === null || value === undefined) ? coerce(name, canonical, spec, value, where, rendered) : value;
  }
  const given = (arg: string): boolean => out[arg] !== undefined && out[arg] !== null;
  for (const [arg, spec] of Object.entries(schema.args)) {
    if (spec.required && !given(arg)) throw new ConfigError(`${name}: missing required argument "${arg}"`, at);
  }
  for (const group of schema.mutuallyExclusive ?? []) {
    const both = group.filter(given);
    if (both.length > 1) throw new ConfigError(`${name}: parameters are mutually exclusive: ${group.join('|')} (got ${both.join(', ')})`, positionOf(raw, both[1] ?? '') ?? at);
  }
  for (const group of schema.requiredOneOf ?? []) {
    if (!group.some(given)) throw new ConfigError(`${name}: one of the following is required: ${group.join(', ')}`, at);
  }
  for (const [arg, spec] of Object.entries(schema.args)) {
    if (!given(arg) && spec.default !== undefined) out[arg] = spec.default;
  }
  for (const [arg, value, needed] of schema.requiredIf ?? []) {
    if (out[arg] !== value) continue;
    const missing = needed.filter((n) => !given(n));
    if (missing.length > 0) throw new ConfigError(`${name}: ${arg} is ${String(value)} but all of the following are missing: ${missing.join(', ')}`, at);
  }
  return out;
}

function coerce(module: string, name: string, spec: ArgSpec, value: unknown, at: SourcePosition, rendered: boolean): unknown {
  if (!rendered && typeof value === 'string' && hasTemplate(value)) return value;
  const fail = (expected: string): never => {
    throw new ConfigError(`${module}: argument "${name}" must be ${expected}, found ${describeType(value)}`, at);
  };
  switch (spec.type) {
    case 'str':
    case 'path': {
      if (typeof value === 'object') fail('a string');
      const s = String(value);
      if (spec.choices && !spec.choices.includes(s)) fail(`one of ${spec.choices.join(', ')}`);
      // Ansible expands these on the host, for the remote user; provision does not: refuse, never guess.
      if (spec.type === 'path' && /^~|\$\{?[A-Za-z_]/.test(s)) {
        throw new ConfigError(`${module}: argument "${name}": "~" and $VARIABLES in paths are not expanded by provision; give the full path`, at);
      }
      return s;
    }
    case 'bool': {
      const b = toBoolean(value);
      return b === undefined ? fail('a boolean (yes/no, true/false)') : b;
    }
    case 'int': {
      const n = typeof value === 'boolean' ? NaN : Number(value);
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
