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
