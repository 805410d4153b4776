import { ConfigError } from '../errors.js';
import { shellQuote } from '../util/shlex.js';
import { defineAction } from './define.js';
import { decideSystemd, parseSystemctlShow, type ServiceState, type SystemdFacts } from './service-state.js';
import type { ActionContext, ModuleResult } from './types.js';

export const SERVICE_STATES = ['started', 'stopped', 'restarted', 'reloaded'] as const;

/** `systemctl` with the scope and flags the task asked for. */
function systemctl(scope: string, noBlock = false, force = false): string {
  return ['systemctl', ...(scope !== 'system' ? [`--${scope}`] : []), ...(noBlock ? ['--no-block'] : []), ...(force ? ['--force'] : [])].join(' ');
}

/** The shell that prints a unit's state in sections: show, is-enabled (with its status), init script. */
export function systemdStateScript(unit: string, scope: string): string {
  const q = shellQuote(unit);
  const base = shellQuote(unit.replace(/\.service$/, ''));
  return [
    `echo '@@svc show'; ${systemctl(scope)} show -- ${q} 2>/dev/null`,
    `echo '@@svc enabled'; ${systemctl(scope)} is-enabled -l -- ${q} 2>/dev/null; echo "@@svc enabled-rc $?"`,
    `if [ -e /etc/init.d/${base} ]; then echo '@@svc initd'; fi`,
    `for f in /etc/rc?.d/S??${base}; do if [ -e "$f" ]; then echo '@@svc sysv-enabled'; break; fi; done`,
  ].join('\n');
}

export function parseSystemdState(output: string): SystemdFacts {
  const parts = new Map<string, string>();
  let current = '';
  let rc = 1;
  const flags = new Set<string>();
  for (const line of output.split('\n')) {
    const m = /^@@svc (\S+)(?: (.*))?$/.exec(line);
    if (m?.[1]) {
      if (m[1] === 'enabled-rc') rc = Number(m[2]);
      else if (m[1] === 'initd' || m[1] === 'sysv-enabled') flags.add(m[1]);
      else {
        current = m[1];
        parts.set(current, '');
      }
      continue;
    }
    if (current) parts.set(current, `${parts.get(current) ?? ''}${line}\n`);
  }
  return {
    status: parseSystemctlShow(parts.get('show') ?? ''),
    isEnabled: { out: (parts.get('enabled') ?? '').replace(/\n+$/, ''), rc },
    initScript: flags.has('initd'),
    sysvEnabled: flags.has('sysv-enabled'),
  };
}

export interface SystemdArgs {
  readonly name?: string | undefined;
  readonly state?: ServiceState | undefined;
  readonly enabled?: boolean | undefined;
  readonly masked?: boolean | undefined;
  readonly daemon_reload: boolean;
  readonly daemon_reexec: boolean;
  readonly scope: 'system' | 'user' | 'global';
  readonly no_block: boolean;
  readonly force?: boolean | undefined;
}

/**
 * One round trip: daemon-reload/-reexec (not in check mode), then the unit's state; a second
 * one runs the systemctl verbs the decision needs (none in check mode).
 */
export async function runSystemd(ctx: ActionContext, args: SystemdArgs): Promise<ModuleResult> {
  const r = await ctx.exec(systemdReadScript(ctx, args));
  return finishSystemd(ctx, args, r.stdout, r.stderr);
}

/** daemon-reload/-reexec (not in check mode), then the unit's state: the first round trip. */
export function systemdReadScript(ctx: ActionContext, args: SystemdArgs): string {
  const sc = systemctl(args.scope);
  return [
    ...(args.daemon_reload && !ctx.check ? [`${sc} daemon-reload || { echo "@@svc reload-failed $?"; exit 0; }`] : []),
    ...(args.daemon_reexec && !ctx.check ? [`${sc} daemon-reexec || { echo "@@svc reexec-failed $?"; exit 0; }`] : []),
    ...(args.name !== undefined ? [systemdStateScript(args.name, args.scope)] : []),
    ':',
  ].join('\n');
}

