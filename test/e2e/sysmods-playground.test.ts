import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { bootedSkipReason, labFilesUrl } from '../helpers/lab.js';
import { buildDeb, recap, startSysLab, statuses, type SysLab } from '../helpers/sysmods.js';

const ZERO = { unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 };

/** docker.service's invocation: a new one after every (re)start. */
const INVOCATION = 'systemctl show -p InvocationID --value docker';

describe('handlers and services together, and the issue\'s whole playbook, on booted hosts', { skip: bootedSkipReason() }, () => {
  let s: SysLab;
  before(async () => {
    s = await startSysLab('playground');
  }, { timeout: 60_000 });
  after(async () => {
    await s?.down();
  });

  test('notify: restart docker restarts docker.service once, after the change; a handler notifies another, one has when; docker is up', { timeout: 120_000 }, async () => {
    const play = (level: string): string => `- hosts: nodes
  gather_facts: false
  become: true
  tasks:
    - name: docker option
      copy:
        dest: /etc/docker/daemon.json
        content: '{"storage-driver": "overlay2", "log-level": "${level}"}'
      notify: restart docker
    - name: a second change notifying the same handler
      copy: {dest: /etc/psm-docker-note, content: "${level}\\n"}
      notify: restart docker
    - meta: flush_handlers
    - name: docker is up after the flush
      command: systemctl is-active docker
      changed_when: false
  handlers:
    - name: restart docker
      service: {name: docker, state: restarted}
      notify: [docker restarted, only on n1]
    - name: docker restarted
      shell: echo "$(systemctl show -p InvocationID --value docker)" >> /var/lib/psm-restarts
    - name: only on n1
      shell: echo n1 >> /var/lib/psm-n1-only
      when: inventory_hostname == 'n1'
`;
    const before = (await s.sh('n1', INVOCATION)).trim();
    const run = await s.play(play('warn'));
    assert.equal(run.code, 0, run.out);
    assert.deepEqual(statuses(run.out, 'n1'), ['docker option: changed', 'a second change notifying the same handler: changed', 'restart docker: changed', 'docker restarted: changed', 'only on n1: changed', 'docker is up after the flush: ok'], run.out);
    assert.deepEqual(statuses(run.out, 'n2'), ['docker option: changed', 'a second change notifying the same handler: changed', 'restart docker: changed', 'docker restarted: changed', 'only on n1: skipping', 'docker is up after the flush: ok'], run.out);
    const afterRun = (await s.sh('n1', INVOCATION)).trim();
    assert.notEqual(afterRun, before);
    // Restarted once: the one invocation the handler chain saw is the one running now, and docker has the option.
    assert.equal((await s.sh('n1', 'cat /var/lib/psm-restarts')).trim(), afterRun);
    assert.equal((await s.sh('n1', "systemctl is-active docker; docker info --format '{{.Driver}}'")).trim(), 'active\noverlay2');
    assert.match(await s.sh('n1', 'journalctl -u docker -o cat | grep -c "level=warn" || true'), /^\d+/);
    assert.equal((await s.sh('n2', 'test -e /var/lib/psm-n1-only && echo yes || echo no')).trim(), 'no');
    const again = await s.play(play('warn'));
    assert.deepEqual(recap(again.out, 'n1'), { ok: 3, changed: 0, ...ZERO }, again.out);
    assert.equal((await s.sh('n1', INVOCATION)).trim(), afterRun, 'docker restarted without a change');
    assert.equal((await s.sh('n1', 'wc -l < /var/lib/psm-restarts')).trim(), '1');
  });

  test('done when: a lab package, get_url with checksum, a Docker option restarting docker from a handler, a reboot, a busybox container; the second run changes nothing', { timeout: 180_000 }, async () => {
    assert.equal((await s.lab.repoAdd([buildDeb(s.work, 'psm-done', '2.0')])).code, 0);
    const tool = '#!/bin/sh\necho "done tool"\n';
    mkdirSync(join(s.lab.dir, 'www', 'psm'), { recursive: true });
    writeFileSync(join(s.lab.dir, 'www', 'psm', 'done-tool.sh'), tool);
    const files = labFilesUrl(s.lab);
    const playbook = `- hosts: nodes
  gather_facts: false
  become: true
  vars:
    files: "${files}"
    tool_sha256: "${createHash('sha256').update(tool).digest('hex')}"
  tasks:
    - name: a package from the lab's repository
      apt: {name: psm-done, update_cache: true}
    - name: a tool, checked by its checksum
      get_url: {url: "{{ files }}psm/done-tool.sh", dest: /usr/local/bin/psm-done-tool, mode: "0755", checksum: "sha256:{{ tool_sha256 }}"}
    - name: a Docker option
      copy:
        dest: /etc/docker/daemon.json
        content: '{"storage-driver": "overlay2", "log-level": "info", "labels": ["psm=done"]}'
      register: docker_option
      notify: restart docker
    - meta: flush_handlers
    - name: reboot for the new configuration
      reboot: {reboot_timeout: 120}
      when: docker_option is changed
    - name: docker is up again
      wait_for: {path: /var/run/docker.sock, timeout: 60}
    - name: the busybox image (no registry here)
      shell: docker image inspect busybox:lab >/dev/null 2>&1 || { curl -fsS "{{ files }}images/busybox.tar" | docker import - busybox:lab >/dev/null && echo imported; }
      register: image
      changed_when: "'imported' in image.stdout"
    - name: a busybox container
      command: docker run --rm busybox:lab echo hello from busybox
      register: container
      changed_when: false
    - assert:
        that: ["container.stdout == 'hello from busybox'"]
  handlers:
    - name: restart docker
      systemd: {name: docker, state: restarted}
`;
    const boot = (await s.sh('n2', 'cat /proc/sys/kernel/random/boot_id')).trim();
    const first = await s.play(playbook);
    assert.equal(first.code, 0, first.out);
    for (const host of ['n1', 'n2']) {
      assert.deepEqual(recap(first.out, host), { ok: 9, changed: 6, ...ZERO }, first.out);
    }
    assert.notEqual((await s.sh('n2', 'cat /proc/sys/kernel/random/boot_id')).trim(), boot, 'the host did not reboot');
    assert.equal((await s.sh('n2', 'psm-done; psm-done-tool; docker info --format "{{.Labels}}"')).trim(), 'psm-done 2.0\ndone tool\n[psm=done]');
    const second = await s.play(playbook);
    assert.equal(second.code, 0, second.out);
    for (const host of ['n1', 'n2']) assert.deepEqual(recap(second.out, host), { ok: 7, changed: 0, ...ZERO, skipped: 1 }, second.out);
  });
});
