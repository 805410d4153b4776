import { ConfigError, type SourcePosition } from '../errors.js';
import { positionOf } from '../config/yaml.js';
import { describeType, isPlainObject, toBoolean } from '../util/data.js';
import type { LoopControl } from './model.js';

const KEYS = new Set(['loop_var', 'index_var', 'label', 'pause', 'extended', 'extended_allitems']);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `loop_control:` as Ansible's LoopControl reads it; a key it does not have is an error there too. */
export function parseLoopControl(raw: unknown, at: SourcePosition): LoopControl {
  if (raw === undefined || raw === null) return { loopVar: 'item', indexVar: undefined, label: undefined, pauseSeconds: 0, extended: false, extendedAllItems: true };
  if (!isPlainObject(raw)) throw new ConfigError(`"loop_control" must be a mapping, found ${describeType(raw)}`, at);
  const keyAt = (k: string): SourcePosition => positionOf(raw, k) ?? at;
  for (const key of Object.keys(raw)) if (!KEYS.has(key)) throw new ConfigError(`"${key}" is not a loop_control option (use ${[...KEYS].join(', ')})`, keyAt(key));
  const name = (key: string): string | undefined => {
    const value = raw[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' || !NAME.test(value)) throw new ConfigError(`loop_control.${key} must be a variable name`, keyAt(key));
    return value;
  };
  const flag = (key: string, fallback: boolean): boolean => {
    if (raw[key] === undefined) return fallback;
    const b = toBoolean(raw[key]);
    if (b === undefined) throw new ConfigError(`loop_control.${key} must be a boolean`, keyAt(key));
    return b;
  };
  const pause = raw['pause'] ?? 0;
  if (typeof pause !== 'number' || !(pause >= 0)) throw new ConfigError('loop_control.pause must be a number of seconds', keyAt('pause'));
  const label = raw['label'];
  if (label !== undefined && label !== null && typeof label === 'object') throw new ConfigError('loop_control.label must be text (a template)', keyAt('label'));
  return {
    loopVar: name('loop_var') ?? 'item',
    indexVar: name('index_var'),
    label: label === undefined || label === null ? undefined : String(label),
    pauseSeconds: pause,
    extended: flag('extended', false),
    extendedAllItems: flag('extended_allitems', true),
  };
}
