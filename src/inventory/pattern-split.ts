/**
 * Splitting a host pattern into terms as Ansible's split_host_pattern does: on commas if there
 * are any; else one term if the whole text is a host address (`web[1:3]`, `10.0.0.1:22`, an IPv6
 * address); else on colons, keeping `[...]` whole. Ansible silently drops a `[` or `]` without
 * its pair there (`~[` becomes `~`, every host); that is refused here instead.
 */
export function splitHostPattern(pattern: string): string[] {
  let terms: string[];
  if (pattern.includes(',')) {
    terms = pattern.split(',');
  } else if (isHostAddress(pattern)) {
    terms = [pattern];
  } else {
    terms = pattern.match(COLON_TERMS) ?? [];
    const leftover = pattern.replace(COLON_TERMS, '').replace(/[\s:]/g, '');
    if (leftover !== '') throw new Error(`unbalanced "${leftover[0]}" (a "[" needs its "]")`);
  }
  return terms.map((t) => t.trim()).filter((t) => t !== '');
}

/** Anything but whitespace, ":" and brackets, or one whole bracketed expression, repeated. */
const COLON_TERMS = /(?:[^\s:[\]]|\[[^\]]*\])+/g;

// Ansible's parse_address(pattern, allow_ranges=True), regular expressions ported one to one.
const NUMERIC_RANGE = String.raw`\[(?:[0-9]+:[0-9]+)(?::[0-9]+)?\]`;
const HEX_RANGE = String.raw`\[(?:[0-9a-f]+:[0-9a-f]+)(?::[0-9]+)?\]`;
const ALPHANUMERIC_RANGE = String.raw`\[(?:[a-z]:[a-z]|[0-9]+:[0-9]+)(?::[0-9]+)?\]`;
const IPV6_PART = `(?:[0-9a-f]{1,4}|${HEX_RANGE})`;
const IPV4_PART = `(?:[01]?[0-9]{1,2}|2[0-4][0-9]|25[0-5]|${NUMERIC_RANGE})`;
const LABEL = String.raw`(?:[\p{L}\p{N}_]|${ALPHANUMERIC_RANGE})(?:[\p{L}\p{N}_-]|${ALPHANUMERIC_RANGE})*(?<![_-])`;
const I4 = IPV4_PART;
const I6 = IPV6_PART;

const BRACKETED_HOSTPORT = /^\[(.+)\]:([0-9]+)$/u;
const HOSTPORT = /^((?:[^:[\]]|\[[^\]]*\])*):([0-9]+)$/su;
const IPV4 = new RegExp(String.raw`^(?:${I4}\.){3}${I4}$`, 'iu');
// As in Ansible, ^ and $ bind to the first and last alternatives only: the others match a prefix.
const IPV6 = new RegExp(
  '^(?:' +
    [
      `(?:${I6}:){7}${I6}`,
      `(?:${I6}:){1,6}:`,
      `(?:${I6}:)(?::${I6}){1,6}`,
      `(?:${I6}:){2}(?::${I6}){1,5}`,
      `(?:${I6}:){3}(?::${I6}){1,4}`,
      `(?:${I6}:){4}(?::${I6}){1,3}`,
      `(?:${I6}:){5}(?::${I6}){1,2}`,
      `(?:${I6}:){6}(?::${I6})`,
      `:(?::${I6}){1,6}`,
      `${I6}?::`,
      String.raw`(?:0:){6}(?:${I6}\.){3}${I6}`,
      String.raw`::(?:ffff:)?(?:${I6}\.){3}${I6}`,
      String.raw`(?:0:){5}ffff:(?:${I6}\.){3}${I6}$`,
    ].join('|') +
    ')',
  'iu',
);
const HOSTNAME = new RegExp(String.raw`^${LABEL}(?:\.${LABEL})*$`, 'iu');

/** Whether the text is one host identifier, with an optional :port and [x:y] ranges. */
export function isHostAddress(text: string): boolean {
  let address = text;
  for (const form of [BRACKETED_HOSTPORT, HOSTPORT]) {
    const m = form.exec(address);
    if (m) address = m[1] ?? '';
  }
  return IPV4.test(address) || IPV6.test(address) || HOSTNAME.test(address);
}
