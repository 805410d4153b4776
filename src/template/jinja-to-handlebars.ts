import type { Expression } from '../expr/ast.js';
import { parseExpression } from '../expr/expression.js';

/**
 * Rewrites a Jinja expression (`x | default('a')`, `groups['m'] | length`, `hostvars[h]['f']`,
 * `a == b`) as the Handlebars expression that does the same here (`default x 'a'`, `length
 * groups.[m]`, `hostvar h 'f'`, `eq a b`), for error messages. Undefined when there is none.
 */
export function jinjaToHandlebars(expression: string): string | undefined {
  let tree: Expression;
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
function convert(node: Expression, top: boolean): string | undefined {
  const call = (name: string, args: (string | undefined)[]): string | undefined => {
    if (args.some((a) => a === undefined)) return undefined;
    const text = [name, ...args].join(' ');
    return top ? text : `(${text})`;
  };
  const nested = (name: string, args: (string | undefined)[]): string | undefined => (args.includes(undefined) ? undefined : `(${[name, ...args].join(' ')})`);
  switch (node.type) {
    case 'name':
      return node.name;
    case 'literal':
      return node.value === null ? 'null' : typeof node.value === 'boolean' ? String(node.value) : node.raw;
    case 'getattr':
    case 'getitem':
      return member(node, top);
    case 'unary':
      if (node.op === 'not') return call('not', [convert(node.operand, false)]);
      if (node.op === '-' && node.operand.type === 'literal') return `-${node.operand.raw}`;
      return undefined;
    case 'filter': {
      if (node.kwargs.length > 0) return undefined;
      return call(RENAMED[node.name] ?? node.name, [node.value, ...node.args].map((a) => convert(a, false)));
    }
    case 'compare': {
      if (node.ops.length !== 1) return undefined;
      const [{ op, operand }] = node.ops as [(typeof node.ops)[number]];
      const left = convert(node.first, false);
      const right = convert(operand, false);
      if (op === 'in') return call('contains', [right, left]);
      if (op === 'not in') return call('not', [nested('contains', [right, left])]);
      if (op === '<=') return call('not', [nested('gt', [left, right])]);
      if (op === '>=') return call('not', [nested('lt', [left, right])]);
      const helper = OPERATORS[op];
      return helper ? call(helper, [left, right]) : undefined;
    }
    case 'binary': {
      // Jinja's + joins strings; add is arithmetic only.
      if (node.op === '+' && [node.left, node.right].some((n) => n.type === 'literal' && typeof n.value === 'string')) return undefined;
      const helper = OPERATORS[node.op];
      return helper ? call(helper, [convert(node.left, false), convert(node.right, false)]) : undefined;
    }
    case 'call': {
      if (node.callee.type !== 'name' || node.kwargs.length > 0) return undefined;
      const args = node.args.map((a) => convert(a, false));
      // lookup('file', path) is the `file` helper; other lookups have no equivalent.
      if (node.callee.name === 'lookup') return args[0]?.replace(/^['"]|['"]$/g, '') === 'file' ? call('file', args.slice(1)) : undefined;
      return call(RENAMED[node.callee.name] ?? node.callee.name, args);
    }
    default:
      return undefined;
  }
}

/** `a.b`, `a['b']` → `a.[b]` (bare when it is a plain name), `hostvars[h]['f']` → `hostvar h 'f'`, `a[k]` → `lookup a k`. */
function member(node: Expression, top: boolean): string | undefined {
  const path: string[] = [];
  let current: Expression = node;
  while (current.type === 'getattr' || current.type === 'getitem') {
    if (current.type === 'getattr') path.unshift(current.name);
    else if (current.key.type === 'literal') path.unshift(String(current.key.value));
    else if (current.object.type === 'name' && current.object.name === 'hostvars') {
      const host = convert(current.key, false);
      const text = `hostvar ${host} '${path.join('.')}'`;
      return path.length === 0 || host === undefined ? undefined : top ? text : `(${text})`;
    } else {
      const object = convert(current.object, false);
      const k = convert(current.key, false);
      if (object === undefined || k === undefined || path.length > 0) return undefined;
      return top ? `lookup ${object} ${k}` : `(lookup ${object} ${k})`;
    }
    current = current.object;
  }
  const base = convert(current, false);
  if (base === undefined) return undefined;
  return [base, ...path.map((p) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(p) ? p : `[${p}]`))].join('.');
}
