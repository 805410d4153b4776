import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ConfigError } from '../../src/errors.js';
import { aptModule } from '../../src/modules/apt.js';
import { authorizedKeyModule } from '../../src/modules/authorized-key.js';
import { hostnameModule } from '../../src/modules/hostname.js';
import { parsePasswdLine } from '../../src/modules/passwd.js';
import { uriModule } from '../../src/modules/uri.js';
import { userModule } from '../../src/modules/user.js';
import type { PlannerModule } from '../../src/modules/types.js';
import { getUrlModule } from '../../src/modules/get-url.js';
import { serviceModule } from '../../src/modules/service.js';
import { weaveModule } from '../../src/modules/weave.js';
import type { ActionContext, ActionModule, ModuleResult, TextResult } from '../../src/modules/types.js';
import { validateArgs } from '../../src/modules/validate-args.js';

const at = { file: 'attack.yml', line: 3, col: 5 };
const dir = mkdtempSync(join(tmpdir(), 'provision-attack-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Call {
  readonly script: string;
  readonly stdin?: string | Buffer | undefined;
  readonly env?: Readonly<Record<string, string>> | undefined;
}

/** A module's run() against a fake host answering each exec with `answer(script)`, recording every call. */
async function runAction(module: ActionModule, raw: Record<string, unknown>, answer: (script: string, n: number) => Partial<TextResult>, check = false, facts: Record<string, unknown> = {}): Promise<{ result: ModuleResult; calls: Call[] }> {
  const args = validateArgs(module.name, module.schema, raw, at, true);
  const calls: Call[] = [];
  const ctx: ActionContext = {
    host: 'h1',
    vars: { inventory_hostname: 'h1' },
    check,
    diff: false,
    verbosity: 4,
    at,
    exec: async (script, opts): Promise<TextResult> => {
      calls.push({ script, stdin: opts?.stdin, env: opts?.env });
      return { rc: 0, stdout: '', stderr: '', ...answer(script, calls.length - 1) };
    },
  };
  const result = await module.run(ctx, args, facts);
  return { result, calls };
}

describe('service (init scripts): arguments reach the script as words, never as shell', () => {
  test('arguments with ;, $(…), backticks and quotes are words for the init script', async () => {
    const marker = join(dir, 'pwned');
    const hostile = `--opt 'a b' ; touch ${marker} $(touch ${marker}) \`touch ${marker}\``;
    const { calls } = await runAction(serviceModule, { name: 'svc', state: 'started', use: 'sysvinit', arguments: hostile }, (_s, n) => (n === 0 ? { stdout: '@@svc manager sysv\n@@svc exists\n' } : {}));
    assert.equal(calls.length, 2);
    const stub = join(dir, 'init-stub');
    const seen = join(dir, 'argv');
    writeFileSync(stub, `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a"; done >${seen}\n`);
    chmodSync(stub, 0o755);
    spawnSync('/bin/sh', ['-c', (calls[1]?.script ?? '').replaceAll('/etc/init.d/svc', stub)]);
    assert.equal(existsSync(marker), false, 'the arguments ran as shell code');
    assert.deepEqual(readFileSync(seen, 'utf8').split('\n').slice(0, -1), ['start', '--opt', 'a b', ';', 'touch', marker, `$(touch`, `${marker})`, `\`touch`, `${marker}\``]);
  });

  test('restarted gives the arguments to both stop and start', async () => {
    const { calls } = await runAction(serviceModule, { name: 'svc', state: 'restarted', use: 'sysvinit', arguments: '-x "y z"' }, (_s, n) => (n === 0 ? { stdout: '@@svc manager sysv\n@@svc exists\n@@svc running\n' } : {}));
    const stub = join(dir, 'init-stub2');
    const seen = join(dir, 'argv2');
    writeFileSync(stub, `#!/bin/sh\necho "$*" >>${seen}\n`);
    chmodSync(stub, 0o755);
    const r = spawnSync('/bin/sh', ['-c', (calls[1]?.script ?? '').replaceAll('/etc/init.d/svc', stub)]);
    assert.equal(r.status, 0, r.stderr.toString());
    assert.equal(readFileSync(seen, 'utf8'), 'stop -x y z\nstart -x y z\n');
  });
});

/** The module's checks before any connection, as validatePlaybooks runs them (unrendered arguments). */
function validateOnly(module: ActionModule, raw: Record<string, unknown>): void {
  const args = validateArgs(module.name, module.schema, raw, at, false);
  module.validate?.(args, { at, templar: undefined as never, findFile: () => undefined });
}

describe('weave: a peer is never one of weave\'s options', () => {
  for (const peer of ['--password=stolen', '--replace', '-iprange=10.0.0.0/8', 'a\0b']) {
    test(`peer ${JSON.stringify(peer)} is refused before the first connection, with the task's position`, async () => {
      assert.throws(() => validateOnly(weaveModule, { peers: ['10.0.0.1', peer] }), (err: unknown) => err instanceof ConfigError && /invalid peer name/.test(err.message) && /attack\.yml:3:5/.test(String(err.message) + JSON.stringify(err)));
      // Given through a template, it is refused when it renders, and nothing runs.
      await assert.rejects(runAction(weaveModule, { peers: `10.0.0.1 ${peer}` }, () => ({})), /invalid peer name/);
    });
  }
  test('ipalloc_range, expose and init_peer_count are refused before the first connection too', () => {
    assert.throws(() => validateOnly(weaveModule, { ipalloc_range: '10.32.0.0/12; reboot' }), ConfigError);
    assert.throws(() => validateOnly(weaveModule, { expose: ['--help'] }), ConfigError);
    assert.throws(() => validateOnly(weaveModule, { init_peer_count: 0 }), ConfigError);
    assert.throws(() => validateOnly(weaveModule, { nickname: '--password=x' }), ConfigError);
    assert.doesNotThrow(() => validateOnly(weaveModule, { peers: ['{{ peer }}', 'host-2:6783', 'weave-1.example.com'], ipalloc_range: '{{ r }}' }));
  });
});

/**
 * get_url's script run for real on this machine, with only one download tool on PATH: a stub
 * that records its argv and what it read, and "downloads" by writing a fixed body.
 */
function runGetUrlScript(tool: 'curl' | 'wget', script: string, stdin: string): { root: string; argv: string; stdout: string; dest: string; seenStdin: string; config: string } {
  const root = mkdtempSync(join(dir, `${tool}-`));
  const bin = join(root, 'bin');
  mkdirSync(bin);
  for (const t of ['cat', 'dirname', 'mktemp', 'rm', 'date', 'sed', 'head', 'tr', 'sha1sum', 'md5sum', 'wc', 'cut', 'awk', 'chmod', 'chown', 'mv', 'sh']) symlinkSync(`/usr/bin/${t}`.replace('/usr/bin/sh', '/bin/sh'), join(bin, t));
  const log = join(root, 'log');
  const stub =
    tool === 'curl'
      ? `#!/bin/sh\nprintf '%s\\n' "$*" >${log}.argv\ncat >${log}.stdin\nwhile [ $# -gt 0 ]; do [ "$1" = -o ] && out=$2; shift; done\necho body >"$out"\nprintf 200\n`
      : `#!/bin/sh\nprintf '%s\\n' "$*" >${log}.argv\ncat >${log}.stdin\nfor a in "$@"; do case "$a" in --config=*) cat "\${a#--config=}" >${log}.config ;; esac; done\nwhile [ $# -gt 0 ]; do [ "$1" = -O ] && out=$2; shift; done\necho body >"$out"\necho '  HTTP/1.1 200 OK' >&2\n`;
  writeFileSync(join(bin, tool), stub);
  chmodSync(join(bin, tool), 0o755);
  const r = spawnSync('/bin/sh', ['-c', script.replaceAll('/tmp/attack-dest', join(root, 'dest'))], { input: stdin, env: { PATH: bin } });
  const read = (f: string): string => (existsSync(f) ? readFileSync(f, 'utf8') : '');
  return { root, argv: read(`${log}.argv`), stdout: r.stdout.toString() + r.stderr.toString(), dest: read(join(root, 'dest')), seenStdin: read(`${log}.stdin`), config: read(`${log}.config`) };
}

describe('get_url: the URL and headers (credentials) reach curl or wget only as data', () => {
  const SECRET = 'Bearer s3cr3t-$(touch /tmp/x)-`id`';
  const raw = { url: 'http://user:pa55@10.0.0.1/-file', dest: '/tmp/attack-dest', headers: { Authorization: SECRET, 'X-Quote': `it's "q"` } };
  const absent = { dest: { path: '/tmp/attack-dest', type: 'absent' } };

  for (const tool of ['curl', 'wget'] as const) {
    test(`${tool}: nothing secret in argv or script text, and the download lands at dest`, async () => {
      const { calls } = await runAction(getUrlModule, raw, () => ({}), false, absent);
      const call = calls[0];
      assert.ok(call);
      assert.equal(call.script.includes('s3cr3t'), false);
      assert.equal(call.script.includes('pa55'), false);
      const ran = runGetUrlScript(tool, call.script, String(call.stdin));
      assert.match(ran.stdout, /@@get moved/);
      assert.equal(ran.dest, 'body\n');
      assert.equal(ran.argv.includes('s3cr3t'), false, `${tool} argv: ${ran.argv}`);
      assert.equal(ran.argv.includes('pa55'), false, `${tool} argv: ${ran.argv}`);
      if (tool === 'wget') {
        assert.equal(ran.seenStdin, 'http://user:pa55@10.0.0.1/-file\n');
        assert.equal(ran.config, `header = Authorization: ${SECRET}\nheader = X-Quote: it's "q"\n`);
      } else {
        assert.match(ran.seenStdin, /^url = "http:\/\/user:pa55@10\.0\.0\.1\/-file"\nheader = "Authorization: Bearer s3cr3t/);
        assert.equal(ran.seenStdin.includes('@@'), false);
      }
      assert.deepEqual(readdirSync(ran.root).filter((f) => f.startsWith('.provision-get_url')), [], 'temp files are removed');
    });
  }

  test('a line break or NUL in a header or the URL is refused before the first connection', async () => {
    assert.throws(() => validateOnly(getUrlModule, { url: 'http://h/x', dest: '/tmp/x', headers: { 'X-A': 'v\r\nX-Injected: 1' } }), (e: unknown) => e instanceof ConfigError && /Invalid header value/.test(e.message));
    assert.throws(() => validateOnly(getUrlModule, { url: 'http://u:pa55@h/x\nheader = "X: 1"', dest: '/tmp/x' }), (e: unknown) => e instanceof ConfigError && !e.message.includes('pa55'));
    assert.throws(() => validateOnly(getUrlModule, { url: 'http://h/x', dest: '/tmp/x', headers: { 'Bad Name': 'v' } }), ConfigError);
    assert.doesNotThrow(() => validateOnly(getUrlModule, { url: '{{ u }}', dest: '/tmp/x', headers: { 'X-A': '{{ v }}' } }));
    const { result, calls } = await runAction(getUrlModule, { url: 'http://h/x', dest: '/tmp/x', headers: { 'X-A': 'v\nX-B: 2' } }, () => ({}), false, absent);
    assert.equal(result.failed, true);
    assert.equal(calls.length, 0);
  });
});

describe('apt: a .deb path and the update log', () => {
  test('a relative .deb starting with - reaches dpkg-deb and apt-get as a file (./-x.deb), never an option', async () => {
    const { calls } = await runAction(aptModule, { deb: '-x.deb' }, (_s, n) => (n === 0 ? { stdout: '@@apt mtime 0\n@@apt deb-name x\n@@apt deb-version 1\n@@apt deb-installed \n' } : {}));
    assert.match(calls[0]?.script ?? '', /^d=\.\/-x\.deb; /m);
    assert.match(calls[1]?.script ?? '', / install \.\/-x\.deb$/m);
  });
  test("apt-get update's output goes to a fresh temp file, not a predictable /tmp name another user could link", async () => {
    const { calls } = await runAction(aptModule, { update_cache: true }, () => ({ stdout: '@@apt mtime 0\n' }));
    assert.equal(/\/tmp\/\.provision-apt-update/.test(calls[0]?.script ?? ''), false);
    assert.match(calls[0]?.script ?? '', /u=\$\(mktemp\)/);
  });
});

/** A planner's plan from arguments (validated as when the task runs) and facts. */
function planOf(module: PlannerModule, raw: Record<string, unknown>, facts: Record<string, unknown>) {
  return module.plan(validateArgs(module.name, module.schema, raw, at, true), facts, undefined);
}

describe('hostname and authorized_key: hostile values stay data', () => {
  test('a name starting with - reaches hostnamectl after --, as a name', () => {
    const plan = planOf(hostnameModule, { name: '--help' }, { names: { strategy: 'systemd', current: 'a', permanent: 'a' } });
    assert.deepEqual(plan.changes.map((c) => (c.kind === 'script' ? c.script : '')), ["hostnamectl --pretty --static set-hostname -- --help", "hostnamectl --transient set-hostname -- --help"]);
  });
  const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyFakeKeyFakeKeyFakeKeyFakeKeyFake me@x';
  const ATTACKER = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAttackerAttackerAttackerAttackerAttacker evil';
  for (const [name, value] of [['comment', `ok\n${ATTACKER}`], ['key_options', `no-pty\n${ATTACKER}`], ['comment', 'a\rb']] as const) {
    test(`a line break in ${name} never adds a line (another key) to the keys file`, () => {
      assert.throws(() => validateOnly(authorizedKeyModule as unknown as ActionModule, { user: 'u', key: KEY, [name]: value }), ConfigError);
      const plan = planOf(authorizedKeyModule, { user: 'u', key: KEY, [name]: value }, { file: { user: parsePasswdLine('u:x:1000:1000::/home/u:/bin/sh'), path: '/home/u/.ssh/authorized_keys', content: '', dirExists: true } });
      assert.match(plan.failed ?? '', /must be one line/);
      assert.equal(plan.changes.length, 0);
    });
  }
});

describe('user: the password hash is one chpasswd line', () => {
  const EVIL = '$6$salt$hashhashhash\nroot:$6$evil$attackerhash';
  const existing = { user: parsePasswdLine('bob:x:1001:1001::/home/bob:/bin/sh'), password: '$6$old$old', groups: [], homeExists: true, homeParentExists: true };
  test('a line break or colon in the hash (another account\'s line for chpasswd: root\'s) is refused before the first connection', () => {
    assert.throws(() => validateOnly(userModule as unknown as ActionModule, { name: 'bob', password: EVIL }), (e: unknown) => e instanceof ConfigError && !e.message.includes('attackerhash'));
    assert.throws(() => validateOnly(userModule as unknown as ActionModule, { name: 'bob:0', password: '$6$a$b' }), ConfigError);
  });
  test('given through a template, it fails when planned and nothing is staged', () => {
    const plan = planOf(userModule, { name: 'bob', password: EVIL }, { accounts: existing });
    assert.match(plan.failed ?? '', /one crypted hash/);
    assert.equal(plan.changes.length, 0);
    assert.equal(JSON.stringify(plan).includes('attackerhash'), false);
    const ok = planOf(userModule, { name: 'bob', password: '$6$new$new' }, { accounts: existing });
    assert.equal(ok.failed, undefined);
    assert.ok(ok.changes.some((c) => c.kind === 'write' && c.content.toString() === 'bob:$6$new$new\n'));
  });
});

describe('uri: the URL, headers and credentials reach curl only as data', () => {
  test('nothing secret in argv or script text; curl gets them in its config and the request succeeds', async () => {
    const raw = { url: 'http://tok:pa55@10.0.0.1/api?q=$(id)', headers: { Authorization: 'Bearer s3cr3t-`id`', 'X-Q': `it's "q"` }, url_username: 'admin', url_password: 'hunter2"\\', body: 'x=1', method: 'POST' };
    const { calls } = await runAction(uriModule, raw, () => ({}));
    const call = calls.find((c) => c.script.includes('curl'));
    assert.ok(call);
    for (const secret of ['s3cr3t', 'pa55', 'hunter2']) assert.equal(call.script.includes(secret), false, secret);
    const root = mkdtempSync(join(dir, 'uri-'));
    const bin = join(root, 'bin');
    mkdirSync(bin);
    for (const t of ['cat', 'mktemp', 'rm', 'base64', 'printf']) symlinkSync(`/usr/bin/${t}`, join(bin, t));
    const log = join(root, 'log');
    writeFileSync(join(bin, 'curl'), `#!/bin/sh\nprintf '%s\\n' "$*" >${log}.argv\ncat /dev/fd/3 >${log}.config\ncat >${log}.body\nwhile [ $# -gt 0 ]; do case "$1" in -D) h=$2 ;; -o) o=$2 ;; esac; shift; done\nprintf 'HTTP/1.1 200 OK\\r\\nContent-Type: text/plain\\r\\n\\r\\n' >"$h"\necho ok >"$o"\nprintf '200 http://10.0.0.1/api'\n`);
    chmodSync(join(bin, 'curl'), 0o755);
    const r = spawnSync('/bin/sh', ['-c', call.script], { input: call.stdin, env: { PATH: bin } });
    assert.equal(r.status, 0, r.stderr.toString());
    const argv = readFileSync(`${log}.argv`, 'utf8');
    for (const secret of ['s3cr3t', 'pa55', 'hunter2']) assert.equal(argv.includes(secret), false, `${secret} in argv: ${argv}`);
    assert.equal(readFileSync(`${log}.config`, 'utf8'), 'url = "http://tok:pa55@10.0.0.1/api?q=$(id)"\nheader = "Authorization: Bearer s3cr3t-`id`"\nheader = "X-Q: it\'s \\"q\\""\nuser = "admin:hunter2\\"\\\\"\n');
    assert.equal(readFileSync(`${log}.body`, 'utf8'), 'x=1');
  });
  test('a line break in a header or the URL is refused before the first connection', () => {
    assert.throws(() => validateOnly(uriModule, { url: 'http://h/', headers: { A: 'b\r\nX: y' } }), ConfigError);
    assert.throws(() => validateOnly(uriModule, { url: 'http://h/\nheader = "X: y"' }), ConfigError);
  });
});
