import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createLabCgroups, ensureCgroup2 } from './cgroup.js';
import { HostKeeper } from './host-keeper.js';
import { createLabHttpServer, listenOnLabAddress } from './lab-http.js';
import { LAB_HTTP_PORT, labServiceUrls } from './lab-services.js';
import { processRef } from './process-identity.js';
import { labPaths, readLabState, STATE_FILE, writeJsonAtomically } from './state.js';

/** What the supervisor tells `lab up` and `lab down` about itself (supervisor.json). */
export interface SupervisorInfo {
  readonly pid: number;
  readonly startTime: number;
  /** Base URLs of the repository and web root, once the server listens. */
  readonly serving?: { readonly apt: string; readonly files: string };
  readonly error?: string;
}

const STATE_CHECK_MS = 1000;

/**
 * The lab's supervisor: `node supervisor.js <labdir>`, started detached by `lab up` inside the
 * controller host's network namespace. It boots the booted hosts, starts them again when they
 * reboot, and serves the lab's apt repository and web root on the controller's lab address. It
 * ends on SIGTERM (`lab down`) or when the lab's state file is gone; the hosts are `down`'s to end.
 */
async function main(labDir: string): Promise<void> {
  const log = (line: string): void => {
    process.stdout.write(`${new Date().toISOString()} ${line}\n`);
  };
  const state = readLabState(labDir);
  if (!state) throw new Error(`no lab state in ${labDir}`);
  const self = processRef(process.pid);
  if (!self) throw new Error('cannot read this process in /proc');
  let info: SupervisorInfo = { ...self };
  const publish = (next: SupervisorInfo): void => {
    info = next;
    writeJsonAtomically(labPaths(labDir).supervisor, info);
  };
  publish(info);

  const booted = state.plan.hosts.filter((h) => h.kind === 'booted');
  const cgroups = createLabCgroups(await ensureCgroup2(labDir), state.plan.id, booted.map((h) => h.index));
  const keepers = booted.map((h) => new HostKeeper(labDir, h, cgroups.get(h.index) ?? '', log));
  for (const k of keepers) k.start();

  let ending = false;
  const server = createLabHttpServer(labDir, log);
  const end = (why: string): void => {
    if (ending) return;
    ending = true;
    log(`supervisor ending: ${why}`);
    for (const k of keepers) k.stop();
    server.close();
    server.closeAllConnections();
    process.exit(0);
  };
  // A supervisor that died would leave rebooting hosts off: log what went wrong and carry on.
  process.on('uncaughtException', (err) => log(`unexpected error: ${err.stack ?? err.message}`));
  process.on('SIGTERM', () => end('SIGTERM'));
  process.on('SIGINT', () => end('SIGINT'));
  setInterval(() => {
    if (!existsSync(join(labDir, STATE_FILE))) end('the lab state is gone');
  }, STATE_CHECK_MS);

  const controller = state.plan.hosts.find((h) => h.controller);
  if (controller) {
    try {
      await listenOnLabAddress(server, controller.address, LAB_HTTP_PORT, () => ending);
      publish({ ...info, serving: labServiceUrls(controller.address) });
      log(`serving ${labServiceUrls(controller.address).apt} and ${labServiceUrls(controller.address).files}`);
    } catch (err) {
      publish({ ...info, error: `cannot serve on ${controller.address}:${LAB_HTTP_PORT}: ${(err as Error).message}` });
      log(info.error ?? '');
    }
  }
}

const labDir = process.argv[2];
if (!labDir) {
  process.stderr.write('usage: supervisor.js <lab directory>\n');
  process.exit(2);
}
main(labDir).catch((err: unknown) => {
  process.stderr.write(`supervisor failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
