import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadProjectConfig, type ProjectConfig } from '../config/project-config.js';
import type { HostKeyPolicy } from '../connection/known-hosts.js';
import { defaultKnownHostsFiles } from '../engine/connections.js';
import { EventBus } from '../engine/event-bus.js';
import type { RunEvent } from '../engine/events.js';
import { runPlaybooks } from '../engine/run.js';
import { applyWeaveIpPlan } from '../network/weave-ip-inventory.js';
import { formatWeaveIpPlan } from '../network/weave-ip-plan.js';
import { ConfigError, UsageError } from '../errors.js';
import { CONNECTION_TYPES } from '../inventory/connection-vars.js';
import { applyVarsDirs, loadInventory } from '../inventory/load.js';
import type { Inventory } from '../inventory/model.js';
import { selectHosts } from '../inventory/patterns.js';
import { moduleCatalog } from '../modules/registry.js';
import { loadPlaybook } from '../playbook/load.js';
import { type Playbook, tasksIn, taskTitle } from '../playbook/model.js';
import { validatePlaybooks } from '../playbook/validate.js';
import { validateHostPatterns } from '../playbook/validate-hosts.js';
import { Templar } from '../template/templar.js';
import { toBoolean } from '../util/data.js';
import { parseExtraVars } from './extra-vars.js';
import { limitTerms, writeRetryFile } from './limit.js';
import type { Io } from './lab-command.js';
import { collect, newProgram, parseWith } from './options.js';
import { promptSecret } from './prompt.js';
import { askVarPrompt } from './vars-prompt.js';
import { parseOutputFormat, reporterFor } from './reporter-choice.js';
import { VERSION } from './version.js';

interface Options {
  inventory?: string[];
  inventoryFile?: string[];
  limit?: string;
  tags?: string[];
  skipTags?: string[];
  forceHandlers?: boolean;
  check?: boolean;
  diff?: boolean;
  extraVars?: string[];
  forks?: string;
  user?: string;
  askPass?: boolean;
  askBecomePass?: boolean;
  becomePasswordFile?: string;
  connectionPasswordFile?: string;
  become?: boolean;
  sudo?: boolean;
  becomeUser?: string;
  becomeMethod?: string;
  /** --private-key and --key-file (commander names an option with two long flags after the second). */
  keyFile?: string;
  connection?: string;
  timeout?: string;
  verbose: number;
  syntaxCheck?: boolean;
  listHosts?: boolean;
  listTasks?: boolean;
  hostKeyChecking?: string;
  output?: string;
}

/** `provision [options] PLAYBOOK...`, shaped like ansible-playbook. */
export async function playbookCommand(argv: readonly string[], io: Io): Promise<number> {
  let exitCode = 0;
  const program = newProgram('provision', io.out)
    .usage('[options] PLAYBOOK...')
    .description('Runs Ansible-style playbooks over SSH. Also: provision inventory …, provision lab …')
    .version(VERSION, '--version')
    .argument('<playbook...>', 'playbooks, looked up in the working directory, then in playbooks/')
    .option('-i, --inventory <path>', 'inventory file or directory (repeatable; default from provision.cfg)', collect)
    .option('--inventory-file <path>', 'the same as -i (what Vagrant passes)', collect)
    .option('-l, --limit <pattern>', 'only hosts matching this pattern')
    .option('-t, --tags <tags>', 'only tasks with these tags (repeatable, comma-separated)', collect)
    .option('--skip-tags <tags>', 'skip tasks with these tags', collect)
    .option('--force-handlers', 'run notified handlers even on hosts that failed afterwards')
    .option('-C, --check', 'report what would change, change nothing')
    .option('-D, --diff', 'show the changes made (or that would be made) to files')
    .option('-e, --extra-vars <vars>', 'k=v, JSON or @file; highest precedence (repeatable)', collect)
    .option('-f, --forks <n>', 'hosts worked on at once')
    .option('-u, --user <name>', 'login user when the inventory and play name none')
    .option('-k, --ask-pass', 'ask for the SSH password')
    .option('--connection-password-file <file>', 'read the SSH password from a file')
    .option('-K, --ask-become-pass', 'ask for the sudo password')
    .option('--become-password-file <file>', 'read the sudo password from a file')
    .option('-b, --become', 'run tasks with sudo')
    .option('--sudo', 'the old name of --become')
    .option('--become-user <name>', 'the user to become (default root)')
    .option('--become-method <method>', 'only sudo is supported')
    .option('--private-key, --key-file <file>', 'SSH private key')
    .option('-c, --connection <type>', 'ssh (default) or local')
    .option('-T, --timeout <seconds>', 'SSH connect timeout')
    .option('-v, --verbose', 'more output (-vvvv for the most)', (_: string, n: number) => n + 1, 0)
    .option('--host-key-checking <policy>', 'strict (default), accept-new or off')
    .option('--output <format>', 'plain (the default: Ansible-style lines, live on a terminal) or json (one JSON event per line, docs/json-output.md)')
    .option('--syntax-check', 'check the playbooks and stop')
    .option('--list-hosts', 'list the hosts each play would run on')
    .option('--list-tasks', 'list the tasks of each play')
    .action(async (playbookArgs: string[], opts: Options) => {
      exitCode = await run(playbookArgs, opts, io);
    });
  await parseWith(program, argv);
  return exitCode;
}

