import type { Vars } from '../util/data.js';
import { defineModule } from './define.js';
import { type FileState, fileFact } from './facts/file.js';
import { noChange } from './plan.js';

/** Ansible's stat fields from one stat of the path (the mime and attribute fields are not produced). */
function statFields(path: string, own: FileState, file: FileState): Vars {
  if (file.type === 'absent') return { exists: false };
  const mode = file.mode ?? 0;
  const bit = (b: number): boolean => (mode & b) !== 0;
  return {
    exists: true,
    path,
    mode: (mode & 0o7777).toString(8).padStart(4, '0'),
    isdir: file.type === 'directory',
    isreg: file.type === 'file',
    islnk: file.type === 'link',
    uid: file.uid,
    gid: file.gid,
    pw_name: file.owner,
    gr_name: file.group,
    size: file.size,
    nlink: file.nlink,
    isuid: bit(0o4000),
    isgid: bit(0o2000),
    rusr: bit(0o400), wusr: bit(0o200), xusr: bit(0o100),
    rgrp: bit(0o40), wgrp: bit(0o20), xgrp: bit(0o10),
    roth: bit(0o4), woth: bit(0o2), xoth: bit(0o1),
    ...(own.type === 'link' ? { lnk_target: own.linkTarget, lnk_source: own.resolved?.path } : {}),
    ...(file.sha1 !== undefined ? { checksum: file.sha1 } : {}),
  };
}

/** `stat`: facts about a path, in Ansible's field names; a planner whose plan is always empty. */
export const statModule = defineModule({
  name: 'stat',
  description: 'Reports what a path is (type, mode, owner, size, SHA-1 checksum) under `stat` in the registered result; changes nothing.',
  args: {
    args: {
      path: { type: 'path', required: true, aliases: ['dest', 'name'], description: 'The path to look at.' },
      follow: { type: 'bool', default: false, description: 'When path is a link, report on its target.' },
      get_checksum: { type: 'bool', default: true, description: 'Include the checksum of a regular file.' },
      checksum_algorithm: { type: 'str', choices: ['sha1'], default: 'sha1', aliases: ['checksum', 'checksum_algo'], description: 'Only sha1 (Ansible\'s default) is supported.' },
    },
    notImplemented: ['get_md5', 'get_mime', 'mime', 'mime_type', 'mime-type', 'get_attributes', 'attributes', 'attr'],
  },
  facts: (args) => ({ path: fileFact(args.path, { attributes: true, checksum: args.get_checksum, follow: true }) }),
  plan(args, facts) {
    const own = facts.path;
    const file = args.follow && own.type === 'link' ? (own.resolved ?? { path: args.path, type: 'absent' as const }) : own;
    return noChange({ stat: statFields(args.path, own, file) });
  },
});
