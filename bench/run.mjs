// `npm run bench`: runs the benchmark scripts (bench/lab.sh, bench/w2.sh) with small defaults,
// shows their output as it comes, then their figures together.
// Usage: node bench/run.mjs [--only lab|w2] [--lab-hosts N] [--w2-hosts N] [--w2-runs N] [--timeout MIN]
// Exit: 0 every benchmark ran, 1 one failed (or timed out), 2 they cannot run here (not Linux,
// not root, a lab tool missing, not built). Each script makes its own lab and removes it.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CANNOT_RUN = 2;

function cannotRun(reason) {
  console.error(`bench: cannot run here: ${reason}`);
  process.exit(CANNOT_RUN);
}

function wholeNumber(name, text) {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`bench: --${name} must be a whole number above 0, got "${text}"`);
    process.exit(1);
  }
  return String(n);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      only: { type: 'string' },
      'lab-hosts': { type: 'string', default: '20' },
      'w2-hosts': { type: 'string', default: '10' },
      'w2-runs': { type: 'string', default: '3' },
      timeout: { type: 'string', default: '20' },
    },
  }));
} catch (err) {
  console.error(`bench: ${err.message}`);
  process.exit(1);
}

const benchmarks = [
  // lab.sh's first argument: hosts in the big lab (it also times the 5-host playground).
  { name: 'lab', script: 'bench/lab.sh', args: [wholeNumber('lab-hosts', values['lab-hosts'])] },
  // w2.sh: hosts, then runs (one cold, the rest idempotent).
  { name: 'w2', script: 'bench/w2.sh', args: [wholeNumber('w2-hosts', values['w2-hosts']), wholeNumber('w2-runs', values['w2-runs'])] },
].filter((b) => values.only === undefined || b.name === values.only);
if (benchmarks.length === 0) {
  console.error(`bench: --only must be lab or w2, got "${values.only}"`);
  process.exit(1);
}
const timeoutMs = Number(wholeNumber('timeout', values.timeout)) * 60_000;

// The scripts drive the built CLI (bin/provision.js loads dist/) and the lab: check both first.
if (!existsSync(`${ROOT}dist/lab/requirements.js`)) cannotRun('dist/ is missing: run `npm run build` (npm ci does it) first');
const { labUnsupportedReason } = await import(`${ROOT}dist/lab/requirements.js`);
const reason = labUnsupportedReason();
if (reason) cannotRun(`the benchmarks bring up labs, and ${reason}`);

/** Runs one script in its own process group (so a timeout or Ctrl-C reaches what it started). */
function runScript({ script, args }) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn('bash', [script, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], detached: true });
    let stdout = '';
    let timedOut = false;
    child.stdout.on('data', (d) => {
      stdout += d.toString();
      process.stdout.write(d);
    });
    // SIGINT, as Ctrl-C would: the script's EXIT trap then removes its lab.
    const interrupt = () => {
      if (child.pid) process.kill(-child.pid, 'SIGINT');
    };
    const timer = setTimeout(() => {
      timedOut = true;
      interrupt();
    }, timeoutMs);
    const onCtrlC = () => {
      interrupted = true;
      interrupt();
    };
    process.on('SIGINT', onCtrlC);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      process.off('SIGINT', onCtrlC);
      resolve({ code, signal, timedOut, stdout, seconds: (performance.now() - started) / 1000 });
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      process.off('SIGINT', onCtrlC);
      resolve({ code: null, signal: null, timedOut: false, stdout: `${err.message}\n`, seconds: 0 });
    });
  });
}

let interrupted = false;
const outcomes = [];
for (const b of benchmarks) {
  if (interrupted) break;
  console.log(`\n=== ${b.script} ${b.args.join(' ')}`);
  const r = await runScript(b);
  const ok = r.code === 0 && !r.timedOut && !interrupted;
  const why = interrupted ? 'interrupted' : r.timedOut ? `timed out after ${values.timeout} min` : r.code !== null ? `exit ${r.code}` : `killed by ${r.signal}`;
  outcomes.push({ ...b, ok, why, seconds: r.seconds, figures: r.stdout.trim() });
}

console.log('\n=== figures');
for (const o of outcomes) {
  console.log(`\n${o.script} ${o.args.join(' ')}: ${o.ok ? 'ok' : `FAILED (${o.why})`}, ${o.seconds.toFixed(1)} s in all`);
  if (o.figures) console.log(o.figures.replace(/^/gm, '  '));
}
const failed = outcomes.filter((o) => !o.ok);
if (failed.length > 0) {
  console.error(`\nbench: ${failed.map((o) => o.script).join(', ')} failed`);
  process.exit(1);
}
