import { runApt } from './apt.js';
import { defineAction } from './define.js';

/**
 * Ansible's package: the host's package manager under one name. The lab's and the seeds'
 * hosts are Debian, so it is apt (as Ansible's pkg_mgr fact says there); `use` may say so.
 */
export const packageModule = defineAction({
  name: 'package',
  checkMode: "As apt's: the packages apt-get would install or remove are reported as a change, without running it.",
  description: 'Installs or removes packages with the host\'s package manager (apt on Debian hosts, the only kind provision supports).',
  args: {
    args: {
      name: { type: 'list', required: true, description: 'Package names (a list or a comma-separated string), optionally `name=version`.' },
      state: { type: 'str', required: true, choices: ['present', 'latest', 'absent'], description: 'present: installed; latest: at the candidate version; absent: removed.' },
      use: { type: 'str', default: 'auto', choices: ['auto', 'apt'], description: 'The package manager module: auto (apt on Debian) or apt.' },
    },
  },
  run: (ctx, args) =>
    runApt(ctx, {
      name: args.name,
      state: args.state,
      cache_valid_time: 0,
      purge: false,
      autoremove: false,
      force: false,
      only_upgrade: false,
      allow_unauthenticated: false,
      allow_downgrade: false,
      dpkg_options: 'force-confdef,force-confold',
      lock_timeout: 60,
    }),
});
