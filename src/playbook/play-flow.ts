import { ConfigError, type SourcePosition } from '../errors.js';
import { describeType, isPlainObject, toBoolean, type Vars } from '../util/data.js';
import { environmentOf, toInt } from './flow-keywords.js';

/** One `vars_prompt` entry, as PlaybookExecutor reads it. */
export interface VarsPrompt {
  readonly name: string;
  readonly prompt: string;
  readonly default: unknown;
  readonly private: boolean;
  readonly confirm: boolean;
  readonly at: SourcePosition;
}

/** A `serial` entry: a number of hosts, or a percentage of the play's hosts ("30%"). */
export type SerialSize = number | `${number}%`;

/**
 * The play's flow keywords (issue 9 §3): batches, strategy, failure limits, and what its tasks
 * inherit (any_errors_fatal, ignore_unreachable, throttle, environment). Absent when the play uses none.
 */
export interface PlayFlow {
  /** `serial:` as a list (a single value is a list of one); absent: one batch of every host. */
  readonly serial?: readonly SerialSize[];
  readonly strategy?: 'linear' | 'free';
  readonly anyErrorsFatal?: boolean;
  readonly maxFailPercentage?: number;
  readonly ignoreUnreachable?: boolean;
  readonly throttle?: number;
  readonly environment?: readonly unknown[];
  readonly varsPrompt?: readonly VarsPrompt[];
}

export const PLAY_FLOW_KEYWORDS = ['serial', 'strategy', 'any_errors_fatal', 'max_fail_percentage', 'ignore_unreachable', 'throttle', 'environment', 'vars_prompt'] as const;

type KeyAt = (key: string) => SourcePosition;

export function parsePlayFlow(raw: Vars, keyAt: KeyAt): PlayFlow | undefined {
  if (!PLAY_FLOW_KEYWORDS.some((k) => raw[k] !== undefined)) return undefined;
  const flow: { -readonly [K in keyof PlayFlow]: PlayFlow[K] } = {};
  if (raw['serial'] !== undefined && raw['serial'] !== null) flow.serial = serialOf(raw['serial'], keyAt('serial'));
  const strategy = raw['strategy'];
  if (strategy !== undefined && strategy !== null) {
    const name = String(strategy).replace(/^ansible\.builtin\./, '');
    if (name !== 'linear' && name !== 'free') throw new ConfigError(`strategy "${String(strategy)}" is not supported (use linear or free)`, keyAt('strategy'));
    flow.strategy = name;
  }
  const fatal = flag(raw, 'any_errors_fatal', keyAt);
  if (fatal !== undefined) flow.anyErrorsFatal = fatal;
  const pct = raw['max_fail_percentage'];
  if (pct !== undefined && pct !== null) {
    const n = typeof pct === 'number' ? pct : typeof pct === 'string' && /^\s*\d+(\.\d+)?\s*%?\s*$/.test(pct) ? Number(pct.replace('%', '')) : NaN;
    if (!(n >= 0 && n <= 100)) throw new ConfigError(`"max_fail_percentage" must be a number from 0 to 100, found ${describeType(pct)}`, keyAt('max_fail_percentage'));
    flow.maxFailPercentage = n;
  }
  const unreachable = flag(raw, 'ignore_unreachable', keyAt);
  if (unreachable !== undefined) flow.ignoreUnreachable = unreachable;
  const throttle = raw['throttle'];
  if (throttle !== undefined && throttle !== null) {
    const n = toInt(throttle);
    if (n === undefined || n < 0) throw new ConfigError(`"throttle" must be a whole number (0 or more), found ${describeType(throttle)}`, keyAt('throttle'));
    flow.throttle = n;
  }
  const environment = environmentOf(raw['environment'], keyAt('environment'));
  if (environment) flow.environment = environment;
  if (raw['vars_prompt'] !== undefined && raw['vars_prompt'] !== null) flow.varsPrompt = varsPromptOf(raw['vars_prompt'], keyAt('vars_prompt'));
  return flow;
}

/** `serial: 2`, `serial: "30%"`, `serial: [1, 5, "50%"]`. */
function serialOf(value: unknown, at: SourcePosition): SerialSize[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((entry) => {
    if (typeof entry === 'string' && /^\s*\d+(\.\d+)?%\s*$/.test(entry)) return `${Number(entry.trim().slice(0, -1))}%` as const;
    const n = toInt(entry);
    if (n === undefined) throw new ConfigError(`"serial" must be a number of hosts, a percentage ("30%") or a list of them, found ${describeType(entry)}`, at);
    return n;
  });
}

const PROMPT_KEYS = new Set(['name', 'prompt', 'default', 'private', 'confirm', 'encrypt', 'salt_size', 'salt', 'unsafe']);

function varsPromptOf(value: unknown, at: SourcePosition): VarsPrompt[] {
  if (!Array.isArray(value)) throw new ConfigError(`"vars_prompt" must be a list of prompts, found ${describeType(value)}`, at);
  return value.map((entry) => {
    if (!isPlainObject(entry)) throw new ConfigError(`a vars_prompt entry must be a mapping, found ${describeType(entry)}`, at);
    for (const key of Object.keys(entry)) {
      if (!PROMPT_KEYS.has(key)) throw new ConfigError(`"${key}" is not a vars_prompt option (use name, prompt, default, private, confirm)`, at);
      if (key === 'encrypt' || key === 'salt_size' || key === 'salt') throw new ConfigError(`vars_prompt "${key}" is not supported by provision yet`, at);
    }
    const name = entry['name'];
    if (typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new ConfigError('a vars_prompt entry needs "name", a variable name', at);
    const bool = (key: string, fallback: boolean): boolean => {
      if (entry[key] === undefined || entry[key] === null) return fallback;
      const b = toBoolean(entry[key]);
      if (b === undefined) throw new ConfigError(`vars_prompt "${key}" must be a boolean`, at);
      return b;
    };
    return { name, prompt: entry['prompt'] === undefined || entry['prompt'] === null ? name : String(entry['prompt']), default: entry['default'], private: bool('private', true), confirm: bool('confirm', false), at };
  });
}

function flag(raw: Vars, key: string, keyAt: KeyAt): boolean | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  const b = toBoolean(value);
  if (b === undefined) throw new ConfigError(`"${key}" must be a boolean (yes/no, true/false), found ${describeType(value)}`, keyAt(key));
  return b;
}

/**
 * The batches of a play's hosts, as PlaybookExecutor._get_serialized_batches: each `serial`
 * entry in turn (a percentage of all the play's hosts, at least 1), the last one repeated; 0 or
 * less takes the rest.
 */
export function serialBatches(hosts: readonly string[], serial: readonly SerialSize[] | undefined): string[][] {
  const sizes = serial && serial.length > 0 ? serial : [-1];
  const left = [...hosts];
  const batches: string[][] = [];
  let index = 0;
  while (left.length > 0) {
    const entry = sizes[index] ?? -1;
    const size = typeof entry === 'string' ? Math.trunc((Number(entry.slice(0, -1)) / 100) * hosts.length) || 1 : entry;
    if (size <= 0) {
      batches.push(left.splice(0));
      break;
    }
    batches.push(left.splice(0, size));
    index = Math.min(index + 1, sizes.length - 1);
  }
  return batches;
}
