/**
 * IPv4 CIDR ranges for the ip_* template helpers and the network facts. Hand-written instead of
 * ip-num: that library builds IPv6 tables when it is imported (~0.1 s of CPU at every start of
 * the CLI) and makes BigInts and binary strings on every call. Addresses are plain numbers
 * (0 … 2^32-1, exact in a double). Parsing is as strict as ip-num's: four decimal octets without
 * leading zeros, a prefix of 0 to 32.
 */

const OCTET = /^(?:0|[1-9]\d{0,2})$/;
const TWO_32 = 2 ** 32;

export interface Ipv4Range {
  /** The network address (the given address with the host bits cleared). */
  readonly first: number;
  /** The broadcast address. */
  readonly last: number;
  readonly prefix: number;
}

/** The address as a number, or undefined when the text is not a dotted-quad IPv4 address. */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!OCTET.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = value * 256 + n;
  }
  return value;
}

/** `a.b.c.d/p` as a range, or undefined when it is not IPv4 CIDR notation. */
export function parseIpv4Cidr(text: string): Ipv4Range | undefined {
  const parts = text.split('/');
  if (parts.length !== 2 || !/^\d+$/.test(parts[1] ?? '')) return undefined;
  const address = parseIpv4(parts[0] ?? '');
  const prefix = Number(parts[1]);
  if (address === undefined || prefix > 32) return undefined;
  return rangeOf(address, prefix);
}

/** The range of size /prefix around an address. */
export function rangeOf(address: number, prefix: number): Ipv4Range {
  const size = 2 ** (32 - prefix);
  const first = address - (address % size);
  return { first, last: first + size - 1, prefix };
}

export function isIpv4Number(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value < TWO_32;
}

export function ipv4Text(value: number): string {
  return [value / 2 ** 24, value / 2 ** 16, value / 2 ** 8, value].map((v) => Math.floor(v) % 256).join('.');
}

/** The netmask of a prefix, dotted (24: 255.255.255.0). */
export function netmaskText(prefix: number): string {
  return ipv4Text(TWO_32 - 2 ** (32 - prefix));
}

/** Whether `outer` holds every address of `inner`. */
export function rangeContains(outer: Ipv4Range, inner: Ipv4Range): boolean {
  return outer.first <= inner.first && inner.last <= outer.last;
}

export function rangesOverlap(a: Ipv4Range, b: Ipv4Range): boolean {
  return a.first <= b.last && b.first <= a.last;
}
