import jsep from 'jsep';
import { ConfigError, type SourcePosition } from '../errors.js';
import { filters, tests } from '../template/filters.js';
import type { Vars } from '../util/data.js';

/**
 * Ansible's bare condition form (`inventory_hostname != item and x is defined`), parsed by jsep
 * and evaluated here over plain data: no JavaScript globals, no prototype access, and only the
 * whitelisted filters and tests can be called.
 */
jsep.addBinaryOp('or', 1);
jsep.addBinaryOp('and', 2);
jsep.addBinaryOp('in', 7);
jsep.addBinaryOp('not in', 7);
jsep.addBinaryOp('is', 7);
jsep.addBinaryOp('is not', 7);
jsep.addUnaryOp('not');
jsep.removeBinaryOp('|');
jsep.addBinaryOp('|', 13); // filters bind tighter than comparisons and arithmetic, as in Jinja
jsep.addLiteral('True', true);
jsep.addLiteral('False', false);
jsep.addLiteral('None', null);
jsep.addLiteral('true', true);
jsep.addLiteral('false', false);

export type Expression = jsep.Expression;

const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor']);

/** Thrown at run time; the caller turns it into a task failure naming task and file:line. */
export class ExpressionError extends Error {}

/** Ansible accepts `when: "{{ x }}"` too (with a warning); the braces are dropped. */
function unwrap(text: string): string {
  const m = /^\s*\{\{(.*)\}\}\s*$/s.exec(text);
  return m ? (m[1] ?? '') : text;
}

export function parseExpression(text: string, at?: SourcePosition): Expression {
  try {
    return jsep(unwrap(text));
  } catch (err) {
    const e = err as Error & { index?: number };
    const where = at && e.index !== undefined ? { ...at, col: at.col + e.index } : at;
    throw new ConfigError(`cannot parse condition "${text}": ${e.message.replace(/ at character \d+$/, '')}`, where);
  }
}

/** A value that was looked up and not found; only `is defined`/`default` may touch it. */
const UNDEFINED = Symbol('undefined');
type Value = unknown;

export function evaluate(expression: Expression, vars: Vars): unknown {
  const value = evalNode(expression, vars);
  if (value === UNDEFINED) throw new ExpressionError(`'${describe(expression)}' is undefined`);
  return value;
}

/** True or false as Jinja sees it (empty list, empty string, 0 and None are false). */
export function evaluateCondition(expression: Expression, vars: Vars): boolean {
  return truthy(evaluate(expression, vars));
}

function truthy(v: Value): boolean {
  if (Array.isArray(v)) return v.length > 0;
  if (v && typeof v === 'object') return Object.keys(v).length > 0;
  return Boolean(v);
}

function defined(v: Value, node: Expression): unknown {
  if (v === UNDEFINED) throw new ExpressionError(`'${describe(node)}' is undefined`);
  return v;
}

function evalNode(node: Expression, vars: Vars): Value {
  switch (node.type) {
    case 'Literal':
      return (node as jsep.Literal).value;
    case 'Identifier':
      return lookup(vars, (node as jsep.Identifier).name);
    case 'MemberExpression': {
      const m = node as jsep.MemberExpression;
      const object = evalNode(m.object, vars);
      const key = String(m.computed ? defined(evalNode(m.property, vars), m.property) : (m.property as jsep.Identifier).name);
      if (FORBIDDEN.has(key)) throw new ExpressionError(`"${key}" may not be used in a condition`);
      if (object === UNDEFINED || object === null || typeof object !== 'object') return UNDEFINED;
      return lookup(object as Vars, key);
    }
    case 'ArrayExpression':
      return (node as jsep.ArrayExpression).elements.map((e) => (e ? defined(evalNode(e, vars), e) : null));
    case 'UnaryExpression': {
      const u = node as jsep.UnaryExpression;
      const v = defined(evalNode(u.argument, vars), u.argument);
      if (u.operator === 'not' || u.operator === '!') return !truthy(v);
      if (u.operator === '-') return -Number(v);
      if (u.operator === '+') return Number(v);
      throw new ExpressionError(`operator ${u.operator} is not supported`);
    }
    case 'BinaryExpression':
      return binary(node as jsep.BinaryExpression, vars);
    case 'ConditionalExpression': {
      const c = node as jsep.ConditionalExpression;
      return truthy(defined(evalNode(c.test, vars), c.test)) ? evalNode(c.consequent, vars) : evalNode(c.alternate, vars);
    }
    default:
      throw new ExpressionError(`${node.type} is not allowed in a condition`);
  }
}

