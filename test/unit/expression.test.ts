import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError } from '../../src/errors.js';
import { evaluate, evaluateCondition, ExpressionError, parseExpression } from '../../src/expr/expression.js';

const when = (text: string, vars: Record<string, unknown>): boolean => evaluateCondition(parseExpression(text), vars);

describe('conditions (Ansible bare expressions)', () => {
  const vars = { inventory_hostname: 'a', item: 'b', x: 1, list: ['a', 'b'], result: { changed: true, rc: 0 }, empty: [], s: 'hello' };
  test('comparisons, and/or/not, in/not in', () => {
    assert.equal(when('inventory_hostname != item and x is defined', vars), true);
    assert.equal(when('not (x == 1) or item in list', vars), true);
    assert.equal(when("'c' not in list", vars), true);
    assert.equal(when('x >= 2', vars), false);
    assert.equal(when("s == 'hello' and list[1] == 'b'", vars), true);
    assert.equal(when('empty', vars), false, 'an empty list is false, as in Jinja');
  });
  test('tests and filters', () => {
    assert.equal(when('missing is not defined', vars), true);
    assert.equal(when('missing is undefined', vars), true);
    assert.equal(when('result is changed', vars), true);
    assert.equal(when('result is failed', vars), false);
    assert.equal(when("missing | default('z') == 'z'", vars), true);
    assert.equal(when('list | length == 2', vars), true);
    assert.equal(when("'3' | int + 1 == 4", vars), true);
    assert.equal(when('True and not False', vars), true);
    assert.equal(when('{{ x == 1 }}', vars), true, 'braces are accepted as Ansible does');
  });
  test("Jinja's precedence: not is looser than is, ==, in; filters bind to the unary minus (each checked with Jinja 3.1, as ansible-core 2.14 runs it)", () => {
    const v = { x: 1, list: [1, 2, 3], s: 'hey', n: null };
    const cases: [string, unknown][] = [
      ['not x is defined', false],
      ['not y is defined', true],
      ['not 1 == 2', true],
      ['not 1 in [1]', false],
      ['not x == 1 and y is undefined', false],
      ['1 + 2 is number', 2],
      ['-2 | abs', 2],
      ['- x ** 2', 1],
      ['2 ** 3 ** 2', 64],
      ['7 // 2', 3],
      ['7 % -3', -2],
      ['-7 // 2', -4],
      ['[1,2] + [3]', [1, 2, 3]],
      ["'ab' * 2", 'abab'],
      ["0 or 'x'", 'x'],
      ['1 and 0', 0],
      ['1 < 2 < 3', true],
      ['3 > 2 > 2', false],
      ['1 == 1.0', true],
      ['true == 1', true],
      ["{'a':1,'b':2} == {'b':2,'a':1}", true],
      ["'a' ~ 1 ~ none", 'a1None'],
      ["'b' in 'abc'", true],
      ["'z' not in {'a':1}", true],
      ["x if y is defined else 'n'", 'n'],
      ['1 if false else 2 if true else 3', 2],
      ['list[-1]', 3],
      ['list[1:]', [2, 3]],
      ['list[::-1]', [3, 2, 1]],
      ["'hello'[1:3]", 'el'],
      ['s.0', 'h'],
      ['x is divisibleby 1', true],
      ["'s' is sequence", true],
      ['true is number', true],
      ['n | default(5)', null],
      ['n | default(5, true)', 5],
      ["'' | default('e', true)", 'e'],
      ['x in [1, 2] and not s is string', false],
      ["'a' 'b'", 'ab'],
      ['x == 1 or y.z is defined', true],
    ];
    for (const [text, expected] of cases) assert.deepEqual(evaluate(parseExpression(text), v), expected, text);
    assert.throws(() => evaluate(parseExpression("1 < 'a'"), v), /'<' not supported between instances of 'int' and 'str'/);
    assert.throws(() => parseExpression('x ? 1 : 2'), /a if c else b/);
  });
  test('an undefined variable is an error naming it', () => {
    assert.throws(() => when('nothing.here == 1', vars), (e: unknown) => e instanceof ExpressionError && /'nothing\.here' is undefined/.test((e as Error).message));
  });
  test('no way out to JavaScript', () => {
    assert.throws(() => evaluate(parseExpression('s.constructor'), vars), /may not be used/);
    assert.throws(() => evaluate(parseExpression("s['__proto__']"), vars), /may not be used/);
    assert.throws(() => evaluate(parseExpression('s.toString()'), vars), /not allowed/);
    assert.throws(() => evaluate(parseExpression('x | constructor'), vars), /unknown filter/);
    assert.throws(() => evaluate(parseExpression('s.trim'), vars), /is undefined/, 'own data only, no prototype methods');
  });
  test('a syntax error is a ConfigError with its column', () => {
    assert.throws(
      () => parseExpression('(a and', { file: 'p.yml', line: 3, col: 13 }),
      (e: unknown) => e instanceof ConfigError && /^p\.yml:3:\d+: cannot parse condition "\(a and"/.test((e as Error).message),
    );
  });
});
