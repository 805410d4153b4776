/**
 * Python's rules for the values Jinja works on (Ansible's conditions run in Python): what is
 * true, what is equal, what can be compared or added. A boolean is a number (True == 1).
 * A TypeError of Python's is thrown as PythonTypeError with Python's message.
 */
export class PythonTypeError extends Error {}

type Mapping = Record<string, unknown>;

const isMapping = (v: unknown): v is Mapping => v !== null && typeof v === 'object' && !Array.isArray(v);
const isNumeric = (v: unknown): v is number | boolean => typeof v === 'number' || typeof v === 'boolean';
const num = (v: number | boolean): number => (typeof v === 'boolean' ? (v ? 1 : 0) : v);

export function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'string') return 'str';
  if (Array.isArray(v)) return 'list';
  return 'dict';
}

/** None, False, 0, '', [] and {} are false. */
export function truthy(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  if (isMapping(v)) return Object.keys(v).length > 0;
  return Boolean(v);
}

export function equal(a: unknown, b: unknown): boolean {
  if (isNumeric(a) && isNumeric(b)) return num(a) === num(b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equal(x, b[i]));
  if (isMapping(a) && isMapping(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.prototype.hasOwnProperty.call(b, k) && equal(a[k], b[k]));
  }
  return (a ?? null) === (b ?? null);
}

/** `<`, `>`, `<=`, `>=`: numbers with numbers, strings with strings, lists item by item. */
export function compare(op: '<' | '>' | '<=' | '>=', a: unknown, b: unknown): boolean {
  const order = ordering(a, b, op);
  return op === '<' ? order < 0 : op === '>' ? order > 0 : op === '<=' ? order <= 0 : order >= 0;
}

function ordering(a: unknown, b: unknown, op: string): number {
  if (isNumeric(a) && isNumeric(b)) return Math.sign(num(a) - num(b));
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      if (!equal(a[i], b[i])) return ordering(a[i], b[i], op);
    }
    return Math.sign(a.length - b.length);
  }
  throw new PythonTypeError(`'${op}' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`);
}

/** `item in container`: a substring, a list member, a mapping key. */
export function contains(container: unknown, item: unknown): boolean {
  if (typeof container === 'string') {
    if (typeof item !== 'string') throw new PythonTypeError(`'in <string>' requires string as left operand, not ${typeName(item)}`);
    return container.includes(item);
  }
  if (Array.isArray(container)) return container.some((x) => equal(x, item));
  if (isMapping(container)) return typeof item === 'string' || typeof item === 'number' ? Object.prototype.hasOwnProperty.call(container, String(item)) : false;
  throw new PythonTypeError(`argument of type '${typeName(container)}' is not iterable`);
}

export function arithmetic(op: '+' | '-' | '*' | '/' | '//' | '%' | '**', a: unknown, b: unknown): unknown {
  const unsupported = (): never => {
    throw new PythonTypeError(`unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`);
  };
  if (isNumeric(a) && isNumeric(b)) {
    const x = num(a);
    const y = num(b);
    if ((op === '/' || op === '//' || op === '%') && y === 0) throw new PythonTypeError(op === '/' ? 'division by zero' : 'integer division or modulo by zero');
    switch (op) {
      case '+':
        return x + y;
      case '-':
        return x - y;
      case '*':
        return x * y;
      case '/':
        return x / y;
      case '//':
        return Math.floor(x / y);
      case '%':
        return x - y * Math.floor(x / y);
      case '**':
        return x ** y;
    }
  }
  if (op === '+') {
    if (typeof a === 'string' && typeof b === 'string') return a + b;
    if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
    return unsupported();
  }
  if (op === '*') {
    const [seq, times] = isNumeric(b) ? [a, num(b)] : isNumeric(a) ? [b, num(a)] : [undefined, 0];
    if (typeof seq === 'string' && Number.isInteger(times)) return seq.repeat(Math.max(0, times));
    if (Array.isArray(seq) && Number.isInteger(times)) return Array.from({ length: Math.max(0, times) }, () => seq).flat();
  }
  return unsupported();
}

/** Python's repr() of a string: single quotes unless it has ' and no ", escapes for \\, the quote and controls. */
function stringRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  const body = text.replace(/[\\\n\r\t'"\x00-\x1f\x7f]/g, (c) => {
    if (c === '\\') return '\\\\';
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    if (c === "'" || c === '"') return c === quote ? `\\${c}` : c;
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
  return `${quote}${body}${quote}`;
}

/**
 * A value written into text by a template, as Ansible's Jinja writes it: None is nothing,
 * booleans are True/False, lists and mappings are Python's repr (`[1, 'a']`).
 */
export function templateText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  return pythonRepr(v);
}

/** Python's str(): what `~` joins and what a value looks like inside a message. */
export function pythonStr(v: unknown): string {
  return typeof v === 'string' ? v : pythonRepr(v);
}

export function pythonRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : v > 0 ? 'inf' : v < 0 ? '-inf' : 'nan';
  if (typeof v === 'string') return stringRepr(v);
  if (Array.isArray(v)) return `[${v.map(pythonRepr).join(', ')}]`;
  return `{${Object.entries(v as Mapping).map(([k, x]) => `${pythonRepr(k)}: ${pythonRepr(x)}`).join(', ')}}`;
}
