/** A Python regular expression's leading inline flags, and its body in JavaScript's spelling. */
export interface PythonRegexParts {
  readonly body: string;
  /** The leading inline flags JavaScript has (i, m, s). */
  readonly flags: string;
  /** Leading inline flags JavaScript has no equivalent for (a, L, x), besides u (always on). */
  readonly unsupported: readonly string[];
}

/**
 * Translates what Python spells differently: leading inline flags `(?ims)`, named groups
 * `(?P<name>…)` and `(?P=name)`, `\A` and `\Z`. Shared by host patterns and the line editors.
 */
export function pythonRegexParts(source: string): PythonRegexParts {
  let flags = '';
  const unsupported: string[] = [];
  let body = source;
  const inline = /^\(\?([aiLmsux]+)\)/.exec(body);
  if (inline) {
    for (const f of inline[1] ?? '') {
      if ('ims'.includes(f)) {
        if (!flags.includes(f)) flags += f;
      } else if (f !== 'u') unsupported.push(f);
    }
    body = body.slice(inline[0].length);
  }
  body = body
    .replace(/\(\?P<([A-Za-z_]\w*)>/g, '(?<$1>')
    .replace(/\(\?P=([A-Za-z_]\w*)\)/g, '\\k<$1>')
    .replace(/\\A/g, '^')
    .replace(/\\Z/g, '$(?![\\s\\S])');
  return { body, flags, unsupported };
}