async function run(playbookArgs: string[], opts: Options, io: Io): Promise<number> {
  const config = loadProjectConfig();
  const projectDir = config.path ? dirname(resolve(config.path)) : process.cwd();
  if (opts.becomeMethod && opts.becomeMethod !== 'sudo') throw new UsageError(`--become-method ${opts.becomeMethod} is not supported (only sudo)`);
  if (opts.connection !== undefined && !CONNECTION_TYPES.includes(opts.connection)) {
    throw new UsageError(`-c/--connection: connection type "${opts.connection}" is not supported: use ssh or local (smart and paramiko mean ssh)`);
  }
  const forks = positiveInt(opts.forks ?? config.settings['forks'] ?? '50', '--forks');
  const timeoutSeconds = positiveInt(opts.timeout ?? config.settings['timeout'] ?? '10', '--timeout');
  // Off by default, as in Ansible: a user's long command runs as long as they asked.
  const taskTimeout = process.env['PROVISION_TASK_TIMEOUT'] ?? process.env['ANSIBLE_TASK_TIMEOUT'] ?? config.settings['task_timeout'] ?? '0';
  const taskTimeoutSeconds = taskTimeout === '0' ? 0 : positiveInt(taskTimeout, 'task_timeout');
  const extraVars = parseExtraVars(opts.extraVars ?? []);
  const output = parseOutputFormat(opts.output);
  if (output === 'json' && (opts.syntaxCheck || opts.listHosts || opts.listTasks)) {
    throw new UsageError('--output json is for runs, not --syntax-check, --list-hosts or --list-tasks');
  }

  // Everything is read and checked before the first connection.
  const sources = [...(opts.inventory ?? []), ...(opts.inventoryFile ?? [])];
  const inventorySources = sources.length > 0 ? sources : [...config.inventory];
  if (inventorySources.length === 0) throw new UsageError('no inventory: pass -i or set inventory in provision.cfg');
  const inventory = loadInventory(inventorySources);
  const playbooks = playbookArgs.map((p) => loadPlaybook(findPlaybook(p), moduleCatalog, projectDir));
  // group_vars/ and host_vars/ beside each playbook: they apply while that playbook runs.
  for (const dir of new Set(playbooks.map((p) => dirname(resolve(p.file))))) applyVarsDirs(inventory, dir, true);
  const templar = new Templar();
  validatePlaybooks(playbooks, templar, projectDir);
  validateHostPatterns(playbooks, inventory);
  const limit = opts.limit ? new Set(selectHosts(inventory, limitTerms(opts.limit), '--limit')) : undefined;
  if (limit && limit.size === 0) throw new ConfigError(`--limit ${opts.limit} matches no host in the inventory`);
  const tags = splitTags(opts.tags);
  const skipTags = splitTags(opts.skipTags);
  // The weave IP plan (inventory variables weave_mode/weave_network/…): checked, and its per-host values added.
  const weavePlan = applyWeaveIpPlan(inventory, inventorySources, playbooks[0] ? dirname(resolve(playbooks[0].file)) : undefined);

  if (opts.syntaxCheck) {
    for (const p of playbooks) io.out(`\nplaybook: ${p.file}\n`);
    return 0;
  }
  if (opts.listHosts || opts.listTasks) {
    listPlays(playbooks, inventory, limit, Boolean(opts.listHosts), Boolean(opts.listTasks), io);
    return 0;
  }

  const password = opts.connectionPasswordFile ? readSecret(opts.connectionPasswordFile) : opts.askPass ? await promptSecret('SSH password: ') : undefined;
  const becomePassword = opts.becomePasswordFile ? readSecret(opts.becomePasswordFile) : opts.askBecomePass ? await promptSecret('BECOME password: ') : undefined;
  if (weavePlan && opts.check && output !== 'json') io.out(`${formatWeaveIpPlan(weavePlan)}\n`);
  const events = new EventBus<RunEvent>();
  const reporter = await reporterFor(output, opts.verbose, io);
  events.subscribe((event) => reporter.handle(event));
  const stats = await runPlaybooks({
    inventory,
    playbooks,
    extraVars,
    events,
    projectDir,
    templar,
    askVar: (question) => askVarPrompt(question, (text) => process.stderr.write(text)),
    check: Boolean(opts.check),
    diff: Boolean(opts.diff),
    forks,
    tags,
    skipTags,
    forceHandlers: Boolean(opts.forceHandlers),
    limit,
    become: opts.become || opts.sudo ? true : toBoolean(config.settings['become']),
    becomeUser: opts.becomeUser ?? config.settings['become_user'],
    becomePassword,
    taskTimeoutMs: taskTimeoutSeconds * 1000,
    verbosity: opts.verbose,
    connection: {
      remoteUser: opts.user ?? config.settings['remote_user'] ?? process.env['PROVISION_REMOTE_USER'],
      privateKeyFile: opts.keyFile ?? process.env['PROVISION_PRIVATE_KEY_FILE'] ?? config.settings['private_key_file'],
      password,
      connection: opts.connection,
      timeoutMs: timeoutSeconds * 1000,
      hostKeyPolicy: hostKeyPolicy(opts.hostKeyChecking, config),
      knownHostsFiles: defaultKnownHostsFiles(),
    },
  }).finally(() => reporter.close());
  // retry_files_enabled (off by default, as in ansible-core 2.14): the failed hosts, for --limit @FILE.
  if (toBoolean(config.settings['retry_files_enabled']) === true) {
    for (const playbook of playbooks) {
      const file = writeRetryFile(playbook.file, stats.snapshot(), config.settings['retry_files_save_path']);
      if (file && output !== 'json') io.out(`\tto retry, use: --limit @${file}\n`);
    }
  }
  return stats.exitCode();
}

