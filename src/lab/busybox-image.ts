import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, copyFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runChecked } from '../util/process.js';

export const BUSYBOX = '/bin/busybox';

/**
 * A root filesystem of the machine's static busybox (bin/busybox and a link per applet) as a
 * tar that `docker import - NAME` turns into an image: no registry is reachable from the lab.
 */
export async function buildBusyboxImageTar(out: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'provision-lab-busybox-'));
  try {
    mkdirSync(join(dir, 'bin'));
    copyFileSync(BUSYBOX, join(dir, 'bin/busybox'));
    chmodSync(join(dir, 'bin/busybox'), 0o755);
    const { stdout } = await runChecked(BUSYBOX, ['--list']);
    for (const applet of stdout.split('\n').filter((a) => /^[\w.[-]+$/.test(a) && a !== 'busybox')) {
      if (!existsSync(join(dir, 'bin', applet))) symlinkSync('busybox', join(dir, 'bin', applet));
    }
    for (const d of ['etc', 'tmp', 'root']) mkdirSync(join(dir, d));
    mkdirSync(dirname(out), { recursive: true });
    await runChecked('tar', ['-C', dir, '-cf', out, '.']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
