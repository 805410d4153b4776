import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { bootedSkipReason } from '../helpers/lab.js';
import { converge, type ModuleLab, startModuleLab } from '../helpers/module-play.js';

/** ping, slurp, fetch, hostname, authorized_key and known_hosts on booted lab hosts. */
const KEY1 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPQjiHXsUZkjwce9iUG7k3Cg9/rpwpo1TjYnKdLLAUkd alice@laptop';
const KEY2 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEZgGgHTg0hvT5eMbjtSRTPddcGVlD0duDgI5RMzbzkr bob@desk';

const play = (tasks: string, hosts = 'nodes'): string => `- hosts: ${hosts}\n  gather_facts: false\n  tasks:\n${tasks.replace(/^/gm, '    ').replace(/^ +$/gm, '')}\n`;

describe('ping, slurp, fetch, hostname, authorized_key, known_hosts on booted hosts', { skip: bootedSkipReason() }, () => {
  let lab: ModuleLab;
  before(async () => {
    lab = await startModuleLab('sysmods-basics', 62, ['n1', 'n2'], 'booted');
    // The inventory's group for the targets.
    await lab.sh('n1', 'useradd -m -s /bin/sh keyuser');
    await lab.sh('n2', 'useradd -m -s /bin/sh keyuser');
  });
  after(async () => {
    await lab?.down();
  });

  test('ping answers pong (or data); slurp returns a file base64-encoded, and fails on what it cannot read', async () => {
    await lab.sh('n1', 'printf "a\\0b\\n" > /root/bin.dat; chmod 0600 /root/bin.dat');
    const r = await lab.play(
      play(['- ping:', '- ping: { data: hi }', '- slurp: { src: /root/bin.dat }', '- name: missing', '  slurp: { path: /nonexistent }', '  ignore_errors: true', '- name: dir', '  slurp: { src: /etc }', '  ignore_errors: true'].join('\n'), 'n1'),
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.on('ping', 'n1').result['ping'], 'pong');
    assert.equal(r.task('ping')[1]?.result['ping'], 'hi');
    const slurp = r.on('slurp', 'n1').result;
    assert.deepEqual([slurp['content'], slurp['encoding'], slurp['source'], r.on('slurp', 'n1').status], [Buffer.from('a\0b\n').toString('base64'), 'base64', '/root/bin.dat', 'ok']);
    assert.equal(r.on('missing', 'n1').result['msg'], 'file not found: /nonexistent');
    assert.equal(r.on('dir', 'n1').result['msg'], 'source is a directory and must be a file: /etc');
  });

  test('fetch: to dest/<host>/<path>, flat, skipped in check mode, unchanged the second time; a missing file fails unless fail_on_missing=false', async () => {
    await lab.sh('n1', 'echo one > /root/f.txt');
    await lab.sh('n2', 'echo two > /root/f.txt');
    const dest = join(lab.dir, 'fetched');
    const yaml = play([`- fetch: { src: /root/f.txt, dest: ${dest} }`, `- name: flat`, `  fetch: { src: /root/f.txt, dest: "${dest}/flat-{{ inventory_hostname }}.txt", flat: true }`, '- name: missing', `  fetch: { src: /nope, dest: ${dest}, fail_on_missing: false }`].join('\n'));
    const check = await lab.play(yaml, { check: true });
    assert.deepEqual(check.results.map((t) => t.status), ['skipped', 'skipped', 'skipped', 'skipped', 'skipped', 'skipped']);
    assert.equal(existsSync(dest), false, '--check fetched something');
    const real = await lab.play(yaml);
    assert.equal(real.code, 0, real.stderr);
    assert.deepEqual(real.results.map((t) => `${t.task} ${t.host} ${t.status}`).sort(), ['fetch n1 changed', 'fetch n2 changed', 'flat n1 changed', 'flat n2 changed', 'missing n1 ok', 'missing n2 ok']);
    assert.equal(readFileSync(join(dest, 'n1/root/f.txt'), 'utf8'), 'one\n');
    assert.equal(readFileSync(join(dest, 'flat-n2.txt'), 'utf8'), 'two\n');
    const f = real.on('fetch', 'n1').result;
    assert.deepEqual([f['dest'], f['checksum'], f['remote_checksum'], f['md5sum']], [join(dest, 'n1/root/f.txt'), 'c7059bb19433cc3cabaa6236c83d56668a843dd2', 'c7059bb19433cc3cabaa6236c83d56668a843dd2', '5bbf5a52328e7439ae6e719dfe712200']);
    assert.equal(real.on('missing', 'n1').result['msg'], 'the remote file does not exist, not transferring, ignored');
    const again = await lab.play(yaml);
    assert.deepEqual(again.results.map((t) => t.status), ['ok', 'ok', 'ok', 'ok', 'ok', 'ok']);
    const strict = await lab.play(play(`- fetch: { src: /nope, dest: ${dest} }`, 'n1'));
    assert.equal(strict.code, 2);
    assert.equal(strict.on('fetch', 'n1').result['msg'], 'the remote file does not exist, not transferring, ignored');
  });

  test('hostname through hostnamectl (systemd): check predicts, the real run sets static and transient names, then nothing to do', async () => {
    const { real } = await converge(lab, play('- hostname: { name: "web-{{ inventory_hostname }}.lab" }\n- command: hostname\n  changed_when: false\n  check_mode: false'), { diff: true });
    assert.deepEqual(real.on('hostname', 'n1').diff, [{ path: '', before: 'hostname = n1\n', after: 'hostname = web-n1.lab\n' }]);
    assert.equal(real.on('command', 'n2').result['stdout'], 'web-n2.lab');
    assert.equal((await lab.sh('n1', 'hostnamectl --static status; cat /etc/hostname')).trim(), 'web-n1.lab\nweb-n1.lab');
    assert.deepEqual(real.on('hostname', 'n1').result['ansible_facts'], { ansible_hostname: 'web-n1', ansible_nodename: 'web-n1.lab' });
  });

  test('hostname with use=debian writes /etc/hostname only', async () => {
    await converge(lab, play('- hostname: { name: file-name, use: debian }', 'n2'));
    assert.equal(await lab.sh('n2', 'cat /etc/hostname'), 'file-name\n');
  });

  test('authorized_key: keys with options into a new ~/.ssh (0700) and authorized_keys (0600) owned by the user; exclusive; absent', async () => {
    const keys = `${KEY1}\n${KEY2}\n`;
    const { real } = await converge(lab, play(`- authorized_key:\n    user: keyuser\n    key: ${JSON.stringify(keys)}\n    key_options: 'no-pty,from="10.0.62.10"'`), { diff: true });
    const expected = `no-pty,from="10.0.62.10" ${KEY1}\nno-pty,from="10.0.62.10" ${KEY2}\n`;
    assert.equal(await lab.sh('n1', 'cat /home/keyuser/.ssh/authorized_keys'), expected);
    assert.equal(await lab.sh('n1', 'stat -c "%a %U %G" /home/keyuser/.ssh /home/keyuser/.ssh/authorized_keys'), '700 keyuser keyuser\n600 keyuser keyuser\n');
    assert.equal(real.on('authorized_key', 'n2').result['keyfile'], '/home/keyuser/.ssh/authorized_keys');
    assert.deepEqual(real.on('authorized_key', 'n1').diff, [{ path: '/home/keyuser/.ssh/authorized_keys', before: '', after: expected }]);
    // A hand-added key and comment, then exclusive keeps only the one given.
    await lab.sh('n1', `echo '# mine' >> /home/keyuser/.ssh/authorized_keys; echo 'ssh-rsa AAAAB3Nza other' >> /home/keyuser/.ssh/authorized_keys`);
    await converge(lab, play(`- authorized_key: { user: keyuser, key: "${KEY2}", exclusive: true }`, 'n1'));
    assert.equal(await lab.sh('n1', 'cat /home/keyuser/.ssh/authorized_keys'), `${KEY2}\n`);
    await converge(lab, play(`- authorized_key: { user: keyuser, key: "${KEY2}", state: absent }`, 'n1'));
    assert.equal(await lab.sh('n1', 'cat /home/keyuser/.ssh/authorized_keys'), '');
  });

  test('authorized_key for a user that does not exist fails with Ansible\'s message', async () => {
    const r = await lab.play(play(`- authorized_key: { user: nobody-here, key: "${KEY1}" }`, 'n1'));
    assert.equal(r.code, 2);
    assert.match(String(r.on('authorized_key', 'n1').result['msg']), /^Failed to lookup user nobody-here/);
  });

  test('known_hosts: add, hash, replace a changed key, remove a host', async () => {
    const path = '/root/kh';
    await lab.sh('n1', `printf 'other.example ${KEY2.split(' ').slice(0, 2).join(' ')}\\n' > ${path}`);
    const line = (host: string, key: string) => `${host} ${key.split(' ').slice(0, 2).join(' ')}`;
    await converge(lab, play(`- known_hosts: { path: ${path}, name: git.example, key: "${line('git.example', KEY1)}" }\n- known_hosts: { path: ${path}, name: hashed.example, key: "${line('hashed.example', KEY1)}", hash_host: true }`, 'n1'));
    const text = await lab.sh('n1', `cat ${path}`);
    const lines = text.trim().split('\n');
    assert.equal(lines.length, 3, text);
    assert.equal(lines[1], line('git.example', KEY1));
    assert.match(lines[2] ?? '', /^\|1\|[^ ]+ ssh-ed25519 /);
    assert.equal((await lab.shRaw('n1', `ssh-keygen -F hashed.example -f ${path} | grep -c ssh-ed25519`)).stdout.trim(), '1');
    // The same host with another key of the same type: replaced in place.
    await converge(lab, play(`- known_hosts: { path: ${path}, name: git.example, key: "${line('git.example', KEY2)}" }`, 'n1'));
    assert.equal((await lab.sh('n1', `cat ${path}`)).trim().split('\n').filter((l) => l.startsWith('git.example')).join('|'), line('git.example', KEY2));
    await converge(lab, play(`- known_hosts: { path: ${path}, name: other.example, state: absent }`, 'n1'));
    assert.doesNotMatch(await lab.sh('n1', `cat ${path}`), /other\.example/);
    assert.match(await lab.sh('n1', `cat ${path}.old`), /other\.example/);
  });

  test('a bad argument is refused before any host is touched (the rest: test/unit/system-modules-b-args.test.ts)', async () => {
    const [task, message] = ['- authorized_key: { user: u, key: x, state: gone }', /state/] as const;
    const r = await lab.play(play(`- command: touch /root/touched\n${task}`, 'n1'));
    assert.equal(r.code, 1, `${task}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.results.length, 0);
    assert.equal((await lab.shRaw('n1', 'test -e /root/touched')).code, 1);
  });

});
