import { shellJoin, shellQuote, shlexSplit } from '../util/shlex.js';
import type { Vars } from '../util/data.js';
import type { Module, ModuleContext, ModuleResult, ParamSpec } from './types.js';

const COMMON: Record<string, ParamSpec> = {
  _raw_params: { type: 'str' },
  cmd: { type: 'str' },
  chdir: { type: 'str' },
  creates: { type: 'str' },
  removes: { type: 'str' },
};

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

/** The registered fields Ansible gives a command: rc, stdout(_lines), stderr(_lines), cmd, start, end, delta. */
function commandResult(cmd: unknown, rc: number, stdout: string, stderr: string, started: number): ModuleResult {
  const ended = Date.now();
  const out = stdout.replace(/\n$/, '');
  const err = stderr.replace(/\n$/, '');
  return {
    changed: true,
    failed: rc !== 0,
    ...(rc !== 0 ? { msg: 'non-zero return code' } : {}),
    data: {
      cmd, rc, start: timestamp(started), end: timestamp(ended), delta: delta(ended - started),
      stdout: out, stderr: err, stdout_lines: out ? out.split('\n') : [], stderr_lines: err ? err.split('\n') : [],
    },
  };
}

/** `creates`/`removes`: skip the command when the path already exists / is already gone. */
async function guard(ctx: ModuleContext, args: Vars): Promise<ModuleResult | undefined> {
  for (const key of ['creates', 'removes'] as const) {
    const path = args[key];
    if (typeof path !== 'string') continue;
    const exists = (await ctx.run(`[ -e ${shellQuote(path)} ]`, { inline: true })).rc === 0;
    if (key === 'creates' && exists) return { changed: false, msg: `skipped, since ${path} exists`, data: { rc: 0, stdout: '', stderr: '' } };
    if (key === 'removes' && !exists) return { changed: false, msg: `skipped, since ${path} does not exist`, data: { rc: 0, stdout: '', stderr: '' } };
  }
  return undefined;
}

async function runScript(ctx: ModuleContext, args: Vars, script: string, shown: unknown): Promise<ModuleResult> {
  const skip = await guard(ctx, args);
  if (skip) return skip;
  if (ctx.check) return { changed: false, skipped: true, msg: 'Command would have run if not in check mode' };
  const chdir = typeof args['chdir'] === 'string' ? `cd -- ${shellQuote(args['chdir'])} || exit 1\n` : '';
  const started = Date.now();
  const result = await ctx.run(`${chdir}${script}`);
  return commandResult(shown, result.rc, result.stdout, result.stderr, started);
}

/** `command`: argv only, no shell features (pipes, `$VAR` and globs are plain text). */
export const commandModule: Module = {
  spec: {
    name: 'command',
    params: { ...COMMON, argv: { type: 'list' } },
    freeFormKeys: ['chdir', 'creates', 'removes'],
    oneOf: [['_raw_params', 'cmd', 'argv']],
  },
  async run(ctx, args) {
    const argv = Array.isArray(args['argv']) ? args['argv'].map(String) : shlexSplit(String(args['cmd'] ?? args['_raw_params']));
    return runScript(ctx, args, `exec ${shellJoin(argv)}`, argv);
  },
};

/** `shell`: the text through /bin/sh (or `executable`). */
export const shellModule: Module = {
  spec: {
    name: 'shell',
    params: { ...COMMON, executable: { type: 'str' } },
    freeFormKeys: ['chdir', 'creates', 'removes', 'executable'],
    oneOf: [['_raw_params', 'cmd']],
  },
  async run(ctx, args) {
    const text = String(args['cmd'] ?? args['_raw_params']);
    const script = typeof args['executable'] === 'string' ? `exec ${shellQuote(args['executable'])} -c ${shellQuote(text)}` : text;
    return runScript(ctx, args, script, text);
  },
};

/** `raw`: the text as it is, no guards; what Ansible uses to bootstrap hosts. */
export const rawModule: Module = {
  spec: { name: 'raw', params: { _raw_params: { type: 'str', required: true }, executable: { type: 'str' } }, freeFormKeys: ['executable'] },
  async run(ctx, args) {
    const text = String(args['_raw_params']);
    if (ctx.check) return { changed: false, skipped: true, msg: 'raw would have run if not in check mode' };
    const script = typeof args['executable'] === 'string' ? `exec ${shellQuote(args['executable'])} -c ${shellQuote(text)}` : text;
    const started = Date.now();
    const result = await ctx.run(script);
    return commandResult(text, result.rc, result.stdout, result.stderr, started);
  },
};
