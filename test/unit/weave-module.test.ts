import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ActionContext, ActionModule, ModuleResult, TextResult } from '../../src/modules/types.js';
import { ModuleFailure } from '../../src/modules/types.js';
import { validateArgs } from '../../src/modules/validate-args.js';
import { planWeave, type WeaveWanted } from '../../src/modules/weave-plan.js';
import { parseProbe, type WeaveObserved } from '../../src/modules/weave-state.js';
import { weaveModule } from '../../src/modules/weave.js';

// `weave status` as weave 1.9's router prints it (and the lab's stand-in).
const RUNNING_STATUS = `
        Version: 1.9.8 (version check update disabled)

        Service: router
       Protocol: weave 1..2
           Name: 1a:96:21:6a:12:e5(weave-1)
     Encryption: disabled
  PeerDiscovery: enabled
        Targets: 2
    Connections: 2 (2 established)
          Peers: 3 (with 4 established connections)
 TrustedSubnets: none

        Service: ipam
         Status: idle
          Range: 10.32.0.0/12
  DefaultSubnet: 10.32.0.0/12

`;

const probeOutput = (parts: { status: string; rc: number; targets?: string[]; addresses?: string[]; bridge?: boolean }): string =>
  [
    '@@weave-probe status',
    parts.status,
    `@@weave-probe rc ${parts.rc}`,
    '@@weave-probe targets',
    ...(parts.targets ?? []),
    '@@weave-probe addresses',
    ...(parts.addresses ?? []),
    '@@weave-probe bridge',
    parts.bridge === false ? 'no' : 'yes',
    '',
  ].join('\n');

const running = (targets: string[], extra: Partial<WeaveObserved> = {}): WeaveObserved => ({
  missing: false, router: 'running', range: '10.32.0.0/12', encryption: false, targets, addresses: [], bridge: true, ...extra,
});
const absent: WeaveObserved = { missing: false, router: 'absent', range: undefined, encryption: false, targets: [], addresses: [], bridge: false };
const wanted = (w: Partial<WeaveWanted>): WeaveWanted => ({
  state: 'started', peers: undefined, hasPassword: false, ipallocRange: undefined, initPeerCount: undefined, noRestart: false, nickname: undefined, expose: [], ...w,
});

describe('weave module: reading weave status', () => {
  test('a running router: range, encryption, targets, bridge addresses', () => {
    const seen = parseProbe(probeOutput({ status: RUNNING_STATUS, rc: 0, targets: ['10.0.15.22', '10.0.15.23'], addresses: ['10.2.0.1/16'] }));
    assert.deepEqual(seen, { missing: false, router: 'running', range: '10.32.0.0/12', encryption: false, targets: ['10.0.15.22', '10.0.15.23'], addresses: ['10.2.0.1/16'], bridge: true });
  });
  test('not present, not running, no script', () => {
    assert.equal(parseProbe(probeOutput({ status: '\nweave container is not present. Have you launched it?', rc: 1, bridge: false })).router, 'absent');
    assert.equal(parseProbe(probeOutput({ status: '\nweave container is not running.', rc: 1 })).router, 'stopped');
    assert.equal(parseProbe('@@weave-probe missing\n').missing, true);
    assert.equal(parseProbe(probeOutput({ status: RUNNING_STATUS.replace('Encryption: disabled', 'Encryption: enabled'), rc: 0 })).encryption, true);
  });
});

