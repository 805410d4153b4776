import { expandMatch, pythonRegex, searchLine } from './python-regex.js';

/**
 * lineinfile's and blockinfile's edits, ported line for line from Ansible 2.14's modules so that
 * their quirks are the same: pure text in, text and message out.
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
  readonly changed: boolean;
  /** lineinfile state=absent: how many lines matched. */
  readonly found?: number;
}

/** Python's readlines: each line keeps its "\n". */
function readLines(content: string): string[] {
  return content.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

const rstripEol = (l: string): string => l.replace(/[\r\n]+$/, '');

export function editLines(content: string, edit: LineEdit): EditResult {
  return edit.state === 'absent' ? removeLines(content, edit) : presentLine(content, edit);
}

function presentLine(content: string, edit: LineEdit): EditResult {
  const lines = readLines(content);
  const line = edit.line ?? '';
  // Ansible's main(): with neither insertbefore nor insertafter, insertafter is EOF.
  const insertafter = edit.insertafter === undefined && edit.insertbefore === undefined ? 'EOF' : edit.insertafter;
  const insertbefore = edit.insertbefore;
  const re = edit.regexp !== undefined ? pythonRegex(edit.regexp) : undefined;
  const insertRe =
    insertafter !== undefined && insertafter !== 'BOF' && insertafter !== 'EOF'
      ? pythonRegex(insertafter)
      : insertbefore !== undefined && insertbefore !== 'BOF'
        ? pythonRegex(insertbefore)
        : undefined;
  let found = -1;
  let insertAt = -1;
  let match: RegExpExecArray | true | undefined;
  let exactLineMatch = false;
  if (re) {
    for (let i = 0; i < lines.length; i++) {
      const m = searchLine(re, lines[i] as string);
      if (m) {
        found = i;
        match = m;
        if (edit.firstmatch) break;
      }
    }
  }
  if (edit.searchString !== undefined) {
    for (let i = 0; i < lines.length; i++) {
      if ((lines[i] as string).includes(edit.searchString)) {
        found = i;
        match = true;
        if (edit.firstmatch) break;
      }
    }
  }
  if (!match) {
    for (let i = 0; i < lines.length; i++) {
      const current = lines[i] as string;
      if (line === rstripEol(current)) {
        found = i;
        exactLineMatch = true;
      } else if (insertRe && searchLine(insertRe, current)) {
        if (insertafter) {
          insertAt = i + 1;
          if (edit.firstmatch) break;
        }
        if (insertbefore) {
          insertAt = i;
          if (edit.firstmatch) break;
        }
      }
    }
  }
  const done = (msg: string): EditResult => ({ content: lines.join(''), msg, changed: msg !== '' });
  const withEol = `${line}\n`;
  if (found !== -1) {
    let newLine = edit.backrefs && typeof match === 'object' ? expandMatch(line, match) : line;
    if (!newLine.endsWith('\n')) newLine += '\n';
    if (edit.regexp === undefined && edit.searchString === undefined && match === undefined && !exactLineMatch) {
      return done(''); // unreachable in Ansible too: found implies a match or the exact line
    }
    if (lines[found] !== newLine) {
      lines[found] = newLine;
      return done('line replaced');
    }
    return done('');
  }
  if (edit.backrefs) return done('');
  if (insertbefore === 'BOF' || insertafter === 'BOF') {
    lines.unshift(withEol);
    return done('line added');
  }
  if (insertafter === 'EOF' || insertAt === -1) {
    const last = lines.at(-1);
    if (last !== undefined && !/[\n\r]$/.test(last)) lines.push('\n');
    lines.push(withEol);
    return done('line added');
  }
  if (insertafter && insertAt !== -1) {
    if (lines.length === insertAt) {
      if (rstripEol(lines[insertAt - 1] as string) !== line) {
        lines.push(withEol);
        return done('line added');
      }
    } else if (line !== rstripEol(lines[insertAt] as string)) {
      lines.splice(insertAt, 0, withEol);
      return done('line added');
    }
    return done('');
  }
  lines.splice(insertAt, 0, withEol);
  return done('line added');
}

function removeLines(content: string, edit: LineEdit): EditResult {
  const re = edit.regexp !== undefined ? pythonRegex(edit.regexp) : undefined;
  const matches = (l: string): boolean => {
    if (re) return searchLine(re, l) !== null;
    if (edit.searchString !== undefined) return l.includes(edit.searchString);
    return edit.line === rstripEol(l);
  };
  const lines = readLines(content);
  const kept = lines.filter((l) => !matches(l));
  const found = lines.length - kept.length;
  return { content: kept.join(''), msg: found > 0 ? `${found} line(s) removed` : '', changed: found > 0, found };
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

/**
 * blockinfile's edit: replace the marked block, or insert it; an empty block removes it.
 * `content` undefined: the file does not exist yet.
 */
export function editBlock(content: string | undefined, edit: BlockEdit): EditResult {
  const lines = content === undefined ? [] : readLines(content);
  const insertbefore = edit.insertbefore;
  const insertafter = edit.insertafter === undefined && insertbefore === undefined ? 'EOF' : edit.insertafter;
  const insertRe =
    insertafter !== undefined && insertafter !== 'EOF' ? pythonRegex(insertafter) : insertbefore !== undefined && insertbefore !== 'BOF' ? pythonRegex(insertbefore) : undefined;
  const marker0 = `${edit.marker.replaceAll('{mark}', edit.markerBegin)}\n`;
  const marker1 = `${edit.marker.replaceAll('{mark}', edit.markerEnd)}\n`;
  let blockLines: string[] = [];
  if (edit.state === 'present' && edit.block !== '') {
    const block = edit.block.endsWith('\n') ? edit.block : `${edit.block}\n`;
    blockLines = [marker0, ...readLines(block), marker1];
  }
  let n0: number | undefined;
  let n1: number | undefined;
  lines.forEach((l, i) => {
    if (l === marker0) n0 = i;
    if (l === marker1) n1 = i;
  });
  if (n0 === undefined || n1 === undefined) {
    n0 = undefined;
    if (insertRe) {
      if (insertRe.flags.includes('m') && content !== undefined) {
        const m = insertRe.exec(content);
        if (m) n0 = content.slice(0, insertafter ? m.index + m[0].length : m.index).split('\n').length - 1;
      } else {
        lines.forEach((l, i) => {
          if (searchLine(insertRe, l)) n0 = i;
        });
      }
      if (n0 === undefined) n0 = lines.length;
      else if (insertafter !== undefined) n0 += 1;
    } else if (insertbefore !== undefined) {
      n0 = 0;
    } else {
      n0 = lines.length;
    }
  } else if (n0 < n1) {
    lines.splice(n0, n1 - n0 + 1);
  } else {
    lines.splice(n1, n0 - n1 + 1);
    n0 = n1;
  }
  if (n0 > 0 && !(lines[n0 - 1] as string).endsWith('\n')) lines[n0 - 1] += '\n';
  lines.splice(n0, 0, ...blockLines);
  const result = lines.join('');
  if (content === result) return { content: result, msg: '', changed: false };
  if (content === undefined) return { content: result, msg: 'File created', changed: true };
  return { content: result, msg: blockLines.length === 0 ? 'Block removed' : 'Block inserted', changed: true };
}
