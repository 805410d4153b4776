import { posix } from 'node:path';
import { shellJoin, shellQuote, shlexSplit } from '../util/shlex.js';
import type { Vars } from '../util/data.js';
import { defineAction } from './define.js';
import { globMatchesFact } from './facts/glob.js';
import type { ActionContext, ModuleResult, TextResult } from './types.js';

/** Ansible's timestamps: local time "2026-11-22 05:33:20.205788" and a delta "0:00:00.003889". */
function timestamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}000`;
}

function delta(ms: number): string {
  const s = Math.floor(ms / 1000);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${Math.floor(s / 3600)}:${p(Math.floor(s / 60) % 60)}:${p(s % 60)}.${String(Math.round(ms % 1000)).padStart(3, '0')}000`;
}

const CHECK_MODE = 'Skipped, unless creates or removes is given: then skipped (ok) when it would be, else reported as changed without running, as Ansible does.';

const lines = (text: string): string[] => (text ? text.split('\n') : []);

const COMMON = {
  chdir: { type: 'path', description: 'Change into this directory first.' },
  creates: { type: 'path', description: 'A path or glob: when something matches, the command is not run (relative to chdir).' },
  removes: { type: 'path', description: 'A path or glob: when nothing matches, the command is not run (relative to chdir).' },
  stdin: { type: 'str', description: 'Text given to the command on its standard input.' },
  stdin_add_newline: { type: 'bool', default: true, description: 'Add a newline to stdin.' },
  strip_empty_ends: { type: 'bool', default: true, description: 'Remove trailing newlines from stdout and stderr.' },
} as const;

interface CommandArgs {
  readonly chdir?: string | undefined;
  readonly creates?: string | undefined;
  readonly removes?: string | undefined;
  readonly stdin?: string | undefined;
  readonly stdin_add_newline: boolean;
  readonly strip_empty_ends: boolean;
}

/** creates/removes are globbed after chdir, as the module does (it changes directory first). */
function guardFacts(args: CommandArgs) {
  const inDir = (p: string | undefined): string | undefined => (p === undefined ? undefined : args.chdir && !p.startsWith('/') ? posix.join(args.chdir, p) : p);
  const creates = inDir(args.creates);
  const removes = inDir(args.removes);
  return { creates: creates === undefined ? undefined : globMatchesFact(creates), removes: removes === undefined ? undefined : globMatchesFact(removes) };
}

/**
 * Ansible's command module: creates/removes skip the command (in check mode too); otherwise check
 * mode reports a change when creates/removes were given (they predict one), and skips otherwise.
 */
async function runCommand(module: 'command' | 'shell', ctx: ActionContext, args: CommandArgs, script: string, cmd: unknown, guards: { creates?: boolean | undefined; removes?: boolean | undefined }): Promise<ModuleResult> {
  const shoulda = ctx.check ? 'Would' : 'Did';
  const skip = (msg: string, stdout: string): ModuleResult => ({ changed: false, msg, data: { cmd, rc: 0, stdout, stderr: '', stdout_lines: [stdout], stderr_lines: [], start: null, end: null, delta: null } });
  if (args.creates !== undefined && guards.creates) return skip(`${shoulda} not run command since '${args.creates}' exists`, `skipped, since ${args.creates} exists`);
  if (args.removes !== undefined && guards.removes === false) return skip(`${shoulda} not run command since '${args.removes}' does not exist`, `skipped, since ${args.removes} does not exist`);
  if (ctx.check) {
    const predicted = args.creates !== undefined || args.removes !== undefined;
    const data: Vars = { cmd, rc: 0, stdout: '', stderr: '', stdout_lines: [], stderr_lines: [], start: null, end: null, delta: null };
    return predicted ? { changed: true, msg: 'Command would have run if not in check mode', data } : { changed: false, skipped: true, msg: 'Command would have run if not in check mode', data };
  }
  const chdir = args.chdir !== undefined ? `cd -- ${shellQuote(args.chdir)} || exit 1\n` : '';
  const stdin = args.stdin === undefined ? undefined : args.stdin_add_newline ? `${args.stdin}\n` : args.stdin;
  const started = Date.now();
  // `job`: what an async run of this command keeps on the host, so async_status can shape its result later.
  const job = { module: module, cmd, strip_empty_ends: args.strip_empty_ends };
  const r = await ctx.exec(`${chdir}${script}`, stdin === undefined ? { job } : { stdin, job });
  const ended = Date.now();
  return commandResult(cmd, r, r.times?.startMs ?? started, r.times?.endMs ?? ended, args.strip_empty_ends);
}

