import { shellJoin } from '../util/shlex.js';
import { defineModule } from './define.js';
import type { Fact } from './facts/fact.js';
import { failure, noChange, type Plan } from './plan.js';

const ICMP_TYPE_OPTIONS = { ipv4: '--icmp-type', ipv6: '--icmpv6-type' } as const;
const BINS = { ipv4: 'iptables', ipv6: 'ip6tables' } as const;

export interface IptablesParams {
  readonly table: string;
  readonly chain?: string | undefined;
  readonly ip_version: 'ipv4' | 'ipv6';
  readonly wait?: string | undefined;
  readonly protocol?: string | undefined;
  readonly source?: string | undefined;
  readonly destination?: string | undefined;
  readonly match: readonly unknown[];
  readonly jump?: string | undefined;
  readonly log_prefix?: string | undefined;
  readonly log_level?: string | undefined;
  readonly to_destination?: string | undefined;
  readonly destination_ports: readonly unknown[];
  readonly to_source?: string | undefined;
  readonly goto?: string | undefined;
  readonly in_interface?: string | undefined;
  readonly out_interface?: string | undefined;
  readonly source_port?: string | undefined;
  readonly destination_port?: string | undefined;
  readonly to_ports?: string | undefined;
  readonly syn: 'ignore' | 'match' | 'negate';
  readonly ctstate: readonly unknown[];
  readonly reject_with?: string | undefined;
  readonly icmp_type?: string | undefined;
  readonly comment?: string | undefined;
  readonly rule_num?: string | undefined;
}

/** append_param: a value starting with "!" is negated. */
function param(rule: string[], value: string | undefined, flag: string): void {
  if (value === undefined || value === null) return;
  if (value.startsWith('!')) rule.push('!', flag, value.slice(1));
  else rule.push(flag, value);
}

/** construct_rule, for the options provision implements, in Ansible's order. */
export function constructRule(p: IptablesParams): string[] {
  const rule: string[] = [];
  if (p.wait) rule.push('-w', p.wait);
  param(rule, p.protocol, '-p');
  param(rule, p.source, '-s');
  param(rule, p.destination, '-d');
  for (const m of p.match) param(rule, String(m), '-m');
  param(rule, p.jump, '-j');
  param(rule, p.log_prefix, '--log-prefix');
  param(rule, p.log_level, '--log-level');
  param(rule, p.to_destination, '--to-destination');
  if (p.destination_ports.length) rule.push('-m', 'multiport', '--dports', p.destination_ports.map(String).join(','));
  param(rule, p.to_source, '--to-source');
  param(rule, p.goto, '-g');
  param(rule, p.in_interface, '-i');
  param(rule, p.out_interface, '-o');
  param(rule, p.source_port, '--source-port');
  param(rule, p.destination_port, '--destination-port');
  param(rule, p.to_ports, '--to-ports');
  if (p.syn === 'match') rule.push('--syn');
  else if (p.syn === 'negate') rule.push('!', '--syn');
  const matches = p.match.map(String);
  const ctstate = p.ctstate.map(String);
  if (matches.includes('conntrack')) {
    if (ctstate.length) rule.push('--ctstate', ctstate.join(','));
  } else if (matches.includes('state')) {
    if (ctstate.length) rule.push('--state', ctstate.join(','));
  } else if (ctstate.length) rule.push('-m', 'conntrack', '--ctstate', ctstate.join(','));
  if (p.jump === undefined && p.reject_with) rule.push('-j', 'REJECT');
  param(rule, p.reject_with, '--reject-with');
  param(rule, p.icmp_type, ICMP_TYPE_OPTIONS[p.ip_version]);
  if (p.comment) rule.push('-m', 'comment');
  param(rule, p.comment, '--comment');
  return rule;
}

/** push_arguments: iptables -t TABLE ACTION CHAIN [rule_num] [rule]. */
export function iptablesCommand(p: IptablesParams, action: string, withRule = true): string[] {
  return [BINS[p.ip_version], '-t', p.table, action, p.chain ?? '', ...(action === '-I' && p.rule_num ? [p.rule_num] : []), ...(withRule ? constructRule(p) : [])];
}

export interface IptablesState {
  readonly rulePresent: boolean;
  readonly chainPresent: boolean;
  readonly policy?: string;
}

function iptablesFact(p: IptablesParams): Fact<IptablesState> {
  const list = shellJoin(iptablesCommand(p, '-L', false));
  return {
    key: `iptables ${shellJoin(iptablesCommand(p, '-C'))}`,
    command: [
      `if ${shellJoin(iptablesCommand(p, '-C'))} >/dev/null 2>&1; then echo rule; fi`,
      `if l=$(${list} 2>/dev/null); then echo chain; printf '%s\\n' "$l" | head -n1 | sed -n 's/.*(policy \\([A-Z]*\\).*/policy \\1/p'; fi`,
    ].join('\n'),
    parse(output) {
      const lines = output.split('\n');
      const policy = lines.find((l) => l.startsWith('policy '))?.slice(7);
      return { rulePresent: lines.includes('rule'), chainPresent: lines.includes('chain'), ...(policy ? { policy } : {}) };
    },
  };
}

const opt = { type: 'str' } as const;

