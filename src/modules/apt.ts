import type { Vars } from '../util/data.js';
import { shellQuote } from '../util/shlex.js';
import { aptLockOption, aptLockPrelude } from './apt-lock.js';
import { decideApt, parseAptPolicy } from './apt-state.js';
import { defineAction } from './define.js';
import type { ActionContext, ModuleResult } from './types.js';

const STATES = ['absent', 'present', 'latest'] as const;

/** Where Ansible reads the time of the last cache update: the success stamp, else the lists directory. */
const CACHE_MTIME = 'if [ -e /var/lib/apt/periodic/update-success-stamp ]; then stat -c %Y /var/lib/apt/periodic/update-success-stamp; elif [ -e /var/lib/apt/lists ]; then stat -c %Y /var/lib/apt/lists; else echo 0; fi';

export const APT_ARGS = {
  name: { type: 'list', aliases: ['pkg', 'package'], description: 'Package names (a list or a comma-separated string), each optionally `name=version` (fnmatch) or `name>=version`; all go to one apt-get call.' },
  state: { type: 'str', choices: STATES, default: 'present', description: 'present: installed; latest: installed at the candidate version; absent: removed.' },
  update_cache: { type: 'bool', aliases: ['update-cache'], description: 'Run `apt-get update` first (alone, or before installing); with cache_valid_time only when the cache is older.' },
  cache_valid_time: { type: 'int', default: 0, description: 'Update the cache only when it is older than this many seconds (implies update_cache).' },
  deb: { type: 'path', description: 'A .deb file on the host to install (with its dependencies, through apt-get), unless that version is installed.' },
  install_recommends: { type: 'bool', aliases: ['install-recommends'], description: "Install recommended packages too (true) or not (false); by default apt's own setting." },
  purge: { type: 'bool', default: false, description: 'With state=absent: remove configuration files too (and purge packages that left only those).' },
  autoremove: { type: 'bool', default: false, description: 'Also remove packages installed as dependencies that nothing needs any more.' },
  force: { type: 'bool', default: false, description: 'apt-get --force-yes (dangerous: installs unauthenticated packages and downgrades).' },
  only_upgrade: { type: 'bool', default: false, description: 'Only upgrade packages that are installed; never install new ones.' },
  allow_unauthenticated: { type: 'bool', default: false, aliases: ['allow-unauthenticated'], description: 'Install packages that cannot be authenticated.' },
  allow_downgrade: { type: 'bool', default: false, aliases: ['allow-downgrade', 'allow_downgrades', 'allow-downgrades'], description: 'Allow installing a lower version than the installed one.' },
  default_release: { type: 'str', aliases: ['default-release'], description: 'apt-get -t: the release packages are taken from.' },
  dpkg_options: { type: 'str', default: 'force-confdef,force-confold', description: 'dpkg options, comma-separated, each given as -o Dpkg::Options::=--OPTION.' },
  lock_timeout: { type: 'int', default: 60, description: 'Seconds to wait for the apt/dpkg lock held by another process before failing.' },
  force_apt_get: { type: 'bool', default: false, description: 'Accepted for compatibility: provision always uses apt-get.' },
} as const;

/** The arguments apt (and package) hand to runApt, after validation. */
export interface AptArgs {
  readonly name?: unknown[] | undefined;
  readonly state: (typeof STATES)[number];
  readonly update_cache?: boolean | undefined;
  readonly cache_valid_time: number;
  readonly deb?: string | undefined;
  readonly install_recommends?: boolean | undefined;
  readonly purge: boolean;
  readonly autoremove: boolean;
  readonly force: boolean;
  readonly only_upgrade: boolean;
  readonly allow_unauthenticated: boolean;
  readonly allow_downgrade: boolean;
  readonly default_release?: string | undefined;
  readonly dpkg_options: string;
  readonly lock_timeout: number;
}

/** A .deb's path as apt-get and dpkg-deb must get it: relative ones with ./ (a file, never an option such as -x.deb). */
const debPath = (deb: string): string => (deb.startsWith('/') ? deb : `./${deb}`);

