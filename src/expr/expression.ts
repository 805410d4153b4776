import { ConfigError, type SourcePosition } from '../errors.js';
import { filters } from '../template/filters.js';
import type { Vars } from '../util/data.js';
import type { Expression } from './ast.js';
import { SyntaxProblem } from './lexer.js';
import { parse } from './parser.js';
import { arithmetic, compare, contains, equal, PythonTypeError, pythonStr, truthy } from '../util/python-values.js';
import { TESTS } from './tests.js';

export type { Expression } from './ast.js';

/**
 * Ansible's bare condition form (`inventory_hostname != item and x is not defined`), parsed with
 * Jinja's grammar and evaluated with Python's rules over plain data: no JavaScript globals, no
 * prototype access, no calls, and only the whitelisted filters and tests.
 */

const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor']);

/** Thrown at run time; the caller turns it into a task failure naming task and file:line. */
export class ExpressionError extends Error {}

/** Ansible accepts `when: "{{ x }}"` too (with a warning); the braces are dropped. */
function unwrap(text: string): { body: string; offset: number } {
  const m = /^(\s*\{\{)(.*)\}\}\s*$/s.exec(text);
  return m ? { body: m[2] ?? '', offset: (m[1] ?? '').length } : { body: text, offset: 0 };
}

export function parseExpression(text: string, at?: SourcePosition): Expression {
  const { body, offset } = unwrap(text);
  try {
    return parse(body);
  } catch (err) {
    if (!(err instanceof SyntaxProblem)) throw err;
    const where = at ? { ...at, col: at.col + offset + err.at } : at;
    throw new ConfigError(`cannot parse condition "${text}": ${err.message}`, where);
  }
}

/** A value that was looked up and not found; only `is defined`/`default` may touch it. */
const UNDEFINED = Symbol('undefined');
type Value = unknown;

export function evaluate(expression: Expression, vars: Vars): unknown {
  const value = guarded(() => evalNode(expression, vars));
  if (value === UNDEFINED) throw new ExpressionError(`'${describe(expression)}' is undefined`);
  return value;
}

/** True or false as Jinja's `{% if %}` decides (empty list, empty string, 0 and None are false). */
export function evaluateCondition(expression: Expression, vars: Vars): boolean {
  return truthy(evaluate(expression, vars));
}

/** Python's TypeErrors (`'<' not supported between 'str' and 'int'`) are the condition's error. */
function guarded<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof PythonTypeError) throw new ExpressionError(err.message);
    throw err;
  }
}

function defined(v: Value, node: Expression): unknown {
  if (v === UNDEFINED) throw new ExpressionError(`'${describe(node)}' is undefined`);
  return v;
}

function value(node: Expression, vars: Vars): unknown {
  return defined(evalNode(node, vars), node);
}

function evalNode(node: Expression, vars: Vars): Value {
  switch (node.type) {
    case 'literal':
      return node.value;
    case 'name':
      return lookup(vars, node.name);
    case 'list':
      return node.items.map((item) => value(item, vars));
    case 'dict': {
      const out: Vars = {};
      for (const [k, v] of node.entries) {
        const key = pythonStr(value(k, vars));
        if (FORBIDDEN.has(key)) throw new ExpressionError(`"${key}" may not be used in a condition`);
        out[key] = value(v, vars);
      }
      return out;
    }
    case 'getattr':
      return member(evalNode(node.object, vars), node.name);
    case 'getitem':
      return member(evalNode(node.object, vars), value(node.key, vars));
    case 'slice':
      return slice(value(node.object, vars), node, vars);
    case 'unary': {
      const v = value(node.operand, vars);
      if (node.op === 'not') return !truthy(v);
      if (typeof v !== 'number' && typeof v !== 'boolean') throw new ExpressionError(`bad operand type for unary ${node.op}: '${typeof v}'`);
      return node.op === '-' ? -Number(v) : Number(v);
    }
    case 'binary': {
      // and/or give one of their operands, as in Python.
      if (node.op === 'and') {
        const left = value(node.left, vars);
        return truthy(left) ? value(node.right, vars) : left;
      }
      if (node.op === 'or') {
        const left = value(node.left, vars);
        return truthy(left) ? left : value(node.right, vars);
      }
      const left = value(node.left, vars);
      const right = value(node.right, vars);
      if (node.op === '~') return pythonStr(left) + pythonStr(right);
      return arithmetic(node.op, left, right);
    }
    case 'compare': {
      let left = value(node.first, vars);
      for (const { op, operand } of node.ops) {
        const right = value(operand, vars);
        if (!compareOnce(op, left, right)) return false;
        left = right;
      }
      return true;
    }
    case 'filter':
      return applyFilter(node, vars);
    case 'test': {
      const test = Object.prototype.hasOwnProperty.call(TESTS, node.name) ? TESTS[node.name] : undefined;
      if (!test) throw new ExpressionError(`unknown test "${node.name}": use one of ${Object.keys(TESTS).join(', ')}`);
      const subject = evalNode(node.value, vars);
      if (subject === UNDEFINED && node.name !== 'defined' && node.name !== 'undefined') defined(subject, node.value);
      const result = test(subject === UNDEFINED ? undefined : subject, ...node.args.map((a) => value(a, vars)));
      return node.negated ? !result : result;
    }
    case 'condexpr':
      if (truthy(value(node.test, vars))) return evalNode(node.then, vars);
      return node.otherwise ? evalNode(node.otherwise, vars) : UNDEFINED;
    case 'call':
      throw new ExpressionError(`calling ${describe(node.callee)}() is not allowed in a condition`);
  }
}

