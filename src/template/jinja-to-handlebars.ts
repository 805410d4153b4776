import type jsep from 'jsep';
import { parseExpression } from '../expr/expression.js';

/**
 * Rewrites a Jinja expression (`x | default('a')`, `groups['m'] | length`, `hostvars[h]['f']`,
 * `a == b`) as the Handlebars expression that does the same here (`default x 'a'`, `length
 * groups.[m]`, `hostvar h 'f'`, `eq a b`), for error messages. Undefined when there is none.
 */
export function jinjaToHandlebars(expression: string): string | undefined {
  let tree: jsep.Expression;
  try {
    tree = parseExpression(expression);
  } catch {
    return undefined;
  }
  return convert(tree, true);
}

const OPERATORS: Record<string, string> = {
  '==': 'eq', '!=': 'ne', '<': 'lt', '>': 'gt', and: 'and', or: 'or', '+': 'add', '-': 'sub', '*': 'mul', '/': 'div',
};

/** Jinja filters whose helper has another name here. */
const RENAMED: Record<string, string> = { d: 'default', count: 'length', bool: 'bool' };

/** `top`: a whole mustache (a call needs no parentheses); otherwise a value inside one. */
function convert(node: jsep.Expression, top: boolean): string | undefined {
  const call = (name: string, args: (string | undefined)[]): string | undefined => {
    if (args.some((a) => a === undefined)) return undefined;
    const text = [name, ...args].join(' ');
    return top ? text : `(${text})`;
  };
  switch (node.type) {
    case 'Identifier':
      return (node as jsep.Identifier).name;
    case 'Literal': {
      const literal = node as jsep.Literal;
      return literal.value === null ? 'null' : typeof literal.value === 'boolean' ? String(literal.value) : String(literal.raw);
    }
    case 'MemberExpression':
      return member(node as jsep.MemberExpression, top);
    case 'UnaryExpression': {
      const u = node as jsep.UnaryExpression;
      if (u.operator === 'not' || u.operator === '!') return call('not', [convert(u.argument, false)]);
      if (u.operator === '-' && u.argument.type === 'Literal') return `-${String((u.argument as jsep.Literal).raw)}`;
      return undefined;
    }
    case 'BinaryExpression': {
      const b = node as jsep.BinaryExpression;
      if (b.operator === '|') return filter(b.left, b.right, top);
      const left = convert(b.left, false);
      const right = convert(b.right, false);
      const nested = (name: string, args: (string | undefined)[]): string | undefined => (args.includes(undefined) ? undefined : `(${[name, ...args].join(' ')})`);
      if (b.operator === 'in') return call('contains', [right, left]);
      if (b.operator === 'not in') return call('not', [nested('contains', [right, left])]);
      if (b.operator === '<=') return call('not', [nested('gt', [left, right])]);
      if (b.operator === '>=') return call('not', [nested('lt', [left, right])]);
      // Jinja's + joins strings; add is arithmetic only.
      if (b.operator === '+' && [b.left, b.right].some((n) => n.type === 'Literal' && typeof (n as jsep.Literal).value === 'string')) return undefined;
      const helper = OPERATORS[b.operator];
      return helper ? call(helper, [left, right]) : undefined;
    }
    case 'CallExpression': {
      const c = node as jsep.CallExpression;
      if (c.callee.type !== 'Identifier') return undefined;
      const name = (c.callee as jsep.Identifier).name;
      const args = c.arguments.map((a) => convert(a, false));
      // lookup('file', path) is the `file` helper; other lookups have no equivalent.
      if (name === 'lookup') return args[0]?.replace(/^['"]|['"]$/g, '') === 'file' ? call('file', args.slice(1)) : undefined;
      return call(RENAMED[name] ?? name, args);
    }
    default:
      return undefined;
  }
}

/** `x | f` and `x | f(a, b)`: the helper first, the value as its first argument. */
function filter(value: jsep.Expression, applied: jsep.Expression, top: boolean): string | undefined {
  const isCall = applied.type === 'CallExpression';
  const callee = isCall ? (applied as jsep.CallExpression).callee : applied;
  if (callee.type !== 'Identifier') return undefined;
  const name = (callee as jsep.Identifier).name;
  const args = [value, ...(isCall ? (applied as jsep.CallExpression).arguments : [])].map((a) => convert(a, false));
  if (args.some((a) => a === undefined)) return undefined;
  const text = [RENAMED[name] ?? name, ...args].join(' ');
  return top ? text : `(${text})`;
}

/** `a.b`, `a['b']` → `a.[b]` (bare when it is a plain name), `hostvars[h]['f']` → `hostvar h 'f'`, `a[k]` → `lookup a k`. */
function member(node: jsep.MemberExpression, top: boolean): string | undefined {
  const path: string[] = [];
  let current: jsep.Expression = node;
  while (current.type === 'MemberExpression') {
    const m = current as jsep.MemberExpression;
    const key = m.property;
    if (!m.computed) path.unshift((key as jsep.Identifier).name);
    else if (key.type === 'Literal') path.unshift(String((key as jsep.Literal).value));
    else if (m.object.type === 'Identifier' && (m.object as jsep.Identifier).name === 'hostvars') {
      const host = convert(key, false);
      const text = `hostvar ${host} '${path.join('.')}'`;
      return path.length === 0 || host === undefined ? undefined : top ? text : `(${text})`;
    } else {
      const object = convert(m.object, false);
      const k = convert(key, false);
      if (object === undefined || k === undefined || path.length > 0) return undefined;
      return top ? `lookup ${object} ${k}` : `(lookup ${object} ${k})`;
    }
    current = m.object;
  }
  const base = convert(current, false);
  if (base === undefined) return undefined;
  return [base, ...path.map((p) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(p) ? p : `[${p}]`))].join('.');
}