/** The result of a command that ran: rc, output (trailing newlines stripped unless told not to), times. */
export function commandResult(cmd: unknown, r: TextResult, startedMs: number, endedMs: number, stripEmptyEnds: boolean): ModuleResult {
  const strip = (s: string): string => (stripEmptyEnds ? s.replace(/[\r\n]+$/, '') : s);
  const stdout = strip(r.stdout);
  const stderr = strip(r.stderr);
  return {
    changed: true,
    failed: r.rc !== 0,
    ...(r.rc !== 0 ? { msg: 'non-zero return code' } : {}),
    data: { cmd, rc: r.rc, start: timestamp(startedMs), end: timestamp(endedMs), delta: delta(endedMs - startedMs), stdout, stderr, stdout_lines: lines(stdout), stderr_lines: lines(stderr) },
  };
}

/** `command`: argv only, no shell features (pipes, `$VAR` and globs are plain text). */
export const commandModule = defineAction({
  name: 'command',
  checkMode: CHECK_MODE,
  description: 'Runs a command on the host without a shell (no pipes, redirections or variables). Always reports a change unless creates/removes skip it.',
  args: {
    args: {
      _raw_params: { type: 'str', description: 'The command line (free form), split like a shell would split words.' },
      cmd: { type: 'str', description: 'The command line, as an argument instead of free form.' },
      argv: { type: 'list', description: 'The command as a list of words (no splitting).' },
      ...COMMON,
    },
    freeForm: ['chdir', 'creates', 'removes', 'stdin', 'stdin_add_newline', 'strip_empty_ends'],
    // Ansible's command ignores executable with a warning; provision refuses it.
    notImplemented: ['executable'],
    mutuallyExclusive: [['_raw_params', 'argv'], ['cmd', 'argv'], ['_raw_params', 'cmd']],
    requiredOneOf: [['_raw_params', 'cmd', 'argv']],
  },
  facts: guardFacts,
  run(ctx, args, facts) {
    const argv = args.argv ? args.argv.map(String) : shlexSplit(String(args.cmd ?? args._raw_params));
    return runCommand('command', ctx, args, `exec ${shellJoin(argv)}`, argv, facts);
  },
});

/** `shell`: the text through /bin/sh (or `executable`). */
export const shellModule = defineAction({
  name: 'shell',
  checkMode: CHECK_MODE,
  description: 'Runs a command line through /bin/sh (or `executable`) on the host. Always reports a change unless creates/removes skip it.',
  args: {
    args: {
      _raw_params: { type: 'str', description: 'The command line (free form).' },
      cmd: { type: 'str', description: 'The command line, as an argument instead of free form.' },
      executable: { type: 'path', description: 'The shell to run it with, by absolute path.' },
      ...COMMON,
    },
    freeForm: ['chdir', 'creates', 'removes', 'executable', 'stdin', 'stdin_add_newline', 'strip_empty_ends'],
    mutuallyExclusive: [['_raw_params', 'cmd']],
    requiredOneOf: [['_raw_params', 'cmd']],
  },
  facts: guardFacts,
  run(ctx, args, facts) {
    const text = String(args.cmd ?? args._raw_params);
    const script = args.executable !== undefined ? `exec ${shellQuote(args.executable)} -c ${shellQuote(text)}` : text;
    return runCommand('shell', ctx, args, script, text, facts);
  },
});

/** `raw`: the text as it is, no guards; what Ansible uses to bootstrap hosts. Skipped in check mode. */
export const rawModule = defineAction({
  name: 'raw',
  checkMode: 'Skipped.',
  description: 'Runs the text as it is through the login shell (or `executable`); what bootstraps a host. Skipped in check mode.',
  args: {
    args: {
      _raw_params: { type: 'str', required: true, description: 'The command line (free form).' },
      executable: { type: 'path', description: 'The shell to run it with, by absolute path.' },
    },
    freeForm: ['executable'],
  },
  async run(ctx, args) {
    if (ctx.check) return { changed: false, skipped: true };
    const text = args._raw_params;
    const script = args.executable !== undefined ? `exec ${shellQuote(args.executable)} -c ${shellQuote(text)}` : text;
    const r = await ctx.exec(script);
    return {
      changed: true,
      failed: r.rc !== 0,
      ...(r.rc !== 0 ? { msg: 'non-zero return code' } : {}),
      data: { rc: r.rc, stdout: r.stdout, stdout_lines: r.stdout.split(/\r?\n/).filter((l, i, all) => l !== '' || i < all.length - 1), stderr: r.stderr, stderr_lines: lines(r.stderr.replace(/\n$/, '')) },
    };
  },
});