function compareOnce(op: string, left: unknown, right: unknown): boolean {
  switch (op) {
    case '==':
      return equal(left, right);
    case '!=':
      return !equal(left, right);
    case 'in':
      return contains(right, left);
    case 'not in':
      return !contains(right, left);
    default:
      return compare(op as '<' | '>' | '<=' | '>=', left, right);
  }
}

/** `a.b`, `a[k]`: a mapping's own key, a list's index (negative from the end), a string's character. */
function member(object: Value, key: unknown): Value {
  if (typeof key === 'string' && FORBIDDEN.has(key)) throw new ExpressionError(`"${key}" may not be used in a condition`);
  if (Array.isArray(object) || typeof object === 'string') {
    if (typeof key !== 'number' || !Number.isInteger(key)) return UNDEFINED;
    const index = key < 0 ? object.length + key : key;
    return index >= 0 && index < object.length ? object[index] : UNDEFINED;
  }
  if (object === UNDEFINED || object === null || typeof object !== 'object') return UNDEFINED;
  return lookup(object as Vars, pythonStr(key));
}

function slice(object: unknown, node: Extract<Expression, { type: 'slice' }>, vars: Vars): unknown {
  if (!Array.isArray(object) && typeof object !== 'string') throw new ExpressionError(`'${describe(node.object)}' cannot be sliced`);
  const bound = (n: Expression | undefined): number | undefined => {
    if (!n) return undefined;
    const v = value(n, vars);
    if (typeof v !== 'number' || !Number.isInteger(v)) throw new ExpressionError('slice indices must be integers');
    return v;
  };
  const step = bound(node.step) ?? 1;
  if (step === 0) throw new ExpressionError('slice step cannot be zero');
  const items = Array.isArray(object) ? object : [...object];
  const n = items.length;
  const clamp = (i: number | undefined, fallback: number): number => (i === undefined ? fallback : i < 0 ? Math.max(i + n, step < 0 ? -1 : 0) : Math.min(i, step < 0 ? n - 1 : n));
  const start = clamp(bound(node.start), step > 0 ? 0 : n - 1);
  const stop = clamp(bound(node.stop), step > 0 ? n : -1);
  const out: unknown[] = [];
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(items[i]);
  return typeof object === 'string' ? out.join('') : out;
}

/** Jinja's names for the helpers that have another name here. */
const FILTER_ALIASES: Record<string, string> = { d: 'default', count: 'length' };

function applyFilter(node: Extract<Expression, { type: 'filter' }>, vars: Vars): Value {
  const name = FILTER_ALIASES[node.name] ?? node.name;
  const filter = Object.prototype.hasOwnProperty.call(filters, name) ? filters[name] : undefined;
  if (!filter) throw new ExpressionError(`unknown filter "${node.name}"`);
  if (node.kwargs.length > 0) throw new ExpressionError(`filter ${node.name}: keyword arguments are not supported`);
  const subject = evalNode(node.value, vars);
  const args = node.args.map((a) => value(a, vars));
  if (name === 'default') {
    // Jinja: only an undefined value (or, with true, a false one) is replaced; None stays None.
    const [fallback = '', whenFalse = false] = args;
    return subject === UNDEFINED || (truthy(whenFalse) && !truthy(subject)) ? fallback : subject;
  }
  return filter(defined(subject, node.value), ...args);
}

function lookup(object: Vars, key: string): Value {
  if (FORBIDDEN.has(key)) throw new ExpressionError(`"${key}" may not be used in a condition`);
  return Object.prototype.hasOwnProperty.call(object, key) ? object[key] : UNDEFINED;
}

function describe(node: Expression): string {
  switch (node.type) {
    case 'name':
      return node.name;
    case 'literal':
      return node.raw;
    case 'getattr':
      return `${describe(node.object)}.${node.name}`;
    case 'getitem':
      return `${describe(node.object)}[${describe(node.key)}]`;
    case 'filter':
      return `${describe(node.value)} | ${node.name}`;
    default:
      return node.type === 'call' ? `${describe(node.callee)}(…)` : 'the expression';
  }
}
