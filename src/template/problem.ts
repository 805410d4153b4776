/** Something wrong inside a template text, at a line (from 1) and column (from 0), as Handlebars counts. */
export interface TemplateProblem {
  readonly detail: string;
  readonly line: number;
  readonly column: number;
}

/** Offset in the text of a line (from 1) and column (from 0). */
export function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const next = text.indexOf('\n', offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  return Math.min(offset + column, text.length);
}

/** Line (from 1) and column (from 0) of an offset in the text. */
export function lineColumnOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - (before.lastIndexOf('\n') + 1) };
}

/** The `{{…}}` that holds an offset (or starts at it), as written; undefined between mustaches. */
export function mustacheAround(text: string, offset: number): { source: string; start: number } | undefined {
  const start = text.lastIndexOf('{{', Math.min(offset + 1, text.length));
  if (start < 0) return undefined;
  const close = text.indexOf('}}', start + 2);
  if (close >= 0 && close + 2 <= offset) return undefined;
  const lineEnd = text.indexOf('\n', start);
  // An unclosed mustache is shown to the end of its line.
  const end = close >= 0 ? close + 2 : lineEnd >= 0 ? lineEnd : text.length;
  return { source: text.slice(start, end), start };
}
