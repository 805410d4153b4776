import { basename, dirname } from 'node:path';
import { type Ipv4Range, ipv4Text, isIpv4Number, netmaskText, parseIpv4Cidr, rangeContains, rangeOf, rangesOverlap } from '../util/ipv4.js';

/**
 * The functions the seed playbooks reach for with Jinja filters, usable both as Handlebars
 * helpers (`{{join groups.all ","}}`) and as filters in conditions (`x | default('a')`).
 * Each takes plain values only; none can reach JavaScript globals.
 */
export type Filter = (...args: unknown[]) => unknown;

const isMissing = (v: unknown): boolean => v === undefined || v === null;

function toNumber(v: unknown, name: string): number {
  const n = typeof v === 'string' ? Number(v.trim()) : Number(v);
  if (Number.isNaN(n)) throw new Error(`${name}: ${JSON.stringify(v)} is not a number`);
  return n;
}

function toList(v: unknown, name: string): unknown[] {
  if (Array.isArray(v)) return v;
  if (v && typeof v === 'object') return Object.keys(v);
  throw new Error(`${name}: expected a list, got ${JSON.stringify(v)}`);
}

function cidrOf(text: unknown, name: string): Ipv4Range {
  const range = parseIpv4Cidr(String(text));
  if (!range) throw new Error(`${name}: ${JSON.stringify(text)} is not an IPv4 CIDR`);
  return range;
}

function rangeOrAddress(text: unknown, name: string): Ipv4Range {
  const s = String(text);
  return s.includes('/') ? cidrOf(s, name) : cidrOf(`${s}/32`, name);
}

function wholeNumber(v: unknown, name: string): number {
  const n = toNumber(v, name);
  if (!Number.isInteger(n)) throw new Error(`${name}: ${JSON.stringify(v)} is not a whole number`);
  return n;
}

/** Reads a nested value by a dotted path (`ansible_eth1.ipv4.address`), own properties only. */
export function getPath(value: unknown, path: string): unknown {
  let current = value;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.prototype.hasOwnProperty.call(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

export const filters: Record<string, Filter> = {
  default: (v, fallback, whenFalsy) => (isMissing(v) || (whenFalsy === true && !v) ? fallback : v),
  join: (list, sep) => toList(list, 'join').join(isMissing(sep) ? '' : String(sep)),
  length: (v) => (typeof v === 'string' || Array.isArray(v) ? v.length : v && typeof v === 'object' ? Object.keys(v).length : 0),
  abs: (v) => Math.abs(toNumber(v, 'abs')),
  int: (v) => Math.trunc(toNumber(v, 'int')),
  float: (v) => toNumber(v, 'float'),
  round: (v, precision, method) => {
    const p = isMissing(precision) ? 0 : toNumber(precision, 'round');
    const f = 10 ** p;
    const n = toNumber(v, 'round') * f;
    const r = method === 'floor' ? Math.floor(n) : method === 'ceil' ? Math.ceil(n) : Math.round(n);
    return r / f;
  },
  string: (v) => (isMissing(v) ? '' : String(v)),
  bool: (v) => ['yes', 'true', 'on', '1', 'y'].includes(String(v).toLowerCase()),
  lower: (v) => String(v).toLowerCase(),
  upper: (v) => String(v).toUpperCase(),
  trim: (v) => String(v).trim(),
  replace: (v, from, to) => String(v).split(String(from)).join(String(to)),
  // Python's str.split: on runs of whitespace without a separator, as Ansible's split filter.
  split: (v, sep) => (isMissing(sep) ? String(v).trim().split(/\s+/).filter((x) => x !== '') : String(v).split(String(sep))),
  basename: (v) => basename(String(v)),
  dirname: (v) => dirname(String(v)),
  first: (v) => toList(v, 'first')[0],
  last: (v) => toList(v, 'last').at(-1),
  index_of: (list, item) => toList(list, 'index_of').indexOf(item),
  add: (a, b) => toNumber(a, 'add') + toNumber(b, 'add'),
  sub: (a, b) => toNumber(a, 'sub') - toNumber(b, 'sub'),
  mul: (a, b) => toNumber(a, 'mul') * toNumber(b, 'mul'),
  div: (a, b) => toNumber(a, 'div') / toNumber(b, 'div'),
  to_json: (v) => JSON.stringify(v),
  eq: (a, b) => a === b || (a !== null && b !== null && typeof a !== 'object' && String(a) === String(b)),
  ne: (a, b) => !filters['eq']?.(a, b),
  lt: (a, b) => toNumber(a, 'lt') < toNumber(b, 'lt'),
  gt: (a, b) => toNumber(a, 'gt') > toNumber(b, 'gt'),
  and: (...xs) => xs.every(Boolean),
  or: (...xs) => xs.some(Boolean),
  not: (v) => !v,
  contains: (list, item) => (typeof list === 'string' ? list.includes(String(item)) : toList(list, 'contains').includes(item)),

  // The IP toolkit (util/ipv4.ts): subnets and addresses for a host's index, masks, membership.
  /** The n-th (from 0) subnet of size /prefix inside a range: per-host `--fixed-cidr`. */
  ip_subnet: (range, prefix, index) => {
    const r = cidrOf(range, 'ip_subnet');
    const p = wholeNumber(prefix, 'ip_subnet');
    if (p < 0 || p > 32) throw new Error(`ip_subnet: prefix ${String(prefix)} is not between 0 and 32`);
    const start = r.first + 2 ** (32 - p) * wholeNumber(index, 'ip_subnet');
    const sub = rangeOf(start, p);
    if (!isIpv4Number(start) || sub.first !== start || !rangeContains(r, sub)) throw new Error(`ip_subnet: subnet ${index} of /${prefix} is outside ${range}`);
    return `${ipv4Text(start)}/${p}`;
  },
  /** The n-th address of a range (0 is the network address; negative counts from the end). */
  ip_address: (range, index) => {
    const r = cidrOf(range, 'ip_address');
    const n = wholeNumber(index, 'ip_address');
    const value = n >= 0 ? r.first + n : r.last + n + 1;
    if (value < r.first || value > r.last) throw new Error(`ip_address: address ${index} is outside ${range}`);
    return ipv4Text(value);
  },
  ip_netmask: (range) => netmaskText(cidrOf(range, 'ip_netmask').prefix),
  ip_prefix: (range) => cidrOf(range, 'ip_prefix').prefix,
  ip_network: (range) => ipv4Text(cidrOf(range, 'ip_network').first),
  ip_broadcast: (range) => ipv4Text(cidrOf(range, 'ip_broadcast').last),
  ip_contains: (range, item) => rangeContains(cidrOf(range, 'ip_contains'), rangeOrAddress(item, 'ip_contains')),
  ip_overlaps: (a, b) => rangesOverlap(rangeOrAddress(a, 'ip_overlaps'), rangeOrAddress(b, 'ip_overlaps')),
};