describe('weave module: plans', () => {
  test('no router: one launch with every peer, the options, and the password only as a flag', () => {
    const plan = planWeave(wanted({ peers: ['10.0.15.22', '10.0.15.23'], ipallocRange: '10.40.0.0/16', initPeerCount: 3, noRestart: true, hasPassword: true }), absent);
    assert.deepEqual(plan.steps, [
      { what: 'launch the router with peers 10.0.15.22, 10.0.15.23', argv: ['launch', '--ipalloc-range', '10.40.0.0/16', '--init-peer-count', '3', '--no-restart', '10.0.15.22', '10.0.15.23'], password: true },
    ]);
    assert.deepEqual(plan.after.targets, ['10.0.15.22', '10.0.15.23']);
  });
  test('running with the same peers: nothing to do (the second run)', () => {
    const plan = planWeave(wanted({ peers: ['10.0.15.23', '10.0.15.22'] }), running(['10.0.15.22', '10.0.15.23']));
    assert.deepEqual(plan.steps, []);
    assert.equal(plan.diff.before, plan.diff.after);
  });
  test('a changed peer list connects and forgets only the difference', () => {
    const plan = planWeave(wanted({ peers: ['10.0.15.22', 'mesos-agent-3', '10.0.15.24'] }), running(['10.0.15.22', '10.0.15.23']));
    assert.deepEqual(plan.steps.map((s) => s.argv), [['connect', 'mesos-agent-3', '10.0.15.24'], ['forget', '10.0.15.23']]);
    assert.deepEqual(plan.connected, ['mesos-agent-3', '10.0.15.24']);
    assert.deepEqual(plan.forgotten, ['10.0.15.23']);
    assert.equal(plan.diff.before, 'router: running\nipalloc_range: 10.32.0.0/12\nencryption: disabled\ntargets:\n  - 10.0.15.22\n  - 10.0.15.23\nbridge: present\n');
    assert.equal(plan.diff.after, 'router: running\nipalloc_range: 10.32.0.0/12\nencryption: disabled\ntargets:\n  - 10.0.15.22\n  - mesos-agent-3\n  - 10.0.15.24\nbridge: present\n');
  });
  test('peers not given: targets left alone', () => {
    assert.deepEqual(planWeave(wanted({}), running(['10.0.15.22'])).steps, []);
  });
  test('another range or no encryption: stop, then launch again', () => {
    const plan = planWeave(wanted({ ipallocRange: '10.40.0.0/16', peers: ['a'] }), running(['a']));
    assert.deepEqual(plan.steps.map((s) => s.argv[0]), ['stop', 'launch']);
    assert.match(plan.steps[0]?.what ?? '', /its range is 10\.32\.0\.0\/12, not 10\.40\.0\.0\/16/);
    assert.deepEqual(planWeave(wanted({ hasPassword: true }), running([])).steps.map((s) => s.argv[0]), ['stop', 'launch']);
    assert.deepEqual(planWeave(wanted({ hasPassword: true }), running([], { encryption: true })).steps, []);
  });
  test('a stopped router is launched again', () => {
    assert.deepEqual(planWeave(wanted({ peers: ['a'] }), { ...absent, router: 'stopped', bridge: true }).steps.map((s) => s.argv), [['launch', 'a']]);
  });
  test('expose adds only what the bridge lacks', () => {
    const plan = planWeave(wanted({ expose: ['10.2.0.1/16', '10.3.0.1/16'] }), running([], { addresses: ['10.2.0.1/16'] }));
    assert.deepEqual(plan.steps.map((s) => s.argv), [['expose', '10.3.0.1/16']]);
  });
  test('stopped and absent', () => {
    assert.deepEqual(planWeave(wanted({ state: 'stopped' }), running(['a'])).steps.map((s) => s.argv), [['stop']]);
    assert.deepEqual(planWeave(wanted({ state: 'stopped' }), absent).steps, []);
    assert.deepEqual(planWeave(wanted({ state: 'absent' }), running(['a'])).steps.map((s) => s.argv), [['reset']]);
    // weave refuses a plain reset when its router is stopped
    assert.deepEqual(planWeave(wanted({ state: 'absent' }), { ...absent, router: 'stopped', bridge: true }).steps.map((s) => s.argv), [['reset', '--force']]);
    assert.deepEqual(planWeave(wanted({ state: 'absent' }), { ...absent, bridge: true }).steps.map((s) => s.argv), [['reset', '--force']]);
    assert.deepEqual(planWeave(wanted({ state: 'absent' }), absent).steps, []);
  });
});

