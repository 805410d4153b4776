/** A line of /etc/passwd (getent passwd), split. */
export interface PasswdEntry {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly comment: string;
  readonly home: string;
  readonly shell: string;
}

export function parsePasswdLine(line: string): PasswdEntry {
  const [name = '', , uid = '0', gid = '0', comment = '', home = '', shell = ''] = line.trim().split(':');
  return { name, uid: Number(uid), gid: Number(gid), comment, home, shell };
}
