/**
 * What the `weave` module reads on a host, parsed: one probe script prints `weave status`,
 * `weave status targets` and the bridge's addresses between markers (weave 1.x's formats, which
 * the lab's stand-in prints too).
 */

export type RouterState = 'running' | 'stopped' | 'absent';

export interface WeaveObserved {
  /** No weave script at the path given. */
  readonly missing: boolean;
  readonly router: RouterState;
  /** `Range:` of the ipam section (undefined when the router is not running or runs without IPAM). */
  readonly range: string | undefined;
  readonly encryption: boolean;
  readonly targets: readonly string[];
  /** The weave bridge's IPv4 addresses (CIDR), and whether it exists. */
  readonly addresses: readonly string[];
  readonly bridge: boolean;
}

const MARK = '@@weave-probe';

/** The probe: a POSIX sh script run as the task's user (root under become). */
export function probeScript(quotedExecutable: string): string {
  return [
    `w=${quotedExecutable}`,
    `if [ ! -x "$w" ]; then echo "${MARK} missing"; exit 0; fi`,
    `echo "${MARK} status"; "$w" status 2>&1; echo "${MARK} rc $?"`,
    `echo "${MARK} targets"; "$w" status targets 2>/dev/null || true`,
    `echo "${MARK} addresses"; ip -4 -o addr show dev weave 2>/dev/null | awk '{print $4}'`,
    `echo "${MARK} bridge"; if [ -d /sys/class/net/weave ]; then echo yes; else echo no; fi`,
  ].join('\n');
}

function sections(output: string): Map<string, string[]> {
  const result = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of output.split('\n')) {
    if (line.startsWith(`${MARK} `)) {
      const [name, ...rest] = line.slice(MARK.length + 1).split(' ');
      current = [];
      result.set(name ?? '', current);
      if (rest.length > 0) current.push(rest.join(' '));
      continue;
    }
    current?.push(line);
  }
  return result;
}

const nonEmpty = (lines: readonly string[] | undefined): string[] => (lines ?? []).map((l) => l.trim()).filter(Boolean);

export function parseProbe(output: string): WeaveObserved {
  const s = sections(output);
  if (s.has('missing')) return { missing: true, router: 'absent', range: undefined, encryption: false, targets: [], addresses: [], bridge: false };
  const status = (s.get('status') ?? []).join('\n');
  const rc = Number(s.get('rc')?.[0] ?? '1');
  const router: RouterState = rc === 0 ? 'running' : /container is not present/.test(status) ? 'absent' : 'stopped';
  return {
    missing: false,
    router,
    range: router === 'running' ? /^\s*Range: (\S+)$/m.exec(status)?.[1] : undefined,
    encryption: /^\s*Encryption: enabled$/m.test(status),
    targets: router === 'running' ? nonEmpty(s.get('targets')) : [],
    addresses: nonEmpty(s.get('addresses')),
    bridge: nonEmpty(s.get('bridge'))[0] === 'yes',
  };
}
