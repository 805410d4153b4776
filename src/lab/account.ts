import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { runChecked } from '../util/process.js';

/** The Vagrant box's login: user `vagrant`, password `vagrant`, passwordless sudo. */
export interface LabAccount {
  readonly user: string;
  readonly uid: number;
  readonly gid: number;
  readonly passwordHash: string;
}

export const LAB_USER = 'vagrant';
export const LAB_PASSWORD = 'vagrant';

export async function makeLabAccount(): Promise<LabAccount> {
  const uid = freeId(readFileSync('/etc/passwd', 'utf8'), 2);
  const gid = freeId(readFileSync('/etc/group', 'utf8'), 2);
  const salt = randomBytes(12).toString('base64').replace(/[^A-Za-z0-9]/g, '').slice(0, 16);
  // The password goes to openssl on stdin, never on a command line.
  const { stdout } = await runChecked('openssl', ['passwd', '-6', '-salt', salt, '-stdin'], `${LAB_PASSWORD}\n`);
  return { user: LAB_USER, uid, gid, passwordHash: stdout.trim() };
}

/** The first id from 1000 up that no line of a passwd/group file uses (field `column`). */
function freeId(table: string, column: number): number {
  const used = new Set(table.split('\n').map((l) => Number(l.split(':')[column])));
  let id = 1000;
  while (used.has(id)) id++;
  return id;
}

/** A passwd/shadow/group file with the lab user's line replacing any existing one. */
export function withLine(table: string, user: string, line: string): string {
  const kept = table.split('\n').filter((l) => l !== '' && !l.startsWith(`${user}:`));
  return `${[...kept, line].join('\n')}\n`;
}
