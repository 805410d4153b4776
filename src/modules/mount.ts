import { shellJoin, shellQuote } from '../util/shlex.js';
import type { Vars } from '../util/data.js';
import { defineModule } from './define.js';
import type { Fact } from './facts/fact.js';
import { type Change, noChange, type Plan } from './plan.js';

export interface MountState {
  /** The fstab's text, undefined when it does not exist. */
  readonly fstab?: string;
  /** Something is mounted on the path (its line in /proc/self/mountinfo). */
  readonly mounted: boolean;
  readonly pathExists: boolean;
}

/** mountinfo escapes spaces, tabs, newlines and backslashes in octal. */
const mountinfoEscape = (p: string): string => p.replace(/[\\ \t\n]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);

function mountFact(path: string, fstab: string): Fact<MountState> {
  return {
    key: `mount ${path} ${fstab}`,
    command: [
      `f=${shellQuote(fstab)}; if [ -f "$f" ]; then printf 'fstab '; base64 -w0 < "$f"; echo; fi`,
      `awk -v p=${shellQuote(mountinfoEscape(path))} '$5 == p { print "mounted"; exit }' /proc/self/mountinfo`,
      `if [ -e ${shellQuote(path)} ]; then echo exists; fi`,
    ].join('\n'),
    parse(output) {
      const lines = output.split('\n');
      const fstab = lines.find((l) => l.startsWith('fstab '));
      return { ...(fstab !== undefined ? { fstab: Buffer.from(fstab.slice(6), 'base64').toString('utf8') } : {}), mounted: lines.includes('mounted'), pathExists: lines.includes('exists') };
    },
  };
}

/** _escape_fstab: space, ampersand and backslash in octal. */
const escapeFstab = (v: string): string => v.replace(/\\/g, '\\134').replace(/ /g, '\\040').replace(/&/g, '\\046');

export interface FstabEntry {
  readonly name: string;
  readonly src?: string | undefined;
  readonly fstype?: string | undefined;
  readonly opts: string;
  readonly dump: string;
  readonly passno: string;
}

const linesOf = (text: string): string[] => text.match(/[^\n]*\n|[^\n]+$/g) ?? [];

/** _set_mount_save_old on Linux: the entry's line made right (or added); whether that changed the file. */
export function setMount(text: string, entry: FstabEntry): { text: string; changed: boolean } {
  const e = { src: escapeFstab(entry.src ?? ''), name: escapeFstab(entry.name), fstype: escapeFstab(entry.fstype ?? ''), opts: escapeFstab(entry.opts), dump: escapeFstab(entry.dump), passno: escapeFstab(entry.passno) };
  const out: string[] = [];
  let exists = false;
  let changed = false;
  for (let line of linesOf(text)) {
    if (!line.endsWith('\n')) line += '\n';
    if (!line.trim() || line.trim().startsWith('#')) {
      out.push(line);
      continue;
    }
    const fields = (line.split('#')[0] ?? '').trim().split(/\s+/);
    if (fields.length < 4 || fields.length > 6) {
      out.push(line);
      continue;
    }
    const [src = '', name = '', fstype = '', opts = '', dump = '0', passno = '0'] = fields;
    const ld = { src, name, fstype, opts, dump, passno };
    if (ld.name !== e.name || (entry.src !== undefined && ld.name === 'none' && ld.fstype === 'swap' && ld.src !== entry.src)) {
      out.push(line);
      continue;
    }
    exists = true;
    let differs = false;
    for (const k of ['src', 'fstype', 'opts', 'dump', 'passno'] as const) {
      if (ld[k] !== e[k]) {
        ld[k] = e[k];
        differs = true;
      }
    }
    // Ansible's flag is per file: once set, later matching lines are rewritten too.
    changed ||= differs;
    out.push(changed ? `${ld.src} ${ld.name} ${ld.fstype} ${ld.opts} ${ld.dump} ${ld.passno}\n` : line);
  }
  if (!exists) {
    out.push(`${e.src} ${e.name} ${e.fstype} ${e.opts} ${e.dump} ${e.passno}\n`);
    changed = true;
  }
  return { text: out.join(''), changed };
}

