/**
 * The pure half of systemd and service: what the host says about a unit (systemctl show,
 * is-enabled; or an init script's status and rc?.d links) in, the commands to run and the
 * result out, decided as Ansible's systemd module and service module (LinuxService) decide.
 */

export type ServiceState = 'started' | 'stopped' | 'restarted' | 'reloaded';

/** `systemctl show` as Ansible parses it: key=value, only Exec* values may span lines ({ … }). */
export function parseSystemctlShow(output: string): Record<string, string> {
  const parsed: Record<string, string> = {};
  let key: string | undefined;
  let multi: string[] = [];
  for (const line of output.split('\n')) {
    if (key === undefined) {
      const eq = line.indexOf('=');
      if (eq < 0) continue;
      const k = line.slice(0, eq);
      const v = line.slice(eq + 1);
      if (k.startsWith('Exec') && v.trimStart().startsWith('{') && !v.trimEnd().endsWith('}')) {
        key = k;
        multi = [v];
        continue;
      }
      parsed[k] = v.trimEnd();
    } else {
      multi.push(line);
      if (line.trimEnd().endsWith('}')) {
        parsed[key] = multi.join('\n').trim();
        key = undefined;
      }
    }
  }
  return parsed;
}

export interface SystemdFacts {
  /** systemctl show (empty when it failed). */
  readonly status: Record<string, string>;
  /** `systemctl is-enabled UNIT -l`: its output and exit status. */
  readonly isEnabled: { readonly out: string; readonly rc: number };
  /** /etc/init.d/<name> exists, and it has S links in some rc?.d. */
  readonly initScript: boolean;
  readonly sysvEnabled: boolean;
}

export interface SystemdWanted {
  readonly name: string;
  readonly state?: ServiceState | undefined;
  readonly enabled?: boolean | undefined;
  readonly masked?: boolean | undefined;
  readonly scope: 'system' | 'user' | 'global';
}

export interface ServiceDecision {
  /** systemctl verbs, in order (mask/unmask, enable/disable, start/stop/restart/reload). */
  readonly actions: readonly string[];
  readonly result: Record<string, unknown>;
  readonly failed?: string;
}

const running = (status: Record<string, string>): boolean => ['active', 'activating'].includes(status['ActiveState'] ?? '');

/** Ansible's systemd module, step by step (masked, then enabled, then state). */
export function decideSystemd(want: SystemdWanted, facts: SystemdFacts): ServiceDecision {
  const { status } = facts;
  const isSystemd = status['LoadState'] !== undefined && status['LoadState'] !== 'not-found';
  const masked = status['LoadState'] === 'masked';
  const result: Record<string, unknown> = { name: want.name, status };
  const actions: string[] = [];
  if (isSystemd && !masked && status['LoadError'] !== undefined && status['LoadError'] !== '') {
    return { actions, result, failed: `Error loading unit file '${want.name}': ${status['LoadError']}` };
  }
  const found = isSystemd || facts.initScript;
  const missing = `Could not find the requested service ${want.name}: host`;
  if (want.masked !== undefined) {
    const isMasked = facts.isEnabled.out.trim() === 'masked';
    if (isMasked !== want.masked) actions.push(want.masked ? 'mask' : 'unmask');
  }
  if (want.enabled !== undefined) {
    if (!found) return { actions, result, failed: missing };
    const lines = facts.isEnabled.out.split('\n').filter((l) => l !== '');
    let enabled = facts.isEnabled.rc === 0 && !(lines.length === 1 && ['indirect', 'alias'].includes(lines[0] ?? ''));
    if (facts.isEnabled.rc === 1 && want.scope === 'system' && facts.initScript && !facts.isEnabled.out.trim().endsWith('disabled') && facts.sysvEnabled) enabled = true;
    result['enabled'] = enabled;
    if (enabled !== want.enabled) {
      actions.push(want.enabled ? 'enable' : 'disable');
      result['enabled'] = !enabled;
    }
  }
  if (want.state !== undefined) {
    if (!found) return { actions, result, failed: missing };
    result['state'] = want.state;
    if (status['ActiveState'] === undefined) return { actions, result, failed: 'Service is in unknown state' };
    let action: string | undefined;
    if (want.state === 'started') action = running(status) ? undefined : 'start';
    else if (want.state === 'stopped') action = running(status) || status['ActiveState'] === 'deactivating' ? 'stop' : undefined;
    else {
      action = running(status) ? want.state.slice(0, -2) : 'start';
      result['state'] = 'started';
    }
    if (action) actions.push(action);
  }
  return { actions, result };
}

export interface SysvFacts {
  /** /etc/init.d/<name> exists. */
  readonly exists: boolean;
  /** `/etc/init.d/<name> status` exit status (0: running), or a pattern found in ps. */
  readonly running: boolean;
  /** S links in /etc/rc?.d, K links in /etc/rc?.d. */
  readonly startLinks: boolean;
  readonly killLinks: boolean;
}

export interface SysvWanted {
  readonly name: string;
  readonly state?: ServiceState | undefined;
  readonly enabled?: boolean | undefined;
}

/** Ansible's service module on an update-rc.d host: commands as shell words (run in this order). */
export function decideSysv(want: SysvWanted, facts: SysvFacts): { commands: string[][]; result: Record<string, unknown>; failed?: string } {
  const result: Record<string, unknown> = { name: want.name, changed: false };
  if (!facts.exists) return { commands: [], result, failed: `Could not find the requested service ${want.name}: ` };
  const commands: string[][] = [];
  if (want.enabled !== undefined) {
    result['enabled'] = want.enabled;
    if (want.enabled !== facts.startLinks) {
      if (want.enabled && !facts.killLinks) commands.push(['update-rc.d', want.name, 'defaults']);
      commands.push(['update-rc.d', want.name, want.enabled ? 'enable' : 'disable']);
    }
  }
  if (want.state !== undefined) {
    result['state'] = want.state;
    const script = `/etc/init.d/${want.name}`;
    if (want.state === 'started' && !facts.running) commands.push([script, 'start']);
    if (want.state === 'stopped' && facts.running) commands.push([script, 'stop']);
    // As Ansible: stop then start (not every script has restart); a failed stop does not matter when start works.
    if (want.state === 'restarted') commands.push(['sh', '-c', '"$0" stop "$@"; "$0" start "$@"', script]);
    if (want.state === 'reloaded') commands.push([script, facts.running ? 'reload' : 'start']);
    if (want.state === 'restarted' || want.state === 'reloaded') result['state'] = 'started';
  }
  return { commands, result };
}
