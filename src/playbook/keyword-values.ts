import { ConfigError, type SourcePosition } from '../errors.js';
import { describeType, toBoolean, type Vars } from '../util/data.js';

/** Keywords that may be templates: rendered with each host's (and item's) variables when the task runs, as Ansible's post_validate does. */
export type TemplatedKeyword = 'become' | 'become_user' | 'remote_user' | 'ignore_errors' | 'no_log' | 'check_mode' | 'diff';

export interface KeywordTemplate {
  readonly text: string;
  readonly at: SourcePosition;
}

export type KeywordTemplates = Partial<Record<TemplatedKeyword, KeywordTemplate>>;

const isTemplate = (value: unknown): value is string => typeof value === 'string' && value.includes('{{');

/**
 * A yes/no keyword: a boolean (yes/no, true/false), or a template kept in `templates` under
 * `as` (the value is then undefined until the task runs).
 */
export function readFlag(raw: Vars, key: string, keyAt: (k: string) => SourcePosition, templates: KeywordTemplates, as: TemplatedKeyword): boolean | undefined {
  const value = raw[key];
  if (value === undefined) return undefined;
  if (isTemplate(value)) {
    templates[as] = { text: value, at: keyAt(key) };
    return undefined;
  }
  const b = toBoolean(value);
  if (b === undefined) throw new ConfigError(`"${key}" must be a boolean (yes/no, true/false) or a template, found ${describeType(value)}`, keyAt(key));
  return b;
}

/** A text keyword (a user name); a template is kept in `templates` under `as`. */
export function readText(raw: Vars, key: string, keyAt: (k: string) => SourcePosition, templates: KeywordTemplates, as: TemplatedKeyword): string | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'object') throw new ConfigError(`"${key}" must be a single value, found ${describeType(value)}`, keyAt(key));
  if (isTemplate(value)) {
    templates[as] = { text: value, at: keyAt(key) };
    return undefined;
  }
  return String(value);
}
