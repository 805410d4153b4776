import { ConfigError } from '../errors.js';
import { shellJoin, shellQuote, shlexSplit } from '../util/shlex.js';
import { defineAction } from './define.js';
import { decideSysv, type ServiceState, type SysvFacts } from './service-state.js';
import { finishSystemd, SERVICE_STATES, systemdReadScript, type SystemdArgs } from './systemd.js';
import type { ActionContext, ModuleResult } from './types.js';

interface ServiceArgs {
  readonly name: string;
  readonly state?: ServiceState | undefined;
  readonly enabled?: boolean | undefined;
  readonly sleep?: number | undefined;
  readonly pattern?: string | undefined;
  readonly arguments: string;
  readonly use: 'auto' | 'systemd' | 'sysvinit';
}

/** The init script's state: exists, running (status exit 0, or the pattern in ps), S and K links. */
function sysvStateScript(args: ServiceArgs): string {
  const name = shellQuote(args.name);
  const status = args.pattern !== undefined
    ? `ps auxww | grep -v grep | grep -q -- ${shellQuote(args.pattern)} && echo '@@svc running'`
    : `"$s" status >/dev/null 2>&1 </dev/null && echo '@@svc running'`;
  return [
    `s=/etc/init.d/${name}`,
    `if [ -e "$s" ]; then echo '@@svc exists'; ${status}; fi`,
    `for f in /etc/rc?.d/S??${name}; do if [ -e "$f" ]; then echo '@@svc start-links'; break; fi; done`,
    `for f in /etc/rc?.d/K??${name}; do if [ -e "$f" ]; then echo '@@svc kill-links'; break; fi; done`,
  ].join('\n');
}

function parseSysv(output: string): SysvFacts {
  const has = (flag: string): boolean => new RegExp(`^@@svc ${flag}$`, 'm').test(output);
  return { exists: has('exists'), running: has('running'), startLinks: has('start-links'), killLinks: has('kill-links') };
}

/**
 * Ansible's service: through systemd when the host runs it (as the service action picks by the
 * service manager), else the init script with update-rc.d. The manager and the state are read
 * in one round trip; the changes take one more.
 */
async function runService(ctx: ActionContext, args: ServiceArgs): Promise<ModuleResult> {
  const systemdArgs: SystemdArgs = { name: args.name, state: args.state, enabled: args.enabled, daemon_reload: false, daemon_reexec: false, scope: 'system', no_block: false };
  const systemd = `echo '@@svc manager systemd'\n${systemdReadScript(ctx, systemdArgs)}`;
  const sysv = `echo '@@svc manager sysv'\n${sysvStateScript(args)}`;
  const script = args.use === 'systemd' ? systemd : args.use === 'sysvinit' ? sysv : `if [ -d /run/systemd/system ]; then\n${systemd}\nelse\n${sysv}\nfi`;
  const r = await ctx.exec(script);
  if (/^@@svc manager systemd$/m.test(r.stdout)) return finishSystemd(ctx, systemdArgs, r.stdout, r.stderr);
  const decision = decideSysv(args, parseSysv(r.stdout));
  if (decision.failed) return { changed: false, failed: true, msg: decision.failed, data: decision.result };
  const changed = decision.commands.length > 0;
  if (changed && !ctx.check) {
    // Words, as Ansible's run_command splits them (shlex): never shell code.
    let extra: string[];
    try {
      extra = shlexSplit(args.arguments);
    } catch (err) {
      return { changed: false, failed: true, msg: `arguments: ${(err as Error).message}`, data: decision.result };
    }
    const lines = decision.commands.map((c) => {
      const run = c[0] === 'update-rc.d' ? shellJoin(c) : `${shellJoin([...c, ...extra])} </dev/null`;
      // The daemon an init script starts keeps its own output: the task reads files, not its pipes.
      return `if ! ${run} >"$o" 2>&1; then cat "$o" >&2; rm -f "$o"; exit 1; fi`;
    });
    const sleep = args.state === 'restarted' && args.sleep ? args.sleep : 0;
    const body = sleep ? lines.join('\n').replace('"$0" stop "$@"; "$0" start "$@"', `"$0" stop "$@"; sleep ${sleep}; "$0" start "$@"`) : lines.join('\n');
    const done = await ctx.exec(`o=$(mktemp)\n${body}\nrm -f "$o"`);
    if (done.rc !== 0) return { changed: false, failed: true, msg: done.stderr.trim() || `exit ${done.rc}`, data: decision.result };
  }
  return { changed, data: { ...decision.result, changed } };
}

/** Ansible's service. */
export const serviceModule = defineAction({
  name: 'service',
  checkMode: "Reads the service's state and reports the change it would make, without making it, as Ansible does.",
  description: 'Starts, stops, restarts or reloads a service and sets whether it starts at boot: through systemctl on systemd hosts, else its /etc/init.d script and update-rc.d.',
  args: {
    args: {
      name: { type: 'str', required: true, description: 'The service (its unit or init script name).' },
      state: { type: 'str', choices: SERVICE_STATES, description: 'started/stopped: only if not already; restarted: always; reloaded: reload (start if stopped).' },
      enabled: { type: 'bool', description: 'Whether it starts at boot (systemctl enable / update-rc.d enable).' },
      sleep: { type: 'int', description: 'Init scripts: seconds between the stop and the start of a restart.' },
      pattern: { type: 'str', description: 'Init scripts without a working status: the service runs when this appears in `ps auxww`.' },
      arguments: { type: 'str', default: '', aliases: ['args'], description: 'Init scripts: more words after the action.' },
      use: { type: 'str', choices: ['auto', 'systemd', 'sysvinit'], default: 'auto', description: 'The service manager: auto (systemd when /run/systemd/system exists), systemd or sysvinit.' },
    },
    requiredOneOf: [['state', 'enabled']],
    notImplemented: ['runlevel'],
  },
  validate(args, context) {
    if (typeof args['name'] === 'string' && /[*?[]/.test(args['name']) && args['use'] === 'sysvinit') throw new ConfigError('service: a name with a glob is not supported', context.at);
  },
  run: (ctx, args) => runService(ctx, args),
});
