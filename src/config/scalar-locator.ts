/**
 * Where a character of a parsed YAML string sits in the file. A value differs from its source by
 * quotes, escapes, block headers, indentation and folded line breaks; walking both side by side
 * finds, for a character of the value, the offset of the character it came from.
 */
export type ScalarStyle = 'PLAIN' | 'QUOTE_SINGLE' | 'QUOTE_DOUBLE' | 'BLOCK_LITERAL' | 'BLOCK_FOLDED';

/** Offset in `source` of the value's character at `index`, or undefined when they cannot be aligned. */
export function sourceOffsetOf(value: string, index: number, source: string, start: number, end: number, style: ScalarStyle | undefined): number | undefined {
  let j = start;
  if (style === 'QUOTE_SINGLE' || style === 'QUOTE_DOUBLE') j += 1;
  if (style === 'BLOCK_LITERAL' || style === 'BLOCK_FOLDED') {
    const header = source.indexOf('\n', start);
    if (header < 0 || header >= end) return undefined;
    j = header + 1;
  }
  for (let i = 0; i <= index && i < value.length; ) {
    if (j >= end) return undefined;
    const s = source[j] as string;
    if (style === 'QUOTE_DOUBLE' && s === '\\') {
      const length = escapeLength(source, j);
      if (length.producesChar) {
        if (i === index) return j;
        i++;
      }
      j += length.chars;
      continue;
    }
    if (style === 'QUOTE_SINGLE' && s === "'" && source[j + 1] === "'") {
      if (i === index) return j;
      i++;
      j += 2;
      continue;
    }
    if (s === value[i]) {
      if (i === index) return j;
      i++;
    }
    j++;
  }
  return index >= value.length ? Math.min(j, end) : undefined;
}

/** How many source characters a double-quoted escape takes, and whether it yields a character. */
function escapeLength(source: string, at: number): { chars: number; producesChar: boolean } {
  const next = source[at + 1];
  if (next === '\n' || next === '\r') {
    // An escaped line break joins the lines: it and the next line's indentation yield nothing.
    let k = at + 1;
    if (source[k] === '\r') k++;
    if (source[k] === '\n') k++;
    while (source[k] === ' ' || source[k] === '\t') k++;
    return { chars: k - at, producesChar: false };
  }
  const width = next === 'x' ? 4 : next === 'u' ? 6 : next === 'U' ? 10 : 2;
  return { chars: width, producesChar: true };
}