function binary(node: jsep.BinaryExpression, vars: Vars): Value {
  const { operator } = node;
  if (operator === 'and') return truthy(defined(evalNode(node.left, vars), node.left)) && truthy(defined(evalNode(node.right, vars), node.right));
  if (operator === 'or') return truthy(defined(evalNode(node.left, vars), node.left)) || truthy(defined(evalNode(node.right, vars), node.right));
  if (operator === 'is' || operator === 'is not') {
    const result = applyTest(node.right, evalNode(node.left, vars));
    return operator === 'is' ? result : !result;
  }
  if (operator === '|') return applyFilter(node.right, evalNode(node.left, vars), vars);
  const left = defined(evalNode(node.left, vars), node.left);
  const right = defined(evalNode(node.right, vars), node.right);
  switch (operator) {
    case '==':
    case '===':
      return equal(left, right);
    case '!=':
    case '!==':
      return !equal(left, right);
    case '<':
      return (left as number) < (right as number);
    case '>':
      return (left as number) > (right as number);
    case '<=':
      return (left as number) <= (right as number);
    case '>=':
      return (left as number) >= (right as number);
    case 'in':
      return contains(right, left);
    case 'not in':
      return !contains(right, left);
    case '+':
      return typeof left === 'number' && typeof right === 'number' ? left + right : String(left) + String(right);
    case '-':
      return Number(left) - Number(right);
    case '*':
      return Number(left) * Number(right);
    case '/':
      return Number(left) / Number(right);
    case '%':
      return Number(left) % Number(right);
    default:
      throw new ExpressionError(`operator ${operator} is not supported`);
  }
}

function applyTest(node: Expression, value: Value): boolean {
  const name = node.type === 'Identifier' ? (node as jsep.Identifier).name : undefined;
  const test = name !== undefined ? tests[name] : undefined;
  if (!test) throw new ExpressionError(`unknown test "${describe(node)}": use one of ${Object.keys(tests).join(', ')}`);
  return test(value === UNDEFINED ? undefined : value);
}

function applyFilter(node: Expression, value: Value, vars: Vars): Value {
  const call = node.type === 'CallExpression' ? (node as jsep.CallExpression) : undefined;
  const callee = call ? call.callee : node;
  const name = callee.type === 'Identifier' ? (callee as jsep.Identifier).name : '';
  const filter = Object.prototype.hasOwnProperty.call(filters, name) ? filters[name] : undefined;
  if (!filter) throw new ExpressionError(`unknown filter "${name || describe(node)}"`);
  const args = (call?.arguments ?? []).map((a) => defined(evalNode(a, vars), a));
  if (value === UNDEFINED && name !== 'default') throw new ExpressionError(`undefined value given to filter ${name}`);
  return filter(value === UNDEFINED ? undefined : value, ...args);
}

function lookup(object: Vars, key: string): Value {
  if (FORBIDDEN.has(key)) throw new ExpressionError(`"${key}" may not be used in a condition`);
  return Object.prototype.hasOwnProperty.call(object, key) ? object[key] : UNDEFINED;
}

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'object' || typeof b === 'object') return JSON.stringify(a) === JSON.stringify(b);
  return false;
}

function contains(container: unknown, item: unknown): boolean {
  if (typeof container === 'string') return container.includes(String(item));
  if (Array.isArray(container)) return container.some((x) => equal(x, item));
  if (container && typeof container === 'object') return Object.prototype.hasOwnProperty.call(container, String(item));
  return false;
}

function describe(node: Expression): string {
  switch (node.type) {
    case 'Identifier':
      return (node as jsep.Identifier).name;
    case 'Literal':
      return String((node as jsep.Literal).raw);
    case 'MemberExpression': {
      const m = node as jsep.MemberExpression;
      return m.computed ? `${describe(m.object)}[${describe(m.property)}]` : `${describe(m.object)}.${describe(m.property)}`;
    }
    default:
      return node.type;
  }
}