/** Lines `@@apt KEY VALUE` and sections `@@apt policy` … in the state script's output. */
function sections(output: string): { fields: Map<string, string>; text: Map<string, string> } {
  const fields = new Map<string, string>();
  const text = new Map<string, string>();
  let current: string | undefined;
  for (const line of output.split('\n')) {
    const m = /^@@apt (\S+)(?: (.*))?$/.exec(line);
    if (m?.[1]) {
      if (m[2] !== undefined) fields.set(m[1], m[2]);
      else {
        current = m[1];
        text.set(current, '');
      }
      continue;
    }
    if (current !== undefined) text.set(current, `${text.get(current) ?? ''}${line}\n`);
  }
  return { fields, text };
}

/** The apt-get options every install and remove gets (Ansible's, in its order). */
function aptGetOptions(args: AptArgs): string[] {
  const dpkg = args.dpkg_options.split(',').map((o) => o.trim()).filter(Boolean).map((o) => `-o ${shellQuote(`Dpkg::Options::=--${o}`)}`);
  return [
    '-y', ...dpkg, aptLockOption(args.lock_timeout),
    ...(args.force ? ['--force-yes'] : []),
    ...(args.autoremove ? ['--auto-remove'] : []),
    ...(args.only_upgrade ? ['--only-upgrade'] : []),
    ...(args.default_release ? ['-t', shellQuote(args.default_release)] : []),
    ...(args.install_recommends === false ? ['-o', 'APT::Install-Recommends=no'] : args.install_recommends === true ? ['-o', 'APT::Install-Recommends=yes'] : []),
    ...(args.allow_unauthenticated ? ['--allow-unauthenticated'] : []),
    ...(args.allow_downgrade ? ['--allow-downgrades'] : []),
  ];
}

/**
 * One round trip reads the cache's age, updates it when asked and due (not in check mode), and
 * reads the packages' state; a second one runs apt-get once for all packages, if any need it.
 */
export async function runApt(ctx: ActionContext, args: AptArgs): Promise<ModuleResult> {
  const packages = (args.name ?? []).map(String).map((p) => p.trim()).filter((p) => p !== '');
  if (args.deb !== undefined && args.state !== 'present') return { changed: false, failed: true, msg: 'deb only supports state=present' };
  if (packages.includes('*')) return { changed: false, failed: true, msg: 'provision does not implement name="*" (upgrading every package)' };
  const update = args.update_cache === true || args.cache_valid_time > 0;
  const names = packages.map((p) => p.split(/>?=/)[0] ?? p);
  const quoted = names.map(shellQuote).join(' ');
  const script = [
    aptLockPrelude(args.lock_timeout),
    `m=$(${CACHE_MTIME}); echo "@@apt mtime $m"`,
    update
      ? `if [ $((m + ${args.cache_valid_time})) -lt "$(date +%s)" ]; then echo '@@apt update due'; ${ctx.check ? ':' : `u=$(mktemp) || exit 1; apt_locked apt-get update -q >"$u" 2>&1; r=$?; if [ $r -ne 0 ]; then echo '@@apt update-error'; cat "$u"; rm -f "$u"; exit 0; fi; rm -f "$u"; echo "@@apt mtime2 $(${CACHE_MTIME})"`}; fi`
      : ':',
    ...(names.length > 0 ? ['echo "@@apt policy"', `apt-cache policy -- ${quoted} 2>/dev/null`, 'echo "@@apt config"', `dpkg-query -W -f='\${db:Status-Status} \${Package}\\n' -- ${quoted} 2>/dev/null | sed -n 's/^config-files //p'`] : []),
    ...(args.deb !== undefined
      ? [`d=${shellQuote(debPath(args.deb))}; if [ -f "$d" ]; then echo "@@apt deb-name $(dpkg-deb -f "$d" Package)"; echo "@@apt deb-version $(dpkg-deb -f "$d" Version)"; echo "@@apt deb-installed $(dpkg-query -W -f='\${db:Status-Status} \${Version}' -- "$(dpkg-deb -f "$d" Package)" 2>/dev/null)"; else echo '@@apt deb-missing'; fi`]
      : []),
  ].join('\n');
  const r = await ctx.exec(script);
  if (r.rc !== 0) return { changed: false, failed: true, msg: `reading the package state failed: ${r.stderr.trim() || `exit ${r.rc}`}` };
  const { fields, text } = sections(r.stdout);
  if (text.has('update-error')) return { changed: false, failed: true, msg: `Failed to update apt cache: ${(text.get('update-error') ?? '').trim() || 'unknown reason'}` };
  const before = Number(fields.get('mtime') ?? 0);
  const updated = fields.has('update') ? ctx.check || Number(fields.get('mtime2') ?? before) !== before : false;
  const cacheTime = Number(fields.get('mtime2') ?? before);
  const cache = { cache_updated: updated, cache_update_time: cacheTime };
  if (packages.length === 0 && args.deb === undefined) {
    if (update) return { changed: updated, data: cache };
    return { changed: false, data: {} };
  }
  const options = aptGetOptions(args);
  if (args.deb !== undefined) {
    if (fields.has('deb-missing')) return { changed: false, failed: true, msg: `Unable to install package: E:Could not open file ${args.deb} - open (2: No such file or directory)` };
    const [status, version] = (fields.get('deb-installed') ?? '').split(' ');
    if (status === 'installed' && version === fields.get('deb-version')) return { changed: false, data: { stdout: '', stderr: '' } };
    return runAptGet(ctx, `apt_locked apt-get ${options.join(' ')} install ${shellQuote(debPath(args.deb))}`, args, {});
  }
  const policy = parseAptPolicy(text.get('policy') ?? '');
  const configFiles = args.purge ? new Set((text.get('config') ?? '').split('\n').filter(Boolean)) : new Set<string>();
  const decision = decideApt(args.state, packages, policy, { onlyUpgrade: args.only_upgrade, configFiles });
  if (decision.failed) return { changed: false, failed: true, msg: decision.failed, ...(args.state === 'absent' ? {} : { data: cache }) };
  if (args.state === 'absent') {
    if (decision.remove.length === 0) return { changed: false, data: {} };
    const verb = args.purge ? 'remove --purge' : 'remove';
    const command = `apt_locked apt-get -q -y ${args.dpkg_options.split(',').map((o) => `-o ${shellQuote(`Dpkg::Options::=--${o.trim()}`)}`).join(' ')} ${aptLockOption(args.lock_timeout)}${args.force ? ' --force-yes' : ''}${args.autoremove ? ' --auto-remove' : ''} ${verb} ${decision.remove.map(shellQuote).join(' ')}`;
    return runAptGet(ctx, command, args, {}, `'apt-get remove ${decision.remove.join(' ')}' failed`);
  }
  if (decision.install.length === 0) return { changed: false, data: { ...cache, stdout: '', stderr: '' } };
  // Ansible marks what it was asked for as installed by hand, as `apt-get install` of a name does.
  const mark = `apt-mark manual -- ${names.map(shellQuote).join(' ')} >/dev/null`;
  return runAptGet(ctx, `apt_locked apt-get ${options.join(' ')} install ${decision.install.map(shellQuote).join(' ')} && ${mark}`, args, cache, `'apt-get install ${decision.install.join(' ')}' failed`);
}

