import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REPO } from '../helpers/cli.js';
import { labSkipReason, startLab, type TestLab } from '../helpers/lab.js';

// The weave IP plan through the real CLI: shown by --check, given to templates, and a bad one
// refused before any connection (the hosts' sshd logs stay as they were).
const FIXTURES = join(REPO, 'test/fixtures/weave-ip-plan');
const HOSTS = ['agent-1', 'agent-2'] as const;

describe('weave IP plan before any host is touched', { skip: labSkipReason() }, () => {
  let lab: TestLab;
  before(async () => {
    lab = await startLab(join(FIXTURES, 'bridge.yml'), 'weaveplan');
  }, { timeout: 60_000 });
  after(async () => {
    await lab?.down();
  });
  const sshdLog = (host: string): string => readFileSync(join(lab.dir, 'hosts', host, 'sshd.log'), 'utf8');

  test('--check shows the plan, and templates see the computed values', { timeout: 60_000 }, async () => {
    const r = await lab.run(['provision', '-i', join(FIXTURES, 'bridge.yml'), '--check', join(FIXTURES, 'show-plan.yml')], { cwd: REPO });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^weave IP plan: bridge mode, network 10\.2\.0\.0\/16, bridge addresses from 10\.2\.0\.0\/24\n {2}host {5}index {2}bridge {7}containers\n {2}agent-1 {2}1 {6}10\.2\.0\.1\/16 {2}10\.2\.1\.0\/24 {2}computed: weave_bridge_cidr, weave_container_cidr\n {2}agent-2 {2}2 {6}10\.2\.0\.2\/16 {2}10\.2\.7\.0\/24 {2}computed: weave_bridge_cidr\n/m);
    assert.match(r.stdout, /"msg": "agent-1 bridge=10\.2\.0\.1\/16 containers=10\.2\.1\.0\/24"/);
    assert.match(r.stdout, /"msg": "agent-2 bridge=10\.2\.0\.2\/16 containers=10\.2\.7\.0\/24"/);
    // A real run connects, and the hosts' sshd logs say so (what the refusal below relies on).
    const logs = HOSTS.map(sshdLog);
    const real = await lab.run(['provision', '-i', join(FIXTURES, 'bridge.yml'), join(FIXTURES, 'show-plan.yml')], { cwd: REPO });
    assert.equal(real.code, 0, real.stdout + real.stderr);
    HOSTS.forEach((h, i) => assert.match(sshdLog(h).slice(logs[i]?.length), /Accepted publickey for vagrant/, h));
  });

  test('an overlapping range is refused, naming hosts, ranges and file:line, with zero connections made', { timeout: 60_000 }, async () => {
    const before = HOSTS.map(sshdLog);
    const r = await lab.run(['provision', '-i', join(FIXTURES, 'overlap.yml'), join(FIXTURES, 'show-plan.yml')], { cwd: REPO });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const out = r.stdout + r.stderr;
    assert.match(out, /weave IP plan refused before any host was touched:/);
    assert.match(out, /weave_network 10\.0\.0\.0\/16 \(test\/fixtures\/weave-ip-plan\/overlap\.yml:13\) overlaps the address 10\.0\.15\.201 of agent-1 \(test\/fixtures\/weave-ip-plan\/overlap\.yml:16\)/);
    assert.match(out, /overlaps the address 10\.0\.15\.10 of mgmt \(test\/fixtures\/weave-ip-plan\/overlap\.yml:9\)/);
    assert.doesNotMatch(out, /PLAY|TASK/, 'the run started');
    assert.deepEqual(HOSTS.map(sshdLog), before, 'a host was connected to');
  });
});
