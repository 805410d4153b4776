import { chmodSync, mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import { labPaths } from './state.js';

/**
 * The controller host's own home: `lab run` on a booted controller binds it over the home of
 * the user running it (root), so a flow starts as on a fresh management box: an empty ~/.ssh,
 * no key, no known hosts. It lives in the lab directory and goes with `lab down`.
 */
export function prepareControllerHome(labDir: string): void {
  const home = labPaths(labDir).controllerHome;
  mkdirSync(`${home}/.ssh`, { recursive: true });
  chmodSync(home, 0o700);
  chmodSync(`${home}/.ssh`, 0o700);
}

/** Variables that would hand the controller a key or an identity it did not make itself. */
const INHERITED_IDENTITY = ['PROVISION_PRIVATE_KEY_FILE', 'PROVISION_KNOWN_HOSTS', 'SSH_AUTH_SOCK', 'SSH_AGENT_PID'];

/**
 * argv and environment for a command run from a booted controller host: its network and
 * hostname, the machine's files, and its own home in place of root's (in a mount namespace of
 * the command's own, so nothing changes on the machine).
 */
export function freshControllerCommand(
  labDir: string,
  netns: string,
  initPid: number,
  command: readonly string[],
  extraEnv: Record<string, string>,
): { args: string[]; env: NodeJS.ProcessEnv } {
  const home = userInfo().homedir;
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, ...extraEnv };
  for (const name of INHERITED_IDENTITY) if (!(name in extraEnv)) delete env[name];
  const args = [
    `--net=/run/netns/${netns}`,
    `--uts=/proc/${initPid}/ns/uts`,
    '--',
    'unshare',
    '--mount',
    '--propagation',
    'slave',
    '--',
    'sh',
    '-c',
    'mount --bind "$1" "$2" && cd "$3" && shift 3 && exec "$@"',
    'lab-controller',
    labPaths(labDir).controllerHome,
    home,
    process.cwd(),
    ...command,
  ];
  return { args, env };
}
