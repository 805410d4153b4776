/**
 * Ansible host ranges: `web[01:10]`, `db-[a:f]`, `node[1:9:2]`. Zero padding is kept when the
 * bounds are written with equal length, as Ansible's expand_hostname_range does.
 */
const RANGE = /\[([^\]:]+):([^\]:]+)(?::(\d+))?\]/;

export function expandHostRange(pattern: string): string[] {
  const m = RANGE.exec(pattern);
  if (!m) return [pattern];
  const [whole, begin = '', end = '', stepText] = m;
  const head = pattern.slice(0, m.index);
  const tail = pattern.slice(m.index + whole.length);
  const step = stepText ? Number(stepText) : 1;
  if (!Number.isInteger(step) || step < 1) throw new Error(`bad step in host range ${whole}`);
  const values: string[] = [];
  if (/^\d+$/.test(begin) && /^\d+$/.test(end)) {
    const width = begin.length === end.length && begin.startsWith('0') ? begin.length : 0;
    const from = Number(begin);
    const to = Number(end);
    if (from > to) throw new Error(`host range ${whole} runs backwards`);
    for (let i = from; i <= to; i += step) values.push(String(i).padStart(width, '0'));
  } else if (/^[a-zA-Z]$/.test(begin) && /^[a-zA-Z]$/.test(end)) {
    const from = begin.charCodeAt(0);
    const to = end.charCodeAt(0);
    if (from > to) throw new Error(`host range ${whole} runs backwards`);
    for (let c = from; c <= to; c += step) values.push(String.fromCharCode(c));
  } else {
    throw new Error(`host range ${whole} must be numbers or single letters`);
  }
  return values.flatMap((v) => expandHostRange(`${head}${v}${tail}`));
}
