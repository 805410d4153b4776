import type { ScalarTag, Tags } from 'yaml';

/**
 * Plain scalars resolved as PyYAML's YAML 1.1 resolver does (ansible-core reads YAML with it):
 * booleans are yes/no, true/false, on/off only (`y` and `n` stay strings), `0644` is octal and
 * `09` a string, a float needs a dot (`1e3` is a string, `1.5e+3` a number), `1:20` is 80.
 * Dates stay the text written. These replace the yaml package's own 1.1 scalar tags.
 */

const BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const INT = /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const FLOAT = /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

/** PyYAML's construct_yaml_int. */
export function pyyamlInt(text: string): number {
  let value = text.replace(/_/g, '');
  let sign = 1;
  if (value[0] === '-' || value[0] === '+') {
    if (value[0] === '-') sign = -1;
    value = value.slice(1);
  }
  if (value === '0') return 0;
  if (value.startsWith('0b')) return sign * parseInt(value.slice(2), 2);
  if (value.startsWith('0x')) return sign * parseInt(value.slice(2), 16);
  if (value.startsWith('0')) return sign * parseInt(value, 8);
  if (value.includes(':')) return sign * sexagesimal(value);
  return sign * Number(value);
}

/** PyYAML's construct_yaml_float. */
export function pyyamlFloat(text: string): number {
  let value = text.replace(/_/g, '').toLowerCase();
  let sign = 1;
  if (value[0] === '-' || value[0] === '+') {
    if (value[0] === '-') sign = -1;
    value = value.slice(1);
  }
  if (value === '.inf') return sign * Infinity;
  if (value === '.nan') return NaN;
  if (value.includes(':')) return sign * sexagesimal(value);
  return sign * Number(value);
}

function sexagesimal(value: string): number {
  return value.split(':').reduce((total, part) => total * 60 + Number(part), 0);
}

const scalar = (tag: string, test: RegExp, resolve: (text: string) => unknown): ScalarTag => ({
  default: true,
  tag,
  test,
  resolve,
  identify: () => false,
});

const PYYAML_SCALARS: ScalarTag[] = [
  scalar('tag:yaml.org,2002:bool', BOOL, (text) => ['yes', 'true', 'on'].includes(text.toLowerCase())),
  scalar('tag:yaml.org,2002:int', INT, pyyamlInt),
  scalar('tag:yaml.org,2002:float', FLOAT, pyyamlFloat),
];

const REPLACED = new Set(['tag:yaml.org,2002:bool', 'tag:yaml.org,2002:int', 'tag:yaml.org,2002:float', 'tag:yaml.org,2002:timestamp']);

/** For the yaml package's `customTags` option, on top of its YAML 1.1 schema. */
export function pyyamlTags(tags: Tags): Tags {
  const kept = tags.filter((t) => typeof t === 'string' || !REPLACED.has(t.tag));
  return [...PYYAML_SCALARS, ...kept];
}
