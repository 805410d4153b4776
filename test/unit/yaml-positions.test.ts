import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseYaml, valueLocator } from '../../src/config/yaml.js';
import { ConfigError } from '../../src/errors.js';

const failsWith = (message: string) => (e: unknown) => e instanceof ConfigError && e.message === message;

describe('YAML: hostile aliases are errors, not crashes', () => {
  test('an alias inside its own anchor', () => {
    assert.throws(() => parseYaml('a: &x [*x]\n', 'f.yml'), failsWith('f.yml:1:8: invalid YAML: alias *x is inside its own anchor'));
  });
  test('an alias to no anchor', () => {
    assert.throws(() => parseYaml('a: 1\nb: *nowhere\n', 'f.yml'), failsWith('f.yml:2:4: invalid YAML: alias *nowhere names no anchor before it'));
  });
  test('aliases that expand without end', () => {
    const rows = ['a: &a [1]'];
    for (const [prev, name] of [['a', 'b'], ['b', 'c'], ['c', 'd'], ['d', 'e'], ['e', 'f'], ['f', 'g']]) rows.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    assert.throws(() => parseYaml(`${rows.join('\n')}\n`, 'f.yml'), (e: unknown) => e instanceof ConfigError && /^f\.yml:\d+:\d+: invalid YAML: aliases expand to more than 100000 values$/.test(e.message));
  });
  test('ordinary aliases and merge keys still work', () => {
    assert.deepEqual(parseYaml('a: &a {x: 1}\nb: *a\nc:\n  <<: *a\n  z: 2\n', 'f.yml').data, { a: { x: 1 }, b: { x: 1 }, c: { x: 1, z: 2 } });
  });
});

describe('YAML: positions inside string values', () => {
  const text = [
    'plain: x {{a | b}} y',
    "single: 'it''s {{a | b}}'",
    'double: "tab\\t{{a | b}}"',
    'lit: |',
    '  line one',
    '    {{a | b}}',
    'fold: >-',
    '  folded text',
    '  and {{a | b}}',
    'list:',
    '  - "  {{a | b}}"',
    '',
  ].join('\n');
  const data = parseYaml(text, 'f.yml').data as Record<string, unknown>;
  const where = (container: unknown, key: string | number): string => {
    const value = (container as Record<string | number, string>)[key] as string;
    const lines = value.split('\n');
    const line = lines.findIndex((l) => l.includes('{{'));
    const p = valueLocator(container, key)?.(line + 1, (lines[line] ?? '').indexOf('{{'));
    return `${p?.line}:${p?.col}`;
  };
  test('plain, quoted (with escapes), literal and folded blocks, list items', () => {
    assert.equal(where(data, 'plain'), '1:10');
    assert.equal(where(data, 'single'), '2:16');
    assert.equal(where(data, 'double'), '3:15');
    assert.equal(where(data, 'lit'), '6:5');
    assert.equal(where(data, 'fold'), '9:7');
    assert.equal(where(data['list'], 0), '11:8');
  });
});
