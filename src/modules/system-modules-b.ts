import { authorizedKeyModule } from './authorized-key.js';
import { cronModule } from './cron.js';
import { fetchModule } from './fetch.js';
import { groupModule } from './group.js';
import { hostnameModule } from './hostname.js';
import { iptablesModule } from './iptables.js';
import { knownHostsModule } from './known-hosts.js';
import { mountModule } from './mount.js';
import { pingModule } from './ping.js';
import { slurpModule } from './slurp.js';
import { sysctlModule } from './sysctl.js';
import type { Module } from './types.js';
import { uriModule } from './uri.js';
import { userModule } from './user.js';

/** ping, slurp, fetch, hostname, authorized_key, known_hosts, user, group, sysctl, cron, mount, iptables, uri: in the order of the reference. */
export const SYSTEM_MODULES_B: readonly Module[] = [pingModule, slurpModule, fetchModule, hostnameModule, authorizedKeyModule, knownHostsModule, userModule, groupModule, cronModule, sysctlModule, mountModule, iptablesModule, uriModule];