/** The module's run() against a fake host whose weave answers from `seen`, recording every exec. */
async function runModule(args: Record<string, unknown>, seen: string, options: { check?: boolean; diff?: boolean; vars?: Record<string, unknown> } = {}) {
  const calls: { script: string; env?: Readonly<Record<string, string>> | undefined }[] = [];
  const ctx: ActionContext = {
    host: 'weave-1', vars: options.vars ?? {}, check: options.check ?? false, diff: options.diff ?? false, at: { file: 'x.yml', line: 1, col: 1 }, verbosity: 0,
    exec: async (script, opts): Promise<TextResult> => {
      calls.push({ script, env: opts?.env });
      return { rc: 0, stdout: script.includes('@@weave-probe') ? seen : '', stderr: '' };
    },
  };
  const module = weaveModule as ActionModule;
  const typed = validateArgs('weave', module.schema, args, { file: 'x.yml', line: 1, col: 1 }, true);
  const result: ModuleResult = await module.run(ctx, typed, {});
  return { result, calls };
}

describe('weave module: run', () => {
  const PASSWORD = 'pässwörd $(touch /tmp/pwned) \'"';
  const absentOutput = probeOutput({ status: '\nweave container is not present. Have you launched it?', rc: 1, bridge: false });

  test('the password reaches the host only as environment data, never in a script', async () => {
    const { result, calls } = await runModule({ peers: '10.0.15.22 10.0.15.23', password: PASSWORD, init_peer_count: 3 }, absentOutput);
    assert.equal(result.changed, true);
    assert.equal(calls.length, 2);
    assert.equal(calls[1]?.script, "exec /usr/local/bin/weave launch --init-peer-count 3 10.0.15.22 10.0.15.23");
    assert.deepEqual(calls[1]?.env, { WEAVE_PASSWORD: PASSWORD });
    for (const c of calls) assert.ok(!c.script.includes('pässwörd'));
    assert.ok(!JSON.stringify(result).includes('pässwörd'), 'the result shows the password');
  });

  test('check mode runs nothing but the probe and says what it would do; --diff shows before and after', async () => {
    const { result, calls } = await runModule({ peers: ['10.0.15.22'] }, absentOutput, { check: true, diff: true });
    assert.equal(calls.length, 1);
    assert.equal(result.changed, true);
    assert.equal(result.msg, 'would launch the router with peers 10.0.15.22');
    assert.deepEqual(result.diff, [{ path: 'weave', before: 'router: absent\nbridge: absent\n', after: 'router: running\nencryption: disabled\ntargets:\n  - 10.0.15.22\nbridge: present\n' }]);
  });

  test('check mode before the script is installed: what it would do, not a failure', async () => {
    const { result } = await runModule({ peers: ['10.0.15.22'] }, '@@weave-probe missing\n', { check: true });
    assert.equal(result.changed, true);
    assert.equal(result.msg, 'would launch the router with peers 10.0.15.22');
  });

  test('a second run is ok: nothing but the probe', async () => {
    const { result, calls } = await runModule({ peers: ['10.0.15.22'] }, probeOutput({ status: RUNNING_STATUS, rc: 0, targets: ['10.0.15.22'] }));
    assert.equal(result.changed, false);
    assert.equal(calls.length, 1);
    assert.deepEqual(result.data?.['targets'], ['10.0.15.22']);
  });

  test('a peer naming this host (inventory name or ansible_host) is left out', async () => {
    const { calls } = await runModule({ peers: ['weave-1', '10.0.15.21:6783', '10.0.15.22', 'weave-3'] }, absentOutput, { vars: { ansible_host: '10.0.15.21' } });
    assert.equal(calls[1]?.script, 'exec /usr/local/bin/weave launch 10.0.15.22 weave-3');
  });

  test('bad arguments fail with a message, before running weave', async () => {
    await assert.rejects(runModule({ ipalloc_range: '10.40.0.0' }, absentOutput), (e: unknown) => e instanceof ModuleFailure && /not an IPv4 CIDR/.test(e.message));
    await assert.rejects(runModule({ peers: ['a/b'] }, absentOutput), (e: unknown) => e instanceof ModuleFailure && /invalid peer name "a\/b"/.test(e.message));
    await assert.rejects(runModule({ peers: ['a'] }, '@@weave-probe missing\n'), (e: unknown) => e instanceof ModuleFailure && /no weave script at \/usr\/local\/bin\/weave/.test(e.message));
  });
});
