import { parseProbe, probeScript } from './remote-file.js';
import type { Module } from './types.js';

/** `stat`: facts about a path, in Ansible's field names (checksum is sha1, as Ansible's). */
export const statModule: Module = {
  spec: { name: 'stat', params: { path: { type: 'str', required: true, aliases: ['dest', 'name'] }, get_checksum: { type: 'bool', default: true } } },
  async run(ctx, args) {
    const path = String(args['path']);
    const checksum = args['get_checksum'] ? `\nif [ "$t" = file ]; then sha1sum -- "$p" | cut -d' ' -f1; fi` : '';
    const result = await ctx.run(`${probeScript(path, false)}${checksum}`, { inline: true });
    if (result.rc !== 0) return { changed: false, failed: true, msg: result.stderr.trim() };
    const file = parseProbe(result.stdout);
    const sum = result.stdout.split('\n')[1]?.trim();
    const stat = file.type === 'absent'
      ? { exists: false }
      : {
          exists: true,
          path,
          isdir: file.type === 'directory',
          isreg: file.type === 'file',
          islnk: file.type === 'link',
          mode: (file.mode & 0o7777).toString(8).padStart(4, '0'),
          uid: file.uid,
          gid: file.gid,
          pw_name: file.owner,
          gr_name: file.group,
          size: file.size,
          ...(sum ? { checksum: sum } : {}),
        };
    return { changed: false, data: { stat } };
  },
};