/** Ansible's iptables module: one rule (checked with iptables -C), a chain's policy, a flush. */
export const iptablesModule = defineModule({
  name: 'iptables',
  description: 'Makes sure one iptables rule is in a chain (or is not), checked with `iptables -C` so a second run changes nothing; also a chain\'s policy or a flush.',
  args: {
    args: {
      table: { type: 'str', choices: ['filter', 'nat', 'mangle', 'raw', 'security'], default: 'filter', description: 'The table.' },
      state: { type: 'str', choices: ['present', 'absent'], default: 'present', description: 'Whether the rule is there.' },
      action: { type: 'str', choices: ['append', 'insert'], default: 'append', description: 'A new rule goes at the end of the chain (-A) or at its start (-I, or at rule_num).' },
      rule_num: { ...opt, description: 'With action=insert: the position.' },
      ip_version: { type: 'str', choices: ['ipv4', 'ipv6'], default: 'ipv4', description: 'iptables or ip6tables.' },
      chain: { ...opt, description: 'The chain (INPUT, FORWARD, a chain of your own…).' },
      protocol: { ...opt, description: 'tcp, udp, icmp, all… ("!" first negates).' },
      source: { ...opt, description: 'Source address or network.' },
      destination: { ...opt, description: 'Destination address or network.' },
      match: { type: 'list', default: [], description: 'Match extensions (-m), in order.' },
      jump: { ...opt, description: 'The target (ACCEPT, DROP, a chain…).' },
      goto: { ...opt, description: 'Continue in this chain (-g).' },
      in_interface: { ...opt, description: 'Incoming interface (-i).' },
      out_interface: { ...opt, description: 'Outgoing interface (-o).' },
      source_port: { ...opt, description: 'Source port or range (with protocol tcp/udp).' },
      destination_port: { ...opt, description: 'Destination port or range (with protocol tcp/udp).' },
      destination_ports: { type: 'list', default: [], description: 'Several destination ports (-m multiport --dports).' },
      to_ports: { ...opt, description: 'Ports for REDIRECT/MASQUERADE.' },
      to_destination: { ...opt, description: 'For DNAT.' },
      to_source: { ...opt, description: 'For SNAT.' },
      ctstate: { type: 'list', default: [], description: 'Connection states (-m conntrack --ctstate).' },
      syn: { type: 'str', choices: ['ignore', 'match', 'negate'], default: 'ignore', description: 'Match (or not) TCP SYN packets.' },
      reject_with: { ...opt, description: 'The ICMP reply of REJECT (sets jump REJECT when jump is not given).' },
      icmp_type: { ...opt, description: 'ICMP type.' },
      log_prefix: { ...opt, description: 'LOG prefix (sets jump LOG).' },
      log_level: { type: 'str', choices: ['0', '1', '2', '3', '4', '5', '6', '7', 'emerg', 'alert', 'crit', 'error', 'warning', 'notice', 'info', 'debug'], description: 'LOG level (sets jump LOG).' },
      comment: { ...opt, description: 'A comment on the rule (-m comment --comment).' },
      wait: { ...opt, description: 'Wait this many seconds for the xtables lock (-w).' },
      flush: { type: 'bool', default: false, description: 'Flush the chain (or the whole table without chain).' },
      policy: { type: 'str', choices: ['ACCEPT', 'DROP', 'QUEUE', 'RETURN'], description: 'Set the chain\'s policy instead of managing a rule.' },
      chain_management: { type: 'bool', default: false, description: 'Create the chain for a rule when it does not exist (and delete it with state=absent and no rule).' },
    },
    notImplemented: ['tcp_flags', 'fragment', 'set_counters', 'set_dscp_mark', 'set_dscp_mark_class', 'src_range', 'dst_range', 'match_set', 'match_set_flags', 'limit', 'limit_burst', 'uid_owner', 'gid_owner', 'gateway'],
  },
  facts: (args) => ({ iptables: iptablesFact(withLogJump(args as unknown as IptablesParams)) }),
  plan(args, facts): Plan {
    const p = withLogJump(args as unknown as IptablesParams);
    const rule = constructRule(p).join(' ');
    const result = { ip_version: args.ip_version, table: args.table, chain: args.chain ?? null, flush: args.flush, rule, state: args.state, chain_management: args.chain_management };
    if (!args.flush && args.chain === undefined) return failure('Either chain or flush parameter must be specified.', result);
    if ((args.log_prefix || args.log_level) && args.jump !== undefined && args.jump !== 'LOG') return failure('Logging options can only be used with the LOG jump target.', result);
    const state = facts.iptables;
    const run = (what: string, argv: string[]) => ({ kind: 'script' as const, what, script: shellJoin(argv) });
    if (args.flush) return { changes: [run(`flush ${args.chain ?? `table ${args.table}`}`, iptablesCommand(p, '-F', false).filter((a) => a !== ''))], result };
    if (args.policy) {
      if (!state.policy) return failure("Can't detect current policy", result);
      if (state.policy === args.policy) return noChange(result);
      return { changes: [run(`set the policy of ${args.chain} to ${args.policy}`, [...iptablesCommand(p, '-P', false), args.policy])], result };
    }
    if (args.state === 'absent' && rule === '') {
      if (!state.chainPresent) return noChange(result);
      return { changes: args.chain_management ? [run(`delete chain ${args.chain}`, iptablesCommand(p, '-X', false))] : [{ kind: 'script', what: `chain ${args.chain} exists`, script: ':' }], result };
    }
    const present = args.state === 'present';
    if (state.rulePresent === present) return noChange(result);
    if (!present) return { changes: [run(`delete the rule from ${args.chain}`, iptablesCommand(p, '-D'))], result };
    const create = !state.chainPresent && args.chain_management ? [run(`create chain ${args.chain}`, iptablesCommand(p, '-N', false))] : [];
    return { changes: [...create, run(`${args.action === 'insert' ? 'insert' : 'append'} the rule in ${args.chain}`, iptablesCommand(p, args.action === 'insert' ? '-I' : '-A'))], result };
  },
});

/** log_prefix or log_level without jump: jump LOG, as Ansible does. */
function withLogJump(p: IptablesParams): IptablesParams {
  return (p.log_prefix || p.log_level) && p.jump === undefined ? { ...p, jump: 'LOG' } : p;
}
