// Times whole command runs (wall clock, as the floor in notes/measured-here.md was measured) and
// prints each run, the median of the idempotent runs, and the last run's recap summary.
import { spawnSync } from 'node:child_process';

const [runs, ...command] = process.argv.slice(2);
const times = [];
let last = '';
for (let i = 0; i < Number(runs); i++) {
  const start = performance.now();
  const r = spawnSync(command[0], command.slice(1), { encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = (performance.now() - start) / 1000;
  if (r.status !== 0) {
    process.stderr.write(r.stdout.slice(-3000) + r.stderr);
    process.exit(r.status ?? 1);
  }
  last = r.stdout;
  times.push(seconds);
  const changed = [...last.matchAll(/changed=(\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
  console.log(`run ${i + 1}: ${seconds.toFixed(2)} s, changed=${changed} in total`);
}
const idempotent = times.slice(1).sort((a, b) => a - b);
if (idempotent.length) console.log(`idempotent runs: median ${idempotent[Math.floor(idempotent.length / 2)].toFixed(2)} s, best ${idempotent[0].toFixed(2)} s`);
