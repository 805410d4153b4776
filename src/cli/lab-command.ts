import { fileURLToPath } from 'node:url';
import { loadProjectConfig } from '../config/project-config.js';
import { UsageError } from '../errors.js';
import { loadInventory } from '../inventory/load.js';
import { labDown, labExec, labRepoAdd, labRun, labStatus, labUp } from '../lab/lab.js';
import { HOST_KINDS, type HostKind } from '../lab/plan.js';
import { makeScaleInventory } from '../lab/scale-inventory.js';
import { collect, newProgram, parseWith } from './options.js';

const DEFAULT_LAB_DIR = '.provision-lab';
const BIN = fileURLToPath(new URL('../../bin/provision.js', import.meta.url));

export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** `provision lab up|down|status|exec|run|inventory`: a thin shell over src/lab. */
export async function labCommand(argv: readonly string[], io: Io): Promise<number> {
  let exitCode = 0;
  const say = (line: string): void => io.out(`${line}\n`);
  const labDir = (opts: { lab?: string }): string => opts.lab ?? process.env['PROVISION_LAB_DIR'] ?? DEFAULT_LAB_DIR;
  const program = newProgram('provision lab', io.out).description('real SSH hosts on this machine, one network namespace each');
  const withDir = (c: ReturnType<typeof program.command>) =>
    c.option('--lab <dir>', `the lab's state directory (default: $PROVISION_LAB_DIR or ${DEFAULT_LAB_DIR})`);

  withDir(program.command('up'))
    .description('start one host per inventory host that has an address')
    .option('-i, --inventory <path>', 'inventory file or directory (repeatable)', collect)
    .option('--kind <kind>', `hosts without lab_host_kind in the inventory: ${HOST_KINDS.join(' or ')} (default: sshd)`)
    .action(async (opts: { lab?: string; inventory?: string[]; kind?: string }) => {
      const sources = opts.inventory ?? [...loadProjectConfig().inventory];
      if (sources.length === 0) throw new UsageError('no inventory: pass -i or name one in provision.cfg');
      if (opts.kind !== undefined && !HOST_KINDS.includes(opts.kind as HostKind)) {
        throw new UsageError(`--kind must be ${HOST_KINDS.join(' or ')}, not "${opts.kind}"`);
      }
      await labUp(labDir(opts), loadInventory(sources), sources, say, opts.kind ? { kind: opts.kind as HostKind } : {});
    });
  withDir(program.command('down'))
    .description('stop every lab host and remove all the lab made')
    .action(async (opts: { lab?: string }) => labDown(labDir(opts), say));
  withDir(program.command('status'))
    .description("show the lab's hosts")
    .action((opts: { lab?: string }) => {
      const hosts = labStatus(labDir(opts));
      if (hosts.length === 0) {
        say('no lab is up');
        exitCode = 3;
        return;
      }
      for (const h of hosts) say(`${h.name.padEnd(24)} ${h.address.padEnd(16)} ${h.state}`);
      if (!hosts.every((h) => h.up)) exitCode = 3;
    });
  withDir(program.command('exec'))
    .description('run a command as root on a lab host; its output and exit code pass through')
    .argument('<host>')
    .argument('<command...>')
    .action(async (host: string, command: string[], opts: { lab?: string }) => {
      exitCode = await labExec(labDir(opts), host, command);
    });
  withDir(program.command('run'))
    .description("run a controller command (e.g. 'provision site.yml') from the lab's controller host")
    .option('--on <host>', 'the host to run from (default: the first host of group management)')
    .option('--lab-key', "give a booted controller the lab's key and known hosts (it has none of its own)")
    .argument('<command...>')
    .action(async (command: string[], opts: { lab?: string; on?: string; labKey?: boolean }) => {
      const options = { ...(opts.on ? { on: opts.on } : {}), labKey: opts.labKey === true };
      exitCode = await labRun(labDir(opts), command, options, [process.execPath, BIN]);
    });
  const repo = program.command('repo').description("the lab's apt repository, served to its hosts from the controller");
  withDir(repo.command('add'))
    .description('add .deb files to the repository (hosts see them after apt-get update)')
    .argument('<deb...>')
    .action(async (debs: string[], opts: { lab?: string }) => {
      const names = await labRepoAdd(labDir(opts), debs);
      say(`lab repository: ${names.join(', ')}`);
    });
  program
    .command('inventory')
    .description('print an N-host inventory for scale tests')
    .argument('<count>')
    .option('--network <cidr>', 'the network to number hosts in', '10.0.16.0/22')
    .action((count: string, opts: { network: string }) => io.out(makeScaleInventory(Number(count), opts.network)));

  await parseWith(program, argv);
  return exitCode;
}
