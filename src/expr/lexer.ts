/** The tokens of a Jinja expression, read the way Jinja's lexer reads them (jinja2/lexer.py). */
export type TokenType = 'name' | 'string' | 'integer' | 'float' | 'op' | 'end';

export interface Token {
  readonly type: TokenType;
  /** The name, the operator, or the decoded string. */
  readonly value: string;
  /** The number, for integer and float tokens. */
  readonly number?: number;
  /** The token as written. */
  readonly raw: string;
  /** Offset in the expression text. */
  readonly at: number;
}

/** A problem at an offset of the expression text. */
export class SyntaxProblem extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
  }
}

// Longest first, as Jinja sorts its operators.
const OPERATORS = ['//', '**', '==', '!=', '>=', '<=', '+', '-', '/', '*', '%', '~', '[', ']', '(', ')', '{', '}', '>', '<', '=', '.', ':', '|', ',', ';'];
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const STRING = /'([^'\\]*(?:\\[\s\S][^'\\]*)*)'|"([^"\\]*(?:\\[\s\S][^"\\]*)*)"/y;
const FLOAT = /(?<!\.)(?:\d+_)*\d+(?:(?:\.(?:\d+_)*\d+)?e[+-]?(?:\d+_)*\d+|\.(?:\d+_)*\d+)/iy;
const INTEGER = /0b(?:_?[01])+|0o(?:_?[0-7])+|0x(?:_?[\da-f])+|[1-9](?:_?\d)*|0(?:_?0)*/iy;

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const at = (re: RegExp): RegExpExecArray | null => {
    re.lastIndex = i;
    return re.exec(text);
  };
  while (i < text.length) {
    const ch = text[i] as string;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    let m: RegExpExecArray | null;
    if ((m = at(NAME))) {
      tokens.push({ type: 'name', value: m[0], raw: m[0], at: i });
    } else if ((m = at(STRING))) {
      tokens.push({ type: 'string', value: unescape(m[1] ?? m[2] ?? ''), raw: m[0], at: i });
    } else if ((m = at(FLOAT))) {
      tokens.push({ type: 'float', value: m[0], number: Number(m[0].replace(/_/g, '')), raw: m[0], at: i });
    } else if ((m = at(INTEGER))) {
      tokens.push({ type: 'integer', value: m[0], number: integerValue(m[0]), raw: m[0], at: i });
    } else {
      const op = OPERATORS.find((o) => text.startsWith(o, i));
      if (!op) {
        if (ch === '"' || ch === "'") throw new SyntaxProblem('unclosed string', i);
        if (ch === '?') throw new SyntaxProblem("'?' does not belong in an expression: Jinja writes a conditional as 'a if c else b'", i);
        throw new SyntaxProblem(`${JSON.stringify(ch)} does not belong in an expression`, i);
      }
      tokens.push({ type: 'op', value: op, raw: op, at: i });
      i += op.length;
      continue;
    }
    i += m[0].length;
  }
  tokens.push({ type: 'end', value: '', raw: '', at: text.length });
  return tokens;
}

function integerValue(text: string): number {
  const t = text.replace(/_/g, '').toLowerCase();
  if (t.startsWith('0b')) return parseInt(t.slice(2), 2);
  if (t.startsWith('0o')) return parseInt(t.slice(2), 8);
  if (t.startsWith('0x')) return parseInt(t.slice(2), 16);
  return Number(t);
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v', '\n': '' };

/** Python's unicode-escape decoding, which Jinja applies to string literals; unknown escapes stay as written. */
function unescape(body: string): string {
  return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{1,3}|[\s\S])/g, (whole, e: string) => {
    if (e in SIMPLE_ESCAPES) return SIMPLE_ESCAPES[e] as string;
    if (/^[xuU]/.test(e) && e.length > 1) return String.fromCodePoint(parseInt(e.slice(1), 16));
    if (/^[0-7]+$/.test(e)) return String.fromCodePoint(parseInt(e, 8));
    return whole;
  });
}
