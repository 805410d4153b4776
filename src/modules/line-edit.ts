/**
 * lineinfile's edit, as Ansible's module does it: the last matching line is replaced (or the
 * first with `firstmatch`); with `backrefs` nothing is added when nothing matches; otherwise the
 * line goes after/before the last line matching `insertafter`/`insertbefore`, or at BOF/EOF.
 */
export interface LineEdit {
  readonly line?: string | undefined;
  readonly regexp?: string | undefined;
  readonly searchString?: string | undefined;
  readonly state: 'present' | 'absent';
  readonly insertafter?: string | undefined;
  readonly insertbefore?: string | undefined;
  readonly backrefs?: boolean | undefined;
  readonly firstmatch?: boolean | undefined;
}

export interface EditResult {
  readonly content: string;
  readonly msg: string;
}

/** Python regex syntax the seed playbooks use, in JavaScript: named groups. */
export function pythonRegex(source: string): RegExp {
  return new RegExp(source.replace(/\(\?P<([A-Za-z_]\w*)>/g, '(?<$1>').replace(/\(\?P=([A-Za-z_]\w*)\)/g, '\\k<$1>'));
}

/** Python's match.expand: `\1`, `\g<1>`, `\g<name>`. */
function expand(template: string, match: RegExpExecArray): string {
  return template.replace(/\\(?:g<([^>]+)>|(\d+))/g, (_, name: string | undefined, num: string | undefined) => {
    const key = name ?? num ?? '';
    const value = /^\d+$/.test(key) ? match[Number(key)] : match.groups?.[key];
    return value ?? '';
  });
}

function splitLines(content: string): string[] {
  return content.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

const stripEol = (l: string): string => l.replace(/\r?\n$/, '');

export function editLines(content: string, edit: LineEdit): EditResult {
  const lines = splitLines(content);
  const regexp = edit.regexp !== undefined ? pythonRegex(edit.regexp) : undefined;
  const matches = (l: string): RegExpExecArray | boolean | null => {
    if (regexp) return regexp.exec(stripEol(l));
    if (edit.searchString !== undefined) return stripEol(l).includes(edit.searchString);
    return stripEol(l) === edit.line;
  };
  if (edit.state === 'absent') {
    const kept = lines.filter((l) => !matches(l));
    const removed = lines.length - kept.length;
    return { content: kept.join(''), msg: removed ? `${removed} line(s) removed` : '' };
  }
  const line = edit.line ?? '';
  const insertRegex = (pattern: string | undefined): RegExp | undefined =>
    pattern !== undefined && pattern !== 'EOF' && pattern !== 'BOF' ? pythonRegex(pattern) : undefined;
  const after = insertRegex(edit.insertafter);
  const before = insertRegex(edit.insertbefore);
  let found = -1;
  let match: RegExpExecArray | boolean | null = null;
  let insertAt = -1;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] as string;
    const m = matches(l);
    if (m) {
      found = i;
      match = m;
      if (edit.firstmatch) break;
    } else if (after?.test(stripEol(l))) {
      insertAt = i + 1;
      if (edit.firstmatch) break;
    } else if (before?.test(stripEol(l))) {
      insertAt = i;
      if (edit.firstmatch) break;
    }
  }
  if (found !== -1) {
    const newLine = `${edit.backrefs && match && typeof match === 'object' ? expand(line, match) : line}\n`;
    if (lines[found] === newLine) return { content, msg: '' };
    lines[found] = newLine;
    return { content: lines.join(''), msg: 'line replaced' };
  }
  if (edit.backrefs) return { content, msg: '' };
  const withLine = `${line}\n`;
  if (edit.insertbefore === 'BOF' || edit.insertafter === 'BOF') {
    lines.unshift(withLine);
  } else if (edit.insertafter === 'EOF' || insertAt === -1) {
    if (lines.length > 0 && !(lines.at(-1) as string).endsWith('\n')) lines[lines.length - 1] += '\n';
    lines.push(withLine);
  } else if (after) {
    if (insertAt < lines.length && stripEol(lines[insertAt] as string) === line) return { content, msg: '' };
    lines.splice(insertAt, 0, withLine);
  } else {
    if (insertAt > 0 && stripEol(lines[insertAt - 1] as string) === line) return { content, msg: '' };
    lines.splice(insertAt, 0, withLine);
  }
  return { content: lines.join(''), msg: 'line added' };
}

export interface BlockEdit {
  readonly block: string;
  readonly marker: string;
  readonly markerBegin: string;
  readonly markerEnd: string;
  readonly state: 'present' | 'absent';
  readonly insertafter?: string | undefined;
  readonly insertbefore?: string | undefined;
}

/** blockinfile's edit: replace the marked block, or insert it; an empty block removes it. */
export function editBlock(content: string, edit: BlockEdit): EditResult {
  const begin = edit.marker.replace('{mark}', edit.markerBegin);
  const end = edit.marker.replace('{mark}', edit.markerEnd);
  const lines = content === '' ? [] : content.replace(/\n$/, '').split('\n');
  let start = -1;
  let stop = -1;
  lines.forEach((l, i) => {
    if (l === begin) start = i;
    if (l === end) stop = i;
  });
  const present = edit.state === 'present' && edit.block !== '';
  const blockLines = present ? [begin, ...edit.block.replace(/\n$/, '').split('\n'), end] : [];
  let at: number;
  if (start === -1 || stop === -1) {
    if (!present) return { content, msg: '' };
    const pattern = edit.insertafter !== undefined && edit.insertafter !== 'EOF' ? edit.insertafter : edit.insertbefore !== undefined && edit.insertbefore !== 'BOF' ? edit.insertbefore : undefined;
    at = edit.insertbefore === 'BOF' ? 0 : lines.length;
    if (pattern !== undefined) {
      const re = pythonRegex(pattern);
      for (let i = lines.length - 1; i >= 0; i--) {
        if (re.test(lines[i] as string)) {
          at = edit.insertafter !== undefined ? i + 1 : i;
          break;
        }
      }
    }
  } else {
    const [from, to] = start < stop ? [start, stop] : [stop, start];
    lines.splice(from, to - from + 1);
    at = from;
  }
  lines.splice(at, 0, ...blockLines);
  const next = lines.length ? `${lines.join('\n')}\n` : '';
  if (next === content) return { content, msg: '' };
  return { content: next, msg: present ? (start === -1 ? 'Block inserted' : 'Block replaced') : 'Block removed' };
}
