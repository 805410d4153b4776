import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runChecked } from '../util/process.js';
import { type LabAccount, withLine } from './account.js';
import { labPaths } from './state.js';
import type { LabHostPlan } from './plan.js';

const SSHD_CONFIG = `# Written by provision lab: one sshd per lab host.
Port 22
ListenAddress 0.0.0.0
HostKey /etc/ssh/ssh_host_ed25519_key
UsePAM no
PubkeyAuthentication yes
PasswordAuthentication yes
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AuthorizedKeysFile .ssh/authorized_keys
UseDNS no
PrintMotd no
AcceptEnv LANG LC_*
Subsystem sftp /usr/lib/openssh/sftp-server
`;

/**
 * Fills a host's overlay upper directory before its root is mounted: the files that make the
 * machine's root into a Vagrant-like box of its own (user, sudo, hostname, sshd, host key).
 */
export async function prepareHostRoot(labDir: string, host: LabHostPlan, account: LabAccount, authorizedKey: string): Promise<string> {
  const paths = labPaths(labDir);
  const upper = paths.upper(host.name);
  mkdirSync(paths.work(host.name), { recursive: true });
  mkdirSync(paths.root(host.name), { recursive: true });
  mkdirSync(upper, { recursive: true });
  const put = (path: string, content: string, mode: number, uid = 0, gid = 0): void => putFile(upper, path, content, mode, uid, gid);
  const like = (path: string): { mode: number; uid: number; gid: number } => {
    const s = statSync(path);
    return { mode: s.mode & 0o7777, uid: s.uid, gid: s.gid };
  };
  const { user, uid, gid } = account;
  const shadow = like('/etc/shadow');
  const gshadowExists = existsSync('/etc/gshadow');
  put('etc/passwd', withLine(readFileSync('/etc/passwd', 'utf8'), user, `${user}:x:${uid}:${gid}:${user},,,:/home/${user}:/bin/bash`), 0o644);
  put('etc/shadow', withLine(readFileSync('/etc/shadow', 'utf8'), user, `${user}:${account.passwordHash}:20000:0:99999:7:::`), shadow.mode, shadow.uid, shadow.gid);
  put('etc/group', withLine(readFileSync('/etc/group', 'utf8'), user, `${user}:x:${gid}:`), 0o644);
  if (gshadowExists) {
    const gs = like('/etc/gshadow');
    put('etc/gshadow', withLine(readFileSync('/etc/gshadow', 'utf8'), user, `${user}:!::`), gs.mode, gs.uid, gs.gid);
  }
  put(`etc/sudoers.d/${user}`, `${user} ALL=(ALL) NOPASSWD: ALL\n`, 0o440);
  put('etc/hostname', `${host.name}\n`, 0o644);
  // As on a Vagrant box: the host name on 127.0.1.1, which the hosts-file playbook removes.
  put('etc/hosts', `127.0.0.1\tlocalhost\n127.0.1.1\t${host.name}\t${host.name}\n`, 0o644);
  put('etc/ssh/sshd_config', SSHD_CONFIG, 0o644);
  // A clean home: no rc files, so every SSH exec starts fast (see notes/measured-here.md).
  mirrorParents(upper, 'home');
  const home = join(upper, 'home', user);
  mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 });
  chmodSync(home, 0o755);
  chownSync(home, uid, gid);
  chmodSync(join(home, '.ssh'), 0o700);
  chownSync(join(home, '.ssh'), uid, gid);
  put(`home/${user}/.ssh/authorized_keys`, authorizedKey, 0o600, uid, gid);
  const key = join(upper, 'etc/ssh/ssh_host_ed25519_key');
  await runChecked('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `root@${host.name}`, '-f', key]);
  return readFileSync(`${key}.pub`, 'utf8').trim();
}

/** Writes a file into an upper layer (its parents made as on the machine) with mode and owner. */
export function putFile(upper: string, path: string, content: string, mode: number, uid = 0, gid = 0): void {
  const target = join(upper, path);
  mirrorParents(upper, dirname(path));
  writeFileSync(target, content, { mode });
  chmodSync(target, mode);
  chownSync(target, uid, gid);
}

/** Creates each parent directory in the upper layer with the mode and owner it has on the machine. */
export function mirrorParents(upper: string, relative: string): void {
  let current = upper;
  for (const part of relative.split('/').filter(Boolean)) {
    const machinePath = join(current.slice(upper.length) || '/', part);
    current = join(current, part);
    if (existsSync(current)) continue;
    mkdirSync(current);
    if (existsSync(machinePath)) {
      const s = statSync(machinePath);
      chmodSync(current, s.mode & 0o7777);
      chownSync(current, s.uid, s.gid);
    } else {
      chmodSync(current, 0o755);
    }
  }
}
