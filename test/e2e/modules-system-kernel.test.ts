import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { bootedSkipReason, labFilesUrl } from '../helpers/lab.js';
import { converge, type ModuleLab, startModuleLab } from '../helpers/module-play.js';

/** sysctl (net.* keys only: the rest of /proc/sys is read-only in a booted host), mount (tmpfs in the host's own mount namespace), iptables, uri. */
const play = (tasks: string, hosts = 'nodes'): string => `- hosts: ${hosts}\n  gather_facts: false\n  tasks:\n${tasks.replace(/^/gm, '    ').replace(/^ +$/gm, '')}\n`;

describe('sysctl, mount, iptables, uri on booted hosts', { skip: bootedSkipReason() }, () => {
  let lab: ModuleLab;
  before(async () => {
    lab = await startModuleLab('sysmods-kernel', 64, ['n1'], 'booted');
  });
  after(async () => {
    await lab?.down();
  });

  test('sysctl: a net.* key in a sysctl file of its own, set in the kernel by reloading; back', async () => {
    const original = (await lab.sh('n1', 'sysctl -n net.ipv4.ip_forward')).trim();
    const other = original === '1' ? '0' : '1';
    await lab.sh('n1', 'printf "# lab\\nnet.ipv4.conf.all.send_redirects = 1\\n" > /etc/sysctl.d/90-test.conf');
    const { real } = await converge(lab, play(`- sysctl: { name: net.ipv4.ip_forward, value: "${other}", sysctl_file: /etc/sysctl.d/90-test.conf }`), { diff: true });
    assert.equal((await lab.sh('n1', 'sysctl -n net.ipv4.ip_forward')).trim(), other);
    assert.equal(await lab.sh('n1', 'cat /etc/sysctl.d/90-test.conf'), `# lab\nnet.ipv4.conf.all.send_redirects=1\nnet.ipv4.ip_forward=${other}\n`);
    assert.equal(real.on('sysctl', 'n1').diff?.[0]?.path, '/etc/sysctl.d/90-test.conf');
    // The kernel's value changed by hand: the file is right, sysctl_set puts the value back.
    await lab.sh('n1', `sysctl -qw net.ipv4.ip_forward=${original}`);
    await converge(lab, play(`- sysctl: { name: net.ipv4.ip_forward, value: "${other}", sysctl_file: /etc/sysctl.d/90-test.conf, sysctl_set: true, reload: false }`));
    assert.equal((await lab.sh('n1', 'sysctl -n net.ipv4.ip_forward')).trim(), other);
    await converge(lab, play('- sysctl: { name: net.ipv4.ip_forward, state: absent, sysctl_file: /etc/sysctl.d/90-test.conf, reload: false }'));
    assert.equal(await lab.sh('n1', 'cat /etc/sysctl.d/90-test.conf'), '# lab\nnet.ipv4.conf.all.send_redirects=1\n');
    await lab.sh('n1', `sysctl -qw net.ipv4.ip_forward=${original}; rm /etc/sysctl.d/90-test.conf`);
  });

  test('mount: a tmpfs mounted (mount point and fstab line made), options changed (remounted), unmounted, absent', async () => {
    const base = 'path: /mnt/prov-test, src: tmpfs, fstype: tmpfs, fstab: /etc/fstab.test';
    await converge(lab, play(`- mount: { ${base}, opts: "size=2m", state: mounted }`), { diff: true });
    assert.equal(await lab.sh('n1', 'cat /etc/fstab.test'), 'tmpfs /mnt/prov-test tmpfs size=2m 0 0\n');
    assert.match(await lab.sh('n1', 'findmnt -no FSTYPE,OPTIONS /mnt/prov-test'), /^tmpfs .*size=2048k/);
    await converge(lab, play(`- mount: { ${base}, opts: "size=3m", state: mounted }`));
    assert.match(await lab.sh('n1', 'findmnt -no OPTIONS /mnt/prov-test'), /size=3072k/);
    await converge(lab, play(`- mount: { path: /mnt/prov-test, state: unmounted, fstab: /etc/fstab.test }`));
    assert.equal((await lab.shRaw('n1', 'findmnt /mnt/prov-test')).code, 1);
    await lab.sh('n1', 'mount -T /etc/fstab.test /mnt/prov-test');
    await converge(lab, play(`- mount: { path: /mnt/prov-test, state: absent, fstab: /etc/fstab.test }`));
    assert.equal(await lab.sh('n1', 'cat /etc/fstab.test; findmnt /mnt/prov-test || echo none; test -e /mnt/prov-test || echo gone'), 'none\ngone\n');
  });

  test('iptables: the weave firewall rules (6783/tcp, 6783-6784/udp per peer) appended once, with comments; removed', async () => {
    const rules = [
      '- iptables: { chain: INPUT, protocol: tcp, source: 10.0.64.99, destination_port: "6783", jump: ACCEPT, comment: "weave control" }',
      '- iptables: { chain: INPUT, protocol: udp, source: 10.0.64.99, destination_port: "6783:6784", jump: ACCEPT, comment: "weave data" }',
      '- iptables: { chain: INPUT, protocol: tcp, destination_port: "22", jump: ACCEPT, action: insert }',
    ].join('\n');
    await converge(lab, play(rules));
    const listed = await lab.sh('n1', 'iptables -S INPUT');
    assert.match(listed, /^-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\n(.|\n)*-A INPUT -s 10\.0\.64\.99\/32 -p tcp -m tcp --dport 6783 -m comment --comment "weave control" -j ACCEPT\n-A INPUT -s 10\.0\.64\.99\/32 -p udp -m udp --dport 6783:6784 -m comment --comment "weave data" -j ACCEPT\n/m);
    await converge(lab, play(rules.replace(/ \}/g, ', state: absent }')));
    assert.doesNotMatch(await lab.sh('n1', 'iptables -S INPUT'), /weave|dport 22/);
  });

  test('uri: GET from the lab web server (status, headers, content), JSON parsed, a 404 fails with Ansible\'s message; skipped in check mode', async () => {
    const url = labFilesUrl(lab.lab);
    await lab.sh('n1', 'true');
    const { writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    writeFileSync(join(lab.lab.dir, 'www', 'hello.txt'), 'hello\n');
    writeFileSync(join(lab.dir, 'data.json'), '{"a": [1, 2]}');
    // The lab's web server sends every file as application/octet-stream; Python's serves .json as JSON (bounded, ended by lab down).
    await lab.lab.run(['sh', '-c', `cd ${lab.dir} && (timeout 300 python3 -m http.server 8881 --bind 10.0.64.10 >/dev/null 2>&1 &) && for i in $(seq 150); do curl -fso /dev/null http://10.0.64.10:8881/ && break; sleep 0.2; done`]);
    const yaml = play([`- uri: { url: "${url}hello.txt", return_content: true }`, '  register: got', `- name: json`, `  uri: { url: "http://10.0.64.10:8881/data.json" }`, '- name: missing', `  uri: { url: "${url}nope" }`, '  ignore_errors: true', '- name: accepted 404', `  uri: { url: "${url}nope", status_code: [200, 404] }`].join('\n'), 'n1');
    const check = await lab.play(yaml, { check: true });
    assert.deepEqual(check.results.map((r) => r.status), ['skipped', 'skipped', 'skipped', 'skipped']);
    const r = await lab.play(yaml);
    assert.equal(r.code, 0, `${JSON.stringify(r.results, null, 1)}\n${r.stderr}`);
    const got = r.on('uri', 'n1');
    assert.deepEqual([got.status, got.result['status'], got.result['content'], got.result['msg'], got.result['content_length']], ['ok', 200, 'hello\n', 'OK (6 bytes)', '6']);
    assert.deepEqual(r.on('json', 'n1').result['json'], { a: [1, 2] });
    const missing = r.on('missing', 'n1');
    assert.equal(missing.status, 'failed');
    assert.equal(missing.result['msg'], 'Status code was 404 and not [200]: HTTP Error 404: Not Found');
    assert.equal(r.on('accepted 404', 'n1').status, 'ok');
  });
});
