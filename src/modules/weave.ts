import { ConfigError } from '../errors.js';
import { hasTemplate } from '../template/templar.js';
import { shellJoin, shellQuote } from '../util/shlex.js';
import { defineAction } from './define.js';
import { planWeave, type WeaveStep, type WeaveWanted } from './weave-plan.js';
import { parseProbe, probeScript as probeScriptFor } from './weave-state.js';
import { type ActionContext, ModuleFailure, type ModuleResult } from './types.js';
import { parseIpv4Cidr } from '../util/ipv4.js';

const isCidr = (s: string): boolean => parseIpv4Cidr(s) !== undefined;

/** Peers as a list, or one string of names separated by spaces or commas (hesco's way). */
function peerList(value: readonly unknown[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const peers = value.flatMap((v) => String(v).split(/[\s,]+/)).filter(Boolean);
  for (const p of peers) {
    const why = peerProblem(p);
    if (why) throw new ModuleFailure(why);
  }
  return peers;
}

/** A peer weave would read as an option (`--password=…`, `--replace`) or that is not host[:port]. */
function peerProblem(peer: string): string | undefined {
  // A leading "-" would be one of weave's options, not a peer: refused, never passed on.
  if (!/^[^\s/:\0-]{1}[^\s/:\0]*(:[0-9A-Za-z]+)?$/.test(peer)) return `invalid peer name "${peer}", should be host[:port]`;
  return undefined;
}

/** The argument checks that need no host, for every value given as it is (templated ones are checked when they render). */
function argumentProblems(args: Record<string, unknown>): string[] {
  const literal = (v: unknown): v is string | number => (typeof v === 'string' && !hasTemplate(v)) || typeof v === 'number';
  const problems: string[] = [];
  const peers = args['peers'];
  for (const v of Array.isArray(peers) ? peers : []) {
    if (!literal(v)) continue;
    for (const p of String(v).split(/[\s,]+/).filter(Boolean)) {
      const why = peerProblem(p);
      if (why) problems.push(why);
    }
  }
  const range = args['ipalloc_range'];
  if (literal(range) && !isCidr(String(range))) problems.push(`ipalloc_range "${String(range)}" is not an IPv4 CIDR`);
  const expose = args['expose'];
  for (const cidr of Array.isArray(expose) ? expose : []) if (literal(cidr) && !isCidr(String(cidr))) problems.push(`expose: "${String(cidr)}" is not an IPv4 CIDR (address/prefix)`);
  const count = args['init_peer_count'];
  if (typeof count === 'number' && count < 1) problems.push('init_peer_count must be at least 1');
  const nickname = args['nickname'];
  if (literal(nickname) && /^-|[\0\n]/.test(String(nickname))) problems.push(`nickname "${String(nickname)}" would be read as an option or is not one line`);
  return problems;
}

async function runStep(ctx: ActionContext, executable: string, step: WeaveStep, password: string | undefined): Promise<void> {
  // The password travels as environment data (WEAVE_PASSWORD, which weave's launch reads): never argv or script text.
  const env = step.password && password !== undefined ? { WEAVE_PASSWORD: password } : undefined;
  const r = await ctx.exec(`exec ${shellJoin([executable, ...step.argv])}`, env ? { env } : {});
  if (r.rc !== 0) {
    throw new ModuleFailure(`weave ${step.argv[0]} failed (rc ${r.rc}): ${(r.stderr.trim() || r.stdout.trim()).split('\n').slice(-4).join(' ')}`, { rc: r.rc, step: step.what });
  }
}

/** `weave`: Weave Net 1.x's router on a host, idempotent by what `weave status` says. */
export const weaveModule = defineAction({
  name: 'weave',
  checkMode: 'Reads `weave status`, `status targets` and the bridge, and says what it would run (changed, with --diff the state before and after) without running it.',
  description:
    "Manages Weave Net 1.x's router with the `weave` script (or the lab's stand-in): launch with peers, password, IP allocation range and initial peer count; connect and forget only the difference between `peers` and `weave status targets`; expose addresses on the weave bridge; stop; reset (absent). A second run changes nothing.",
  args: {
    args: {
      state: { type: 'str', choices: ['started', 'stopped', 'absent'], default: 'started', description: 'started: the router runs (launched if needed) with these settings; stopped: `weave stop`; absent: `weave reset` (router, bridge and state removed).' },
      peers: { type: 'list', description: 'The peers this host connects to (host[:port]), a list or one string separated by spaces or commas. Given, the router\'s targets become exactly these (connect the new, forget the others); not given, targets are left alone. A peer naming this host (its inventory name or ansible_host) is left out, so every host can be given the whole group.' },
      password: { type: 'str', description: 'The network password, given to `weave launch` as WEAVE_PASSWORD in its environment (as data: never in argv, script text, output or logs).' },
      ipalloc_range: { type: 'str', description: 'The IP allocation range (`--ipalloc-range`, a CIDR). A running router with another range is stopped and launched again.' },
      init_peer_count: { type: 'int', description: 'The initial peer count for IPAM consensus (`--init-peer-count`), used at launch.' },
      no_restart: { type: 'bool', default: false, description: 'Launch without Docker\'s restart policy (`--no-restart`), as when a service manager restarts weave.' },
      nickname: { type: 'str', description: 'The router\'s nickname (`--nickname`); the host name when not given.' },
      expose: { type: 'list', default: [], description: 'Addresses (CIDR) to put on the weave bridge with `weave expose` when it lacks them.' },
      executable: { type: 'path', default: '/usr/local/bin/weave', description: 'The weave script.' },
    },
  },
  validate(args, context) {
    const [problem] = argumentProblems(args);
    if (problem) throw new ConfigError(`weave: ${problem}`, context.at);
  },
  async run(ctx, args) {
    // A peer naming this host itself (its inventory name or address) is left out, as the seeds do
    // (sttts connects to every other host; hesco strips the host's own address).
    const self = new Set([ctx.host, String(ctx.vars['ansible_host'] ?? ctx.host)]);
    const peers = peerList(args.peers)?.filter((p) => !self.has(p.replace(/:[0-9A-Za-z]+$/, '')));
    const [problem] = argumentProblems(args);
    if (problem) throw new ModuleFailure(problem);
    const probe = await ctx.exec(probeOf(args.executable));
    if (probe.rc !== 0) throw new ModuleFailure(`could not read weave's state: ${probe.stderr.trim()}`);
    const probed = parseProbe(probe.stdout);
    // In check mode the task that installs the script did not run: plan as if it had, with no router yet.
    const seen = probed.missing && ctx.check ? { ...probed, missing: false } : probed;
    if (seen.missing && args.state !== 'absent') throw new ModuleFailure(`no weave script at ${args.executable} (install it first, e.g. with get_url)`);
    const wanted: WeaveWanted = {
      state: args.state,
      peers,
      hasPassword: args.password !== undefined && args.password !== '',
      ipallocRange: args.ipalloc_range,
      initPeerCount: args.init_peer_count,
      noRestart: args.no_restart,
      nickname: args.nickname,
      expose: args.expose.map(String),
    };
    const plan = seen.missing ? undefined : planWeave(wanted, seen);
    const steps = plan?.steps ?? [];
    const data = {
      state: args.state,
      router: plan?.after.router ?? 'absent',
      targets: plan?.after.targets ?? [],
      connected: plan?.connected ?? [],
      forgotten: plan?.forgotten ?? [],
      commands: steps.map((s) => s.what),
    };
    const result = (msg: string): ModuleResult => ({
      changed: steps.length > 0,
      msg,
      ...(ctx.diff && plan && steps.length > 0 ? { diff: [plan.diff] } : {}),
      data,
    });
    if (steps.length === 0) return result('weave is as wanted');
    if (ctx.check) return result(`would ${steps.map((s) => s.what).join('; ')}`);
    for (const step of steps) await runStep(ctx, args.executable, step, args.password);
    return result(steps.map((s) => s.what).join('; '));
  },
});

function probeOf(executable: string): string {
  return probeScriptFor(shellQuote(executable));
}

