import Handlebars from 'handlebars';
import { lineColumnOf, type TemplateProblem } from './problem.js';

/**
 * Handlebars' parser (jison) reports a syntax error as a text dump ("Parse error on line 1: …
 * ---^ Expecting 'ID', …") without a column. Its lexer knows where the offending token is, so
 * the error is rethrown carrying that place. Handlebars shares one parser object between all
 * environments and parsing is synchronous, so reading the lexer right at the error is safe.
 */
interface JisonParser {
  parseError(message: string, hash: { token?: string; text?: string; expected?: string[] }): never;
  lexer: { yylloc?: { first_line: number; first_column: number } };
}

class ParseFailure extends Error {
  constructor(
    message: string,
    readonly token: string | undefined,
    readonly text: string | undefined,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

const parser = (Handlebars as unknown as { Parser: JisonParser }).Parser;
parser.parseError = (message, hash) => {
  const loc = parser.lexer.yylloc;
  throw new ParseFailure(message, hash?.token, hash?.text, loc?.first_line ?? 1, loc?.first_column ?? 0);
};

/** A Handlebars parse or compile error as a problem at its real place in the text. */
export function syntaxProblem(err: unknown, text: string): TemplateProblem {
  if (err instanceof ParseFailure) {
    if (err.token === 'EOF') return unclosedBlock(text) ?? { detail: 'the template ends in the middle of an expression', line: err.line, column: err.column };
    const shown = err.text ? `"${err.text}"` : (err.token ?? 'text');
    return { detail: `${shown} does not belong here`, line: err.line, column: err.column };
  }
  // Handlebars' own exceptions (a mismatched {{/block}}, an invalid path) carry line and column.
  const e = err as Error & { lineNumber?: number; column?: number };
  const detail = e.message.replace(/ - \d+:\d+$/, '').replace(/\s*\n\s*/g, ' ').trim();
  return { detail, line: e.lineNumber ?? 1, column: e.column ?? 0 };
}

/** The innermost `{{#block}}` that is never closed, if that is why the text ended too early. */
function unclosedBlock(text: string): TemplateProblem | undefined {
  const open: { name: string; offset: number }[] = [];
  for (const m of text.matchAll(/\{\{~?\s*([#/^])\s*>?\s*([^\s}~]+)/g)) {
    const [, kind, name = ''] = m;
    if (kind === '/') {
      const i = open.map((o) => o.name).lastIndexOf(name);
      if (i >= 0) open.splice(i);
    } else {
      open.push({ name, offset: m.index ?? 0 });
    }
  }
  const last = open.at(-1);
  if (!last) return undefined;
  return { detail: `{{#${last.name}}} is never closed: end it with {{/${last.name}}}`, ...lineColumnOf(text, last.offset) };
}