/** unset_mount: every 6-field line of the path goes. */
export function unsetMount(text: string, name: string, src: string | undefined): { text: string; changed: boolean } {
  const escaped = escapeFstab(name);
  let changed = false;
  const out = linesOf(text).filter((line) => {
    if (!line.trim() || line.trim().startsWith('#')) return true;
    const f = line.trim().split(/\s+/);
    if (f.length !== 6) return true;
    if (f[1] !== escaped || (src !== undefined && f[1] === 'none' && f[2] === 'swap' && f[0] !== src)) return true;
    changed = true;
    return false;
  });
  return { text: out.join(''), changed };
}

/** ansible.posix's mount on Linux: an fstab entry, and the mount itself, for present/mounted/unmounted/absent/remounted. */
export const mountModule = defineModule({
  name: 'mount',
  collection: 'ansible.posix',
  description: 'Manages a mount point: its line in fstab (present, absent) and whether it is mounted (mounted, unmounted, remounted), as ansible.posix.mount does on Linux.',
  args: {
    args: {
      path: { type: 'path', required: true, aliases: ['name'], description: 'The mount point.' },
      src: { type: 'path', description: 'What is mounted (device, tmpfs, server:/export). Required for present and mounted.' },
      fstype: { type: 'str', description: 'The filesystem type. Required for present and mounted.' },
      opts: { type: 'str', description: 'Mount options (default "defaults").' },
      dump: { type: 'str', default: '0', description: 'fstab\'s dump field.' },
      passno: { type: 'str', default: '0', description: 'fstab\'s pass field.' },
      state: { type: 'str', required: true, choices: ['absent', 'mounted', 'present', 'unmounted', 'remounted'], description: 'present: in fstab only; mounted: in fstab and mounted; unmounted: not mounted (fstab kept); absent: neither (and the empty mount point removed); remounted: mount -o remount.' },
      fstab: { type: 'path', description: 'The fstab file (default /etc/fstab); another file is given to mount with -T.' },
      boot: { type: 'bool', default: true, description: 'Mounted at boot; false adds noauto to the options.' },
    },
    notImplemented: ['backup'],
    requiredIf: [['state', 'mounted', ['src', 'fstype']], ['state', 'present', ['src', 'fstype']]],
  },
  facts: (args) => ({ mount: mountFact(args.path, args.fstab ?? '/etc/fstab') }),
  plan(args, facts): Plan {
    const state = facts.mount;
    const fstab = args.fstab ?? '/etc/fstab';
    let opts = args.opts ?? 'defaults';
    let boot = 'yes';
    if (!args.boot && !opts.split(',').includes('noauto')) {
      boot = 'no';
      opts = `${opts},noauto`;
    } else if (!args.boot) boot = 'no';
    const entry: FstabEntry = { name: args.path, src: args.src, fstype: args.fstype, opts, dump: args.dump, passno: args.passno };
    const result: Vars = { name: args.path, opts, dump: args.dump, passno: args.passno, fstab, boot, backup_file: '', ...(args.src !== undefined ? { src: args.src } : {}), ...(args.fstype !== undefined ? { fstype: args.fstype } : {}) };
    const T = fstab !== '/etc/fstab' ? ['-T', fstab] : [];
    const q = shellQuote(args.path);
    const before = state.fstab ?? '';
    const write = (text: string): Change => ({ kind: 'write', what: `write ${fstab}`, path: fstab, content: Buffer.from(text), createParents: true });
    const diff = (text: string) => [{ path: fstab, before, after: text }];
    const umount = `if ! o=$(umount ${q} 2>&1); then printf 'Error unmounting %s: %s\\n' ${q} "$o" >&2; exit 1; fi`;
    switch (args.state) {
      case 'present': {
        const set = setMount(before, entry);
        return set.changed ? { changes: [write(set.text)], result, diff: diff(set.text) } : noChange(result);
      }
      case 'absent': {
        const unset = unsetMount(before, args.path, args.src);
        if (!unset.changed) return noChange(result);
        const changes: Change[] = [write(unset.text)];
        if (state.mounted) changes.push({ kind: 'script', what: `unmount ${args.path}`, script: umount });
        if (state.pathExists) changes.push({ kind: 'script', what: `remove the mount point ${args.path}`, script: `if [ -e ${q} ] && ! o=$(rmdir -- ${q} 2>&1); then printf 'Error rmdir %s: %s\\n' ${q} "$o" >&2; exit 1; fi` });
        return { changes, result, diff: diff(unset.text) };
      }
      case 'unmounted':
        return state.mounted ? { changes: [{ kind: 'script', what: `unmount ${args.path}`, script: umount }], result } : noChange(result);
      case 'remounted':
        return { changes: [{ kind: 'script', what: `remount ${args.path}`, script: remountScript(args.path, opts, T, true) }], result };
      case 'mounted': {
        const set = setMount(before, entry);
        const changes: Change[] = [];
        if (!state.pathExists) changes.push({ kind: 'script', what: `create the mount point ${args.path}`, script: `mkdir -p -- ${q}` });
        if (set.changed) {
          // Kept to put back should the mount fail (a broken fstab line could break the next boot).
          changes.push({ kind: 'script', what: `keep the old ${fstab}`, script: `rm -f /tmp/.provision-fstab-old; if [ -f ${shellQuote(fstab)} ]; then cp -p -- ${shellQuote(fstab)} /tmp/.provision-fstab-old; fi` });
          changes.push(write(set.text));
        }
        const undo = set.changed ? `if [ -f /tmp/.provision-fstab-old ]; then cat /tmp/.provision-fstab-old > ${shellQuote(fstab)}; fi; ` : '';
        const rmdirs = !state.pathExists ? `rmdir -p --ignore-fail-on-non-empty -- ${q} 2>/dev/null || true; ` : '';
        if (state.mounted) {
          if (set.changed) changes.push({ kind: 'script', what: `remount ${args.path}`, script: `if ! (\n${remountScript(args.path, opts, T, false)}\n); then ${undo}exit 1; fi` });
        } else {
          changes.push({ kind: 'script', what: `mount ${args.path}`, script: `if ! o=$(${shellJoin(['mount', ...T, args.path])} 2>&1); then ${undo}${rmdirs}printf 'Error mounting %s: %s\\n' ${q} "$o" >&2; exit 1; fi` });
        }
        if (set.changed) changes.push({ kind: 'script', what: 'drop the old fstab copy', script: 'rm -f /tmp/.provision-fstab-old' });
        return { changes, result, ...(set.changed ? { diff: diff(set.text) } : {}) };
      }
    }
  },
});

/** remount(): mount -o remount (with the options for state=remounted), else umount and mount again. */
function remountScript(path: string, opts: string, T: readonly string[], remounted: boolean): string {
  const q = shellQuote(path);
  const withOpts = remounted && opts !== 'defaults';
  const argv = ['mount', '-o', withOpts ? `remount,${opts}` : 'remount', ...T, path];
  const fallback = withOpts
    ? `printf '%s\\n' 'Options were specified with remounted, but the remount command failed. Failing in order to prevent an unexpected mount result. Try replacing this command with a "state: unmounted" followed by a "state: mounted" using the full desired mount options instead.' >&2; exit 1`
    : `if ! o=$(umount ${q} 2>&1) || ! o=$(${shellJoin(['mount', ...T, path])} 2>&1); then printf 'Error %s %s: %s\\n' ${remounted ? "'remounting'" : "'mounting'"} ${q} "$o" >&2; exit 1; fi`;
  return `if ! ${shellJoin(argv)} >/dev/null 2>&1; then ${fallback}; fi`;
}