/** A playbook name is looked up in the working directory, then in playbooks/. */
function findPlaybook(name: string): string {
  for (const candidate of [name, join('playbooks', name)]) if (existsSync(candidate)) return candidate;
  throw new ConfigError(`playbook not found: ${name} (looked in . and playbooks/)`);
}

function positiveInt(text: string, option: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${option} must be a whole number above 0, got "${text}"`);
  return n;
}

function splitTags(values: readonly string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((t) => t.trim()).filter(Boolean);
}

function readSecret(file: string): string {
  try {
    return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch {
    throw new UsageError(`cannot read password file ${file}`);
  }
}

/**
 * Host keys are checked by default. `--host-key-checking`, else $PROVISION_HOST_KEY_CHECKING,
 * else ANSIBLE_HOST_KEY_CHECKING=false (what Vagrant sets) means off, else provision.cfg.
 */
function hostKeyPolicy(option: string | undefined, config: ProjectConfig): HostKeyPolicy {
  const ansible = process.env['ANSIBLE_HOST_KEY_CHECKING'];
  const value = option ?? process.env['PROVISION_HOST_KEY_CHECKING'] ?? (ansible !== undefined && toBoolean(ansible) === false ? 'off' : undefined) ?? config.settings['host_key_checking'] ?? 'strict';
  const b = toBoolean(value);
  if (b !== undefined) return b ? 'strict' : 'off';
  if (value === 'strict' || value === 'accept-new' || value === 'off') return value;
  throw new UsageError(`host key checking must be strict, accept-new or off, got "${value}"`);
}

function listPlays(playbooks: readonly Playbook[], inventory: Inventory, limit: ReadonlySet<string> | undefined, hosts: boolean, tasks: boolean, io: Io): void {
  for (const playbook of playbooks) {
    io.out(`\nplaybook: ${playbook.file}\n`);
    playbook.plays.forEach((play, i) => {
      io.out(`\n  play #${i + 1} (${play.hosts}): ${play.name}\tTAGS: [${play.tags.join(',')}]\n`);
      if (hosts) {
        const selected = selectHosts(inventory, play.hosts).filter((h) => !limit || limit.has(h));
        io.out(`    pattern: ['${play.hosts}']\n    hosts (${selected.length}):\n${selected.map((h) => `      ${h}\n`).join('')}`);
      }
      if (tasks) {
        io.out('    tasks:\n');
        for (const task of tasksIn(play.blocks)) io.out(`      ${taskTitle(task)}\tTAGS: [${[...play.tags, ...task.tags].join(',')}]\n`);
      }
    });
  }
}
