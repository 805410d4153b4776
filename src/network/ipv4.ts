import { IPv4, Validator } from 'ip-num';

/** An IPv4 block as numbers: what the IP plan compares. Parsed and printed with ip-num. */
export interface Block {
  readonly first: bigint;
  readonly last: bigint;
  /** As written (an address, a CIDR, or an address with its network's prefix). */
  readonly text: string;
}

export interface AddressWithPrefix {
  readonly address: bigint;
  readonly prefix: number;
}

/** "10.2.0.1/16" or "10.2.0.0/16" → the address and prefix; undefined if not IPv4/prefix. */
export function parseAddressWithPrefix(text: string): AddressWithPrefix | undefined {
  const [addr, prefix, ...rest] = text.split('/');
  if (rest.length > 0 || addr === undefined || prefix === undefined || !/^\d{1,2}$/.test(prefix) || Number(prefix) > 32) return undefined;
  if (!Validator.isValidIPv4String(addr)[0]) return undefined;
  return { address: IPv4.fromString(addr).getValue(), prefix: Number(prefix) };
}

export const size = (prefix: number): bigint => 1n << BigInt(32 - prefix);

/** The network an address/prefix lies in (10.2.0.1/16 → 10.2.0.0–10.2.255.255). */
export function networkOf(a: AddressWithPrefix, text: string): Block {
  const first = a.address - (a.address % size(a.prefix));
  return { first, last: first + size(a.prefix) - 1n, text };
}

/** A CIDR block, or a single address (/32); undefined when neither. */
export function parseBlock(text: string): Block | undefined {
  if (!text.includes('/')) return Validator.isValidIPv4String(text)[0] ? single(IPv4.fromString(text).getValue(), text) : undefined;
  const a = parseAddressWithPrefix(text);
  return a ? networkOf(a, text) : undefined;
}

/** True when the text is a network address with its prefix (10.2.1.0/24, not 10.2.1.5/24). */
export function isNetworkCidr(text: string): boolean {
  const a = parseAddressWithPrefix(text);
  return a !== undefined && a.address % size(a.prefix) === 0n;
}

export const single = (address: bigint, text = ipString(address)): Block => ({ first: address, last: address, text });

export const ipString = (value: bigint): string => new IPv4(value).toString();

export const cidrString = (first: bigint, prefix: number): string => `${ipString(first)}/${prefix}`;

export const overlaps = (a: Block, b: Block): boolean => a.first <= b.last && b.first <= a.last;

export const contains = (outer: Block, inner: Block): boolean => outer.first <= inner.first && inner.last <= outer.last;
