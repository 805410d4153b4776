import type { CompareOp, Expression } from './ast.js';
import { SyntaxProblem, type Token, tokenize } from './lexer.js';

/**
 * A Jinja expression parsed with Jinja's grammar and precedence (jinja2/parser.py), loosest first:
 * `x if c else y`; `or`; `and`; `not`; comparisons (`==`, `in`, `not in`, …, chained);
 * `+ -`; `~`; `* / // %`; `**`; unary `- +`; then postfix (`.a`, `[k]`, calls) with filters
 * (`| f`) and tests (`is t`). Throws SyntaxProblem with the offset of the problem.
 */
export function parse(text: string): Expression {
  const parser = new Parser(tokenize(text));
  const tree = parser.expression();
  parser.expectEnd();
  return tree;
}

const COMPARE_OPS = new Set(['==', '!=', '<', '>', '<=', '>=']);

class Parser {
  private i = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  private get current(): Token {
    return this.tokens[this.i] as Token;
  }

  private look(): Token {
    return this.tokens[Math.min(this.i + 1, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const t = this.current;
    if (t.type !== 'end') this.i++;
    return t;
  }

  private isOp(value: string, token = this.current): boolean {
    return token.type === 'op' && token.value === value;
  }

  private isName(value: string, token = this.current): boolean {
    return token.type === 'name' && token.value === value;
  }

  private skipOp(value: string): boolean {
    if (!this.isOp(value)) return false;
    this.next();
    return true;
  }

  private skipName(value: string): boolean {
    if (!this.isName(value)) return false;
    this.next();
    return true;
  }

  private expectOp(value: string): Token {
    if (!this.isOp(value)) throw this.misplaced(`expected '${value}'`);
    return this.next();
  }

  private expectName(): Token {
    if (this.current.type !== 'name') throw this.misplaced('expected a name');
    return this.next();
  }

  expectEnd(): void {
    if (this.current.type !== 'end') throw this.misplaced('expected the end of the expression');
  }

  private misplaced(expected: string): SyntaxProblem {
    const t = this.current;
    if (t.type === 'end') return new SyntaxProblem(`the expression ends too early (${expected})`, t.at);
    return new SyntaxProblem(`'${t.raw}' does not belong here (${expected})`, t.at);
  }

  expression(): Expression {
    return this.condExpr();
  }

  private condExpr(): Expression {
    let node = this.or();
    while (this.isName('if')) {
      const at = this.next().at;
      const test = this.or();
      const otherwise = this.skipName('else') ? this.condExpr() : undefined;
      node = { type: 'condexpr', test, then: node, otherwise, at };
    }
    return node;
  }

  private or(): Expression {
    let left = this.and();
    while (this.isName('or')) {
      this.next();
      left = { type: 'binary', op: 'or', left, right: this.and(), at: left.at };
    }
    return left;
  }

  private and(): Expression {
    let left = this.not();
    while (this.isName('and')) {
      this.next();
      left = { type: 'binary', op: 'and', left, right: this.not(), at: left.at };
    }
    return left;
  }

  private not(): Expression {
    if (this.isName('not')) {
      const at = this.next().at;
      return { type: 'unary', op: 'not', operand: this.not(), at };
    }
    return this.compare();
  }

  private compare(): Expression {
    const first = this.math1();
    const ops: { op: CompareOp; operand: Expression }[] = [];
    for (;;) {
      const t = this.current;
      if (t.type === 'op' && COMPARE_OPS.has(t.value)) {
        this.next();
        ops.push({ op: t.value as CompareOp, operand: this.math1() });
      } else if (this.isName('in')) {
        this.next();
        ops.push({ op: 'in', operand: this.math1() });
      } else if (this.isName('not') && this.isName('in', this.look())) {
        this.next();
        this.next();
        ops.push({ op: 'not in', operand: this.math1() });
      } else {
        break;
      }
    }
    return ops.length === 0 ? first : { type: 'compare', first, ops, at: first.at };
  }

  private math1(): Expression {
    let left = this.concat();
    while (this.isOp('+') || this.isOp('-')) {
      const op = this.next().value as '+' | '-';
      left = { type: 'binary', op, left, right: this.concat(), at: left.at };
    }
    return left;
  }

  private concat(): Expression {
    let left = this.math2();
    while (this.skipOp('~')) left = { type: 'binary', op: '~', left, right: this.math2(), at: left.at };
    return left;
  }

  private math2(): Expression {
    let left = this.pow();
    while (this.isOp('*') || this.isOp('/') || this.isOp('//') || this.isOp('%')) {
      const op = this.next().value as '*' | '/' | '//' | '%';
      left = { type: 'binary', op, left, right: this.pow(), at: left.at };
    }
    return left;
  }

  private pow(): Expression {
    let left = this.unary(true);
    while (this.skipOp('**')) left = { type: 'binary', op: '**', left, right: this.unary(true), at: left.at };
    return left;
  }

  private unary(withFilter: boolean): Expression {
    let node: Expression;
    if (this.isOp('-') || this.isOp('+')) {
      const t = this.next();
      node = { type: 'unary', op: t.value as '-' | '+', operand: this.unary(false), at: t.at };
    } else {
      node = this.primary();
    }
    node = this.postfix(node);
    return withFilter ? this.filterExpr(node) : node;
  }

  private primary(): Expression {
    const t = this.current;
    if (t.type === 'name') {
      this.next();
      if (t.value === 'true' || t.value === 'True') return { type: 'literal', value: true, raw: t.raw, at: t.at };
      if (t.value === 'false' || t.value === 'False') return { type: 'literal', value: false, raw: t.raw, at: t.at };
      if (t.value === 'none' || t.value === 'None') return { type: 'literal', value: null, raw: t.raw, at: t.at };
      return { type: 'name', name: t.value, at: t.at };
    }
    if (t.type === 'string') {
      // Adjacent strings are one, as in Jinja ('a' 'b' is 'ab').
      let value = '';
      let raw = '';
      while (this.current.type === 'string') {
        value += this.current.value;
        raw += this.next().raw;
      }
      return { type: 'literal', value, raw, at: t.at };
    }
    if (t.type === 'integer' || t.type === 'float') {
      this.next();
      return { type: 'literal', value: t.number ?? 0, raw: t.raw, at: t.at };
    }
    if (this.isOp('(')) {
      this.next();
      const node = this.tuple();
      this.expectOp(')');
      return node;
    }
    if (this.isOp('[')) return this.list();
    if (this.isOp('{')) return this.dict();
    throw this.misplaced('expected a value');
  }

  /** Inside parentheses: one expression, or a tuple (read as a list). */
  private tuple(): Expression {
    const at = this.current.at;
    const items: Expression[] = [];
    let isTuple = false;
    for (;;) {
      if (items.length > 0) this.expectOp(',');
      if (this.isOp(')')) break;
      items.push(this.expression());
      if (this.isOp(',')) isTuple = true;
      else break;
    }
    if (!isTuple && items.length === 1) return items[0] as Expression;
    return { type: 'list', items, at };
  }

  private list(): Expression {
    const at = this.expectOp('[').at;
    const items: Expression[] = [];
    while (!this.isOp(']')) {
      if (items.length > 0) this.expectOp(',');
      if (this.isOp(']')) break;
      items.push(this.expression());
    }
    this.expectOp(']');
    return { type: 'list', items, at };
  }

  private dict(): Expression {
    const at = this.expectOp('{').at;
    const entries: [Expression, Expression][] = [];
    while (!this.isOp('}')) {
      if (entries.length > 0) this.expectOp(',');
      if (this.isOp('}')) break;
      const key = this.expression();
      this.expectOp(':');
      entries.push([key, this.expression()]);
    }
    this.expectOp('}');
    return { type: 'dict', entries, at };
  }

  private postfix(node: Expression): Expression {
    for (;;) {
      if (this.isOp('.') || this.isOp('[')) node = this.subscript(node);
      else if (this.isOp('(')) node = this.call(node);
      else return node;
    }
  }

  private filterExpr(node: Expression): Expression {
    for (;;) {
      if (this.isOp('|')) node = this.filter(node);
      else if (this.isName('is')) node = this.test(node);
      else if (this.isOp('(')) node = this.call(node);
      else return node;
    }
  }

  private subscript(node: Expression): Expression {
    const t = this.next();
    if (t.value === '.') {
      const attr = this.current;
      if (attr.type === 'name') {
        this.next();
        return { type: 'getattr', object: node, name: attr.value, at: node.at };
      }
      if (attr.type !== 'integer') throw this.misplaced('expected a name or a number');
      this.next();
      return { type: 'getitem', object: node, key: { type: 'literal', value: attr.number ?? 0, raw: attr.raw, at: attr.at }, at: node.at };
    }
    const parts: (Expression | undefined)[] = [];
    let slice = false;
    // [a], [a:b], [a:b:c], [:b], [::c]
    parts.push(this.isOp(':') ? undefined : this.expression());
    while (this.skipOp(':')) {
      slice = true;
      parts.push(this.isOp(':') || this.isOp(']') ? undefined : this.expression());
    }
    this.expectOp(']');
    if (!slice) return { type: 'getitem', object: node, key: parts[0] as Expression, at: node.at };
    if (parts.length > 3) throw new SyntaxProblem('a slice takes at most start:stop:step', t.at);
    return { type: 'slice', object: node, start: parts[0], stop: parts[1], step: parts[2], at: node.at };
  }

  private callArgs(): { args: Expression[]; kwargs: [string, Expression][] } {
    this.expectOp('(');
    const args: Expression[] = [];
    const kwargs: [string, Expression][] = [];
    while (!this.isOp(')')) {
      if (args.length + kwargs.length > 0) {
        this.expectOp(',');
        if (this.isOp(')')) break;
      }
      if (this.current.type === 'name' && this.isOp('=', this.look())) {
        const key = this.next().value;
        this.next();
        kwargs.push([key, this.expression()]);
      } else {
        if (kwargs.length > 0) throw this.misplaced('a positional argument after a keyword argument');
        args.push(this.expression());
      }
    }
    this.expectOp(')');
    return { args, kwargs };
  }

  private call(node: Expression): Expression {
    const { args, kwargs } = this.callArgs();
    return { type: 'call', callee: node, args, kwargs, at: node.at };
  }

  private dottedName(): string {
    let name = this.expectName().value;
    while (this.skipOp('.')) name += `.${this.expectName().value}`;
    return name;
  }

  private filter(node: Expression): Expression {
    this.expectOp('|');
    const name = this.dottedName();
    const { args, kwargs } = this.isOp('(') ? this.callArgs() : { args: [], kwargs: [] };
    return { type: 'filter', value: node, name, args, kwargs, at: node.at };
  }

  private test(node: Expression): Expression {
    this.next();
    const negated = this.skipName('not');
    const name = this.dottedName();
    let args: Expression[] = [];
    if (this.isOp('(')) {
      args = this.callArgs().args;
    } else {
      // `x is divisibleby 3`: one argument without parentheses, as Jinja reads it.
      const t = this.current;
      const startsValue = t.type === 'string' || t.type === 'integer' || t.type === 'float' || this.isOp('[') || this.isOp('{') || (t.type === 'name' && !['else', 'or', 'and', 'if'].includes(t.value));
      if (startsValue) {
        if (this.isName('is')) throw this.misplaced('one test at a time: tests cannot be chained with is');
        args = [this.postfix(this.primary())];
      }
    }
    return { type: 'test', value: node, name, args, negated, at: node.at };
  }
}
