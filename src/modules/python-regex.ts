import { pythonRegexParts } from '../util/python-regex-syntax.js';

/**
 * Python regular expressions as lineinfile and blockinfile use them, in JavaScript: named groups
 * (?P<name>…) and (?P=name), \A and \Z, and leading inline flags (?i) (?s) (?m).
 */
export function pythonRegex(source: string): RegExp {
  const { body, flags, unsupported } = pythonRegexParts(source);
  if (unsupported.length > 0) throw new Error(`the inline flag (?${unsupported[0]}) is not supported`);
  return new RegExp(body, flags);
}

/**
 * Python's re.search on one line as read from a file (its newline included), where `$` also
 * matches just before a final newline: JavaScript's `$` does not, so the line is tried with its
 * newline, then without.
 */
export function searchLine(re: RegExp, line: string): RegExpExecArray | null {
  const stripped = line.replace(/\n$/, '');
  return re.exec(line) ?? (stripped !== line ? re.exec(stripped) : null);
}

/** Python's match.expand: `\1`, `\g<1>`, `\g<name>`, and the escapes \n \t \\. */
export function expandMatch(template: string, match: RegExpExecArray): string {
  return template.replace(/\\(?:g<([^>]+)>|(\d{1,2})|([nt\\]))/g, (_, name: string | undefined, num: string | undefined, escape: string | undefined) => {
    if (escape !== undefined) return escape === 'n' ? '\n' : escape === 't' ? '\t' : '\\';
    const key = name ?? num ?? '';
    const value = /^\d+$/.test(key) ? match[Number(key)] : match.groups?.[key];
    return value ?? '';
  });
}
