import type { FileDiff } from './plan.js';
import type { RouterState, WeaveObserved } from './weave-state.js';

/** The `weave` module's arguments, as its plan needs them. */
export interface WeaveWanted {
  readonly state: 'started' | 'stopped' | 'absent';
  /** The desired connect targets; undefined leaves them alone. */
  readonly peers: readonly string[] | undefined;
  readonly hasPassword: boolean;
  readonly ipallocRange: string | undefined;
  readonly initPeerCount: number | undefined;
  readonly noRestart: boolean;
  readonly nickname: string | undefined;
  readonly expose: readonly string[];
}

/** One `weave` command the module runs (argv after the script's path; never the password). */
export interface WeaveStep {
  readonly what: string;
  readonly argv: readonly string[];
  /** The step needs WEAVE_PASSWORD in its environment (given as data). */
  readonly password?: boolean;
}

export interface WeavePlan {
  readonly steps: readonly WeaveStep[];
  readonly connected: readonly string[];
  readonly forgotten: readonly string[];
  readonly after: { readonly router: RouterState; readonly targets: readonly string[]; readonly addresses: readonly string[]; readonly bridge: boolean };
  readonly diff: FileDiff;
}

const unique = (list: readonly string[]): string[] => [...new Set(list)];

function launchStep(w: WeaveWanted): WeaveStep {
  const argv = ['launch'];
  if (w.ipallocRange !== undefined) argv.push('--ipalloc-range', w.ipallocRange);
  if (w.initPeerCount !== undefined) argv.push('--init-peer-count', String(w.initPeerCount));
  if (w.nickname !== undefined) argv.push('--nickname', w.nickname);
  if (w.noRestart) argv.push('--no-restart');
  argv.push(...unique(w.peers ?? []));
  const peers = w.peers && w.peers.length > 0 ? ` with peers ${unique(w.peers).join(', ')}` : '';
  return { what: `launch the router${peers}`, argv, ...(w.hasPassword ? { password: true } : {}) };
}

/**
 * What to run so the host matches the arguments, from what `weave status` says: launch when no
 * router runs (or its range or encryption differs: stop, then launch), connect and forget only
 * the difference between the peers and `status targets`, expose addresses the bridge lacks;
 * stop; reset (--force when the router is stopped: weave refuses a plain reset then).
 */
export function planWeave(w: WeaveWanted, seen: WeaveObserved): WeavePlan {
  const steps: WeaveStep[] = [];
  let router = seen.router;
  let targets = [...seen.targets];
  let addresses = [...seen.addresses];
  let bridge = seen.bridge;
  let connected: string[] = [];
  let forgotten: string[] = [];
  if (w.state === 'started') {
    const rangeDiffers = w.ipallocRange !== undefined && seen.range !== undefined && seen.range !== w.ipallocRange;
    const encryptionDiffers = w.hasPassword && !seen.encryption;
    if (router === 'running' && (rangeDiffers || encryptionDiffers)) {
      const why = rangeDiffers ? `its range is ${seen.range}, not ${w.ipallocRange}` : 'it runs without a password';
      steps.push({ what: `stop the router (${why})`, argv: ['stop'] });
      router = 'stopped';
    }
    if (router !== 'running') {
      steps.push(launchStep(w));
      router = 'running';
      bridge = true;
      connected = unique(w.peers ?? []);
      targets = [...connected];
    } else if (w.peers !== undefined) {
      const want = unique(w.peers);
      connected = want.filter((p) => !targets.includes(p));
      forgotten = targets.filter((p) => !want.includes(p));
      if (connected.length > 0) steps.push({ what: `connect to ${connected.join(', ')}`, argv: ['connect', ...connected] });
      if (forgotten.length > 0) steps.push({ what: `forget ${forgotten.join(', ')}`, argv: ['forget', ...forgotten] });
      targets = [...targets.filter((p) => want.includes(p)), ...connected];
    }
    const missing = unique(w.expose).filter((cidr) => !addresses.includes(cidr));
    if (missing.length > 0) {
      steps.push({ what: `expose ${missing.join(', ')} on the weave bridge`, argv: ['expose', ...missing] });
      addresses = [...addresses, ...missing];
      bridge = true;
    }
  } else if (w.state === 'stopped') {
    if (router === 'running') {
      steps.push({ what: 'stop the router', argv: ['stop'] });
      router = 'stopped';
      targets = [];
    }
  } else if (router !== 'absent' || bridge) {
    steps.push({ what: 'reset weave (router, bridge, state)', argv: router === 'running' ? ['reset'] : ['reset', '--force'] });
    router = 'absent';
    targets = [];
    addresses = [];
    bridge = false;
  }
  const after = { router, targets, addresses, bridge };
  return { steps, connected, forgotten, after, diff: { path: 'weave', before: describe(seen), after: describe({ ...after, range: w.ipallocRange ?? seen.range, encryption: w.state === 'started' ? w.hasPassword || seen.encryption : seen.encryption }) } };
}

/** The state as the diff shows it. */
function describe(s: { router: RouterState; range?: string | undefined; encryption: boolean; targets: readonly string[]; addresses: readonly string[]; bridge: boolean }): string {
  const lines = [`router: ${s.router}`];
  if (s.router === 'running') {
    if (s.range !== undefined) lines.push(`ipalloc_range: ${s.range}`);
    lines.push(`encryption: ${s.encryption ? 'enabled' : 'disabled'}`);
    lines.push(`targets:${s.targets.length === 0 ? ' []' : ''}`, ...s.targets.map((t) => `  - ${t}`));
  }
  lines.push(`bridge: ${s.bridge ? 'present' : 'absent'}`);
  if (s.addresses.length > 0) lines.push('bridge addresses:', ...s.addresses.map((a) => `  - ${a}`));
  return `${lines.join('\n')}\n`;
}
