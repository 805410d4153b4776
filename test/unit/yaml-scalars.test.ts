import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseYaml } from '../../src/config/yaml.js';

/** Each row as ansible-core 2.14's AnsibleLoader (PyYAML) reads `v: <text>`. */
const PYYAML: [string, unknown][] = [
  ['y', 'y'], ['Y', 'Y'], ['n', 'n'], ['N', 'N'],
  ['yes', true], ['Yes', true], ['YES', true], ['yEs', 'yEs'], ['no', false],
  ['on', true], ['On', true], ['ON', true], ['off', false],
  ['true', true], ['True', true], ['TRUE', true], ['tRue', 'tRue'], ['false', false],
  ['0644', 420], ['0o644', '0o644'], ['0x1F', 31], ['0b101', 5], ['1_000', 1000], ['+12', 12], ['-12', -12],
  ['012', 10], ['09', '09'], ['00', 0], ['0_7', 7], ['1__0', 10], ['_1', '_1'], ['1,000', '1,000'],
  ['1.5', 1.5], ['1e3', '1e3'], ['1.0e3', '1.0e3'], ['1.5e+3', 1500], ['.5', 0.5], ['-.5', '-.5'], ['+.5', '+.5'], ['0.', 0], ['+0.5', 0.5],
  ['.inf', Infinity], ['-.Inf', -Infinity],
  ['1:20', 80], ['190:20:30', 685230], ['1.5:20', '1.5:20'],
  ['~', null], ['null', null], ['Null', null], ['NULL', null], ['nUll', 'nUll'],
  // PyYAML makes dates of these; they stay the text written here.
  ['2001-12-14', '2001-12-14'],
];

describe('YAML scalars as PyYAML resolves them (ansible-core reads YAML 1.1 with it)', () => {
  test('booleans are yes/no/true/false/on/off only; ints and floats by PyYAML regexes', () => {
    for (const [text, expected] of PYYAML) {
      assert.deepEqual((parseYaml(`v: ${text}`, 't.yml').data as { v: unknown }).v, expected, text);
    }
    assert.ok(Number.isNaN((parseYaml('v: .NaN', 't.yml').data as { v: unknown }).v));
  });
  test('quoted scalars stay strings; explicit tags still convert', () => {
    assert.deepEqual(parseYaml("a: 'yes'\nb: \"0644\"\nc: !!int '0x10'\nd: !!str yes", 't.yml').data, { a: 'yes', b: '0644', c: 16, d: 'yes' });
  });
});