/** Runs apt-get (once); check mode reports the change without running it. */
async function runAptGet(ctx: ActionContext, command: string, args: AptArgs, data: Vars, failure = 'apt-get failed'): Promise<ModuleResult> {
  if (ctx.check) return { changed: true, data: { ...data, stdout: '', stderr: '' } };
  const r = await ctx.exec(`${aptLockPrelude(args.lock_timeout)}\n${command}`);
  const result = { ...data, stdout: r.stdout, stderr: r.stderr, stdout_lines: r.stdout.split('\n').filter((l, i, all) => l !== '' || i < all.length - 1) };
  if (r.rc !== 0) return { changed: false, failed: true, msg: `${failure}: ${r.stderr.trim()}`, data: { ...result, rc: r.rc } };
  return { changed: true, data: result };
}

/** Ansible's apt: Debian packages through apt-get, many in one call, the lock waited on (bounded). */
export const aptModule = defineAction({
  name: 'apt',
  checkMode: 'Reads the package state (without updating the cache) and reports what apt-get would install or remove as a change, without running it.',
  description: 'Installs, upgrades or removes Debian packages with apt-get (all packages in one call), optionally updating the package cache first; waits (bounded) for another apt or dpkg to release its lock.',
  args: {
    args: APT_ARGS,
    mutuallyExclusive: [['deb', 'name']],
    requiredOneOf: [['autoremove', 'deb', 'name', 'update_cache']],
    notImplemented: ['upgrade', 'autoclean', 'clean', 'fail_on_autoremove', 'policy_rc_d', 'allow_change_held_packages', 'update_cache_retries', 'update_cache_retry_max_delay'],
  },
  run: (ctx, args) => runApt(ctx, args),
});
