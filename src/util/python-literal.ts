/**
 * Python's ast.literal_eval for the text of an INI inventory value, as Ansible's ini plugin
 * applies it (`_parse_value`): numbers (`0x1f`, `1_000`, `1e3`), `True`/`False`/`None`, strings
 * in any Python quoting (adjacent ones joined), lists, tuples, dicts and sets of those, and a
 * `# comment` after them. Anything else (`yes`, `true`, `010`, `a b`, `1 + 2`) is not a literal:
 * undefined, and the caller keeps the text.
 */
export function literalEval(text: string): { value: unknown } | undefined {
  try {
    const reader = new LiteralReader(text);
    const value = reader.expression();
    reader.expectEnd();
    return { value };
  } catch (err) {
    if (err instanceof NotALiteral) return undefined;
    throw err;
  }
}

class NotALiteral extends Error {}

const NUMBER = /(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|(?:\d(?:_?\d)*)?\.\d(?:_?\d)*(?:[eE][-+]?\d(?:_?\d)*)?|\d(?:_?\d)*\.(?:\d(?:_?\d)*)?(?:[eE][-+]?\d(?:_?\d)*)?|\d(?:_?\d)*[eE][-+]?\d(?:_?\d)*|[1-9](?:_?\d)*|0(?:_?0)*)(?![\w.])/y;
const STRING_START = /([rRuUbB]|[bB][rR]|[rR][bB])?('''|"""|'|")/y;

class LiteralReader {
  private i = 0;

  constructor(private readonly text: string) {}

  private fail(): never {
    throw new NotALiteral();
  }

  /** Skips spaces and a comment (a comment runs to the end of the line). */
  private skipSpace(): void {
    for (;;) {
      const ch = this.text[this.i];
      if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\f') this.i++;
      else if (ch === '#') while (this.i < this.text.length && this.text[this.i] !== '\n') this.i++;
      else if (ch === '\\' && this.text[this.i + 1] === '\n') this.i += 2;
      else return;
    }
  }

  private peek(): string {
    this.skipSpace();
    return this.text[this.i] ?? '';
  }

  private take(ch: string): boolean {
    if (this.peek() !== ch) return false;
    this.i++;
    return true;
  }

  expectEnd(): void {
    if (this.peek() !== '') this.fail();
  }

  /** A value, or a tuple written without parentheses (`1, 2`). */
  expression(): unknown {
    const first = this.value();
    if (this.peek() !== ',') return first;
    const items = [first];
    while (this.take(',')) {
      if (this.peek() === '' || this.peek() === ')') break;
      items.push(this.value());
    }
    return items;
  }

  private value(): unknown {
    const ch = this.peek();
    if (ch === '[') return this.sequence('[', ']');
    if (ch === '(') {
      this.i++;
      if (this.take(')')) return [];
      const inner = this.expression();
      if (!this.take(')')) this.fail();
      return inner;
    }
    if (ch === '{') return this.mapping();
    if (ch === '-' || ch === '+') {
      this.i++;
      const n = this.number();
      return ch === '-' ? -n : n;
    }
    if (/[0-9.]/.test(ch)) return this.number();
    if (STRING_START.test(this.startAt())) return this.strings();
    const word = /[A-Za-z_][A-Za-z0-9_]*/y;
    word.lastIndex = this.i;
    const m = word.exec(this.text);
    if (m && ['True', 'False', 'None'].includes(m[0])) {
      this.i += m[0].length;
      return m[0] === 'True' ? true : m[0] === 'False' ? false : null;
    }
    return this.fail();
  }

  private startAt(): string {
    return this.text.slice(this.i, this.i + 4);
  }

  private number(): number {
    this.skipSpace();
    NUMBER.lastIndex = this.i;
    const m = NUMBER.exec(this.text);
    if (!m) return this.fail();
    this.i += m[0].length;
    // An imaginary number (1j) is a literal, but no value a playbook can use: kept as text.
    if (/^[jJ]/.test(this.text.slice(this.i))) this.fail();
    const t = m[0].replace(/_/g, '').toLowerCase();
    if (t.startsWith('0x')) return parseInt(t.slice(2), 16);
    if (t.startsWith('0o')) return parseInt(t.slice(2), 8);
    if (t.startsWith('0b')) return parseInt(t.slice(2), 2);
    return Number(t);
  }

  /** Adjacent strings are one ('it''s' is its); str and bytes cannot be mixed. */
  private strings(): string {
    let out = '';
    let kind: 'str' | 'bytes' | undefined;
    for (;;) {
      this.skipSpace();
      STRING_START.lastIndex = this.i;
      const m = STRING_START.exec(this.text);
      if (!m) break;
      const prefix = (m[1] ?? '').toLowerCase();
      const isBytes = prefix.includes('b');
      if (kind && (kind === 'bytes') !== isBytes) this.fail();
      kind = isBytes ? 'bytes' : 'str';
      const quote = m[2] as string;
      this.i += m[0].length;
      out += this.stringBody(quote, prefix.includes('r'));
    }
    return out;
  }

  private stringBody(quote: string, raw: boolean): string {
    let out = '';
    for (;;) {
      if (this.i >= this.text.length) this.fail();
      if (this.text.startsWith(quote, this.i)) {
        this.i += quote.length;
        return out;
      }
      const ch = this.text[this.i] as string;
      if (ch === '\n' && quote.length === 1) this.fail();
      if (ch === '\\') {
        const next = this.text[this.i + 1] ?? '';
        if (raw) {
          out += ch + next;
          this.i += 2;
          continue;
        }
        const escape = /^(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{1,3}|[\s\S])/.exec(this.text.slice(this.i + 1))?.[0] ?? '';
        this.i += 1 + escape.length;
        out += decodeEscape(escape);
        continue;
      }
      out += ch;
      this.i++;
    }
  }

  private sequence(open: string, close: string): unknown[] {
    if (!this.take(open)) this.fail();
    const items: unknown[] = [];
    while (!this.take(close)) {
      if (items.length > 0 && !this.take(',')) this.fail();
      if (this.take(close)) break;
      items.push(this.value());
    }
    return items;
  }

  /** A dict, or a set (read as a list). */
  private mapping(): unknown {
    this.take('{');
    if (this.take('}')) return {};
    const first = this.value();
    if (this.peek() !== ':') {
      const items = [first];
      while (!this.take('}')) {
        if (!this.take(',')) this.fail();
        if (this.take('}')) break;
        items.push(this.value());
      }
      return items;
    }
    const out: Record<string, unknown> = {};
    let key = first;
    for (;;) {
      if (!this.take(':')) this.fail();
      if (key !== null && typeof key === 'object') this.fail();
      out[pythonKey(key)] = this.value();
      if (this.take('}')) return out;
      if (!this.take(',')) this.fail();
      if (this.take('}')) return out;
      key = this.value();
    }
  }
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v', '\n': '' };

function decodeEscape(escape: string): string {
  if (escape in SIMPLE_ESCAPES) return SIMPLE_ESCAPES[escape] as string;
  if (/^[xuU]./.test(escape)) return String.fromCodePoint(parseInt(escape.slice(1), 16));
  if (/^[0-7]+$/.test(escape)) return String.fromCodePoint(parseInt(escape, 8));
  // Python keeps an unknown escape as written.
  return `\\${escape}`;
}

/** A dict key as the variable's key: Python's str() of it. */
function pythonKey(key: unknown): string {
  if (key === true) return 'True';
  if (key === false) return 'False';
  if (key === null) return 'None';
  return String(key);
}