/** From the first round trip's output: the decision, then one more round trip for the systemctl verbs (none in check mode). */
export async function finishSystemd(ctx: ActionContext, args: SystemdArgs, stdout: string, stderr: string): Promise<ModuleResult> {
  const failedReload = /^@@svc (reload|reexec)-failed (\d+)$/m.exec(stdout);
  if (failedReload) return { changed: false, failed: true, msg: `failure ${failedReload[2]} during daemon-${failedReload[1]}: ${stderr.trim()}` };
  if (args.name === undefined) return { changed: false, data: { name: null, status: {} } };
  const decision = decideSystemd({ name: args.name, state: args.state, enabled: args.enabled, masked: args.masked, scope: args.scope }, parseSystemdState(stdout));
  if (decision.failed) return { changed: false, failed: true, msg: decision.failed, data: decision.result };
  const changed = decision.actions.length > 0;
  if (changed && !ctx.check) {
    const run = systemctl(args.scope, args.no_block, args.force === true);
    const q = shellQuote(args.name);
    const script = decision.actions
      .map((a) => `out=$(${run} ${a} -- ${q} 2>&1) || { printf '%s' "$out" >&2; echo '@@svc failed ${a}'; exit 1; }`)
      .join('\n');
    const done = await ctx.exec(script);
    if (done.rc !== 0) {
      const action = /^@@svc failed (\S+)$/m.exec(done.stdout)?.[1] ?? decision.actions[0] ?? '';
      const msg = ['mask', 'unmask'].includes(action) ? `Could not find the requested service ${args.name}: host` : `Unable to ${action} service ${args.name}: ${done.stderr}`;
      return { changed: false, failed: true, msg, data: decision.result };
    }
  }
  return { changed, data: decision.result };
}

/** Ansible's systemd (systemd_service): a unit's state, enablement and mask through systemctl. */
export const systemdModule = defineAction({
  name: 'systemd',
  checkMode: "Reads the unit's state and reports the change start/stop/enable/mask… would make, without making it (no daemon-reload either), as Ansible does.",
  description: 'Starts, stops, restarts or reloads a systemd unit, enables or masks it, and runs daemon-reload, through systemctl.',
  args: {
    args: {
      name: { type: 'str', aliases: ['service', 'unit'], description: 'The unit (`docker` means docker.service).' },
      state: { type: 'str', choices: SERVICE_STATES, description: 'started/stopped: only if not already; restarted: always; reloaded: reload (start if stopped).' },
      enabled: { type: 'bool', description: 'Whether the unit starts at boot (systemctl enable/disable).' },
      masked: { type: 'bool', description: 'Whether the unit is masked (cannot be started at all).' },
      daemon_reload: { type: 'bool', default: false, aliases: ['daemon-reload'], description: 'Run systemctl daemon-reload first (after changing unit files); not in check mode.' },
      daemon_reexec: { type: 'bool', default: false, aliases: ['daemon-reexec'], description: 'Run systemctl daemon-reexec first.' },
      scope: { type: 'str', choices: ['system', 'user', 'global'], default: 'system', description: "The systemd manager: the system's, the calling user's (user) or every user's (global)." },
      no_block: { type: 'bool', default: false, description: 'Do not wait for the start/stop job to finish (systemctl --no-block).' },
      force: { type: 'bool', description: 'systemctl --force (enable over conflicting links).' },
    },
    requiredOneOf: [['state', 'enabled', 'masked', 'daemon_reload', 'daemon_reexec']],
  },
  validate(args, context) {
    for (const needs of ['state', 'enabled', 'masked']) {
      if (args[needs] !== undefined && args[needs] !== null && args['name'] === undefined) throw new ConfigError(`systemd: missing parameter(s) required by '${needs}': name`, context.at);
    }
  },
  run: (ctx, args) => runSystemd(ctx, args),
});
