import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { main } from '../../src/cli/main.js';
import { REPO } from '../helpers/cli.js';

const PLAYGROUND = join(REPO, 'inventories/playground.yml');
const root = mkdtempSync(join(tmpdir(), 'provision-cli-'));
after(() => rmSync(root, { recursive: true, force: true }));

function project(spec: Record<string, string>): string {
  const dir = mkdtempSync(join(root, 'case-'));
  for (const [name, text] of Object.entries(spec)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** main() in process, as the CLI runs it: exit code and what it wrote. */
async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

const PLAY = '- hosts: all\n  gather_facts: no\n  tasks: [{debug: msg=hi}]\n';

describe('the CLI refuses bad input before the first connection', () => {
  const dir = project({
    'site.yml': PLAY,
    'second-play-regex.yml': `${PLAY}- hosts: '~['\n  tasks: []\n`,
    'second-play-vars.yml': `${PLAY}- hosts: all\n  vars_files: [bad.yml]\n  tasks: []\n`,
    'bad.yml': 'x: "unclosed\n',
    'helper.yml': '- hosts: all\n  tasks:\n    - debug:\n        msg: "{{shout inventory_hostname}}"\n',
    'groups.ini': '[web]\nw1\n[g:vars]\nx=1\n',
  });

  test('-c telnet is an option error (exit 5) naming the option and the allowed values', async () => {
    const r = await run(['-i', PLAYGROUND, '-c', 'telnet', join(dir, 'site.yml')]);
    assert.deepEqual([r.code, r.err], [5, 'ERROR! -c/--connection: connection type "telnet" is not supported: use ssh or local (smart and paramiko mean ssh)\n']);
    assert.equal((await run(['-i', PLAYGROUND, '-c', 'smart', '--syntax-check', join(dir, 'site.yml')])).code, 0, 'smart is read as ssh, as before');
  });
  test("--limit '~[' and 'web[1]' are errors, not exit 250", async () => {
    assert.deepEqual(await run(['-i', PLAYGROUND, '-l', '~[', '--syntax-check', join(dir, 'site.yml')]), { code: 1, out: '', err: `ERROR! --limit '~[': unbalanced "[" (a "[" needs its "]")\n` });
    assert.deepEqual(await run(['-i', PLAYGROUND, '-l', 'web[1]', '--list-hosts', join(dir, 'site.yml')]), { code: 1, out: '', err: 'ERROR! --limit web[1] matches no host in the inventory\n' });
    // The implicit localhost is not in all: as ansible-playbook, a limit to it alone leaves no host.
    assert.deepEqual(await run(['-i', PLAYGROUND, '-l', 'localhost', '--list-hosts', join(dir, 'site.yml')]), { code: 1, out: '', err: 'ERROR! --limit localhost matches no host in the inventory\n' });
    assert.deepEqual(await run(['-i', PLAYGROUND, '-l', 'mesos-agents[2]', '--list-hosts', join(dir, 'site.yml')]), { code: 1, out: '', err: "ERROR! --limit 'mesos-agents[2]': no host matches subscript [2]: the pattern before it matches 2 hosts\n" });
  });
  test("a bad pattern in the second play's hosts, at --syntax-check", async () => {
    const r = await run(['-i', PLAYGROUND, '--syntax-check', join(dir, 'second-play-regex.yml')]);
    assert.deepEqual([r.code, r.err], [1, `ERROR! ${dir}/second-play-regex.yml:4:3: host pattern '~[': unbalanced "[" (a "[" needs its "]")\n`]);
  });
  test("bad YAML in the second play's vars_files, at --syntax-check", async () => {
    const r = await run(['-i', PLAYGROUND, '--syntax-check', join(dir, 'second-play-vars.yml')]);
    assert.deepEqual([r.code, r.err], [1, `ERROR! ${dir}/bad.yml:2:1: invalid YAML: Missing closing "quote\n`]);
  });
  test('an unknown helper fails --syntax-check', async () => {
    const r = await run(['-i', PLAYGROUND, '--syntax-check', join(dir, 'helper.yml')]);
    assert.deepEqual([r.code, r.err], [1, `ERROR! ${dir}/helper.yml:4:15: unknown helper "shout" in {{shout inventory_hostname}} (see the helpers in docs/templates.md)\n`]);
  });
  test('[g:vars] for an undeclared group', async () => {
    const r = await run(['-i', join(dir, 'groups.ini'), '--list-hosts', join(dir, 'site.yml')]);
    assert.deepEqual([r.code, r.err], [1, `ERROR! ${dir}/groups.ini:3:1: section [g:vars] not valid for undefined group: g\n`]);
  });
});
