import { ConfigError, type SourcePosition } from '../errors.js';
import { describeType, isPlainObject, toBoolean, type Vars } from '../util/data.js';
import type { KeywordTemplate } from './keyword-values.js';
import type { Condition } from './condition.js';

/** A whole number written as such, or a template rendered when the task runs (Ansible's isa='int' after post_validate). */
export type IntKeyword = number | KeywordTemplate;

/**
 * The per-task flow keywords (issue 9 §3): retries, delegation, run_once, environment, async,
 * throttle, ignore_unreachable, any_errors_fatal. Absent keywords are absent here, so a task that
 * uses none of them costs nothing when it runs.
 */
export interface TaskFlow {
  readonly until?: readonly Condition[];
  /** Ansible's defaults: retries 3, delay 5 (both used only with `until`). */
  readonly retries?: IntKeyword;
  readonly delay?: IntKeyword;
  /** A host name, or a template of one. `local_action` is `delegate_to: localhost`. */
  readonly delegateTo?: string;
  readonly delegateFacts?: boolean;
  readonly runOnce?: boolean;
  /** `environment:` mappings (a list is merged in order), or templates that render to one. */
  readonly environment?: readonly unknown[];
  readonly async?: IntKeyword;
  readonly poll?: IntKeyword;
  readonly throttle?: number;
  readonly ignoreUnreachable?: boolean;
  readonly anyErrorsFatal?: boolean;
}

/** The keywords read here. */
export const TASK_FLOW_KEYWORDS = [
  'until', 'retries', 'delay', 'delegate_to', 'delegate_facts', 'run_once', 'environment', 'async', 'poll', 'throttle',
  'ignore_unreachable', 'any_errors_fatal',
] as const;

type KeyAt = (key: string) => SourcePosition;

/** Reads the flow keywords of a task (or block) mapping; `conditions` parses `until` as `when` is parsed. */
export function parseTaskFlow(raw: Vars, keyAt: KeyAt, conditions: (key: string) => Condition[]): TaskFlow | undefined {
  if (!TASK_FLOW_KEYWORDS.some((k) => raw[k] !== undefined)) return undefined;
  const flow: { -readonly [K in keyof TaskFlow]: TaskFlow[K] } = {};
  if (raw['until'] !== undefined && raw['until'] !== null) flow.until = conditions('until');
  const retries = intKeyword(raw, 'retries', keyAt, true);
  if (retries !== undefined) flow.retries = retries;
  const delay = intKeyword(raw, 'delay', keyAt, true);
  if (delay !== undefined) flow.delay = delay;
  const delegate = raw['delegate_to'];
  if (delegate !== undefined && delegate !== null) {
    if (typeof delegate !== 'string' || delegate.trim() === '') throw new ConfigError(`"delegate_to" must name a host, found ${describeType(delegate)}`, keyAt('delegate_to'));
    flow.delegateTo = delegate.trim();
  }
  const delegateFacts = flag(raw, 'delegate_facts', keyAt);
  if (delegateFacts !== undefined) flow.delegateFacts = delegateFacts;
  const runOnce = flag(raw, 'run_once', keyAt);
  if (runOnce !== undefined) flow.runOnce = runOnce;
  const environment = environmentOf(raw['environment'], keyAt('environment'));
  if (environment) flow.environment = environment;
  const async = intKeyword(raw, 'async', keyAt, false);
  if (async !== undefined) flow.async = async;
  const poll = intKeyword(raw, 'poll', keyAt, false);
  if (poll !== undefined) flow.poll = poll;
  const throttle = intKeyword(raw, 'throttle', keyAt, false);
  if (throttle !== undefined) {
    if (typeof throttle !== 'number') throw new ConfigError('"throttle" must be a whole number (it cannot be a template)', keyAt('throttle'));
    flow.throttle = throttle;
  }
  const ignoreUnreachable = flag(raw, 'ignore_unreachable', keyAt);
  if (ignoreUnreachable !== undefined) flow.ignoreUnreachable = ignoreUnreachable;
  const fatal = flag(raw, 'any_errors_fatal', keyAt);
  if (fatal !== undefined) flow.anyErrorsFatal = fatal;
  return flow;
}

/** `environment:` as a list of what to merge: mappings (values may hold templates) or a template that renders to one. */
export function environmentOf(value: unknown, at: SourcePosition): unknown[] | undefined {
  if (value === undefined || value === null) return undefined;
  const list = Array.isArray(value) ? value : [value];
  for (const entry of list) {
    if (isPlainObject(entry)) {
      for (const [k, v] of Object.entries(entry)) {
        if (v !== null && typeof v === 'object') throw new ConfigError(`environment variable "${k}" must have a single value, found ${describeType(v)}`, at);
      }
    } else if (!(typeof entry === 'string' && entry.includes('{{'))) {
      throw new ConfigError(`"environment" must be a mapping of variable names to values (or a template of one), found ${describeType(entry)}`, at);
    }
  }
  return list;
}

function flag(raw: Vars, key: string, keyAt: KeyAt): boolean | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  const b = toBoolean(value);
  if (b === undefined) throw new ConfigError(`"${key}" must be a boolean (yes/no, true/false), found ${describeType(value)}`, keyAt(key));
  return b;
}

function intKeyword(raw: Vars, key: string, keyAt: KeyAt, allowNegative: boolean): IntKeyword | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' && value.includes('{{')) return { text: value, at: keyAt(key) };
  const n = toInt(value);
  if (n === undefined || (!allowNegative && n < 0)) throw new ConfigError(`"${key}" must be a whole number${allowNegative ? '' : ' (0 or more)'} or a template, found ${describeType(value)}`, keyAt(key));
  return n;
}

/** Ansible's int conversion of a keyword value: whole numbers, and text of one. */
export function toInt(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) return Number(value);
  return undefined;
}
