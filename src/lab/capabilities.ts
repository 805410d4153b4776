/**
 * Capabilities no lab process keeps (hosts, `lab exec`, `lab run`): each acts on state the whole
 * machine shares, whatever the namespace (the clock, kernel modules, raw I/O ports, the kernel
 * log, process accounting, audit and LSM policy, file handles past the overlay root). Dropped
 * from the bounding set, they cannot come back, not even through setuid sudo. CAP_SYS_BOOT
 * stays: reboot(2) in a PID namespace only ends that namespace's init (the host's reboot).
 * What this costs: `docker run --privileged` (and --cap-add of these) fails in a booted host.
 */
export const MACHINE_WIDE_CAPABILITIES: readonly string[] = [
  'sys_time',
  'wake_alarm',
  'sys_module',
  'sys_rawio',
  'syslog',
  'sys_pacct',
  'audit_control',
  'mac_admin',
  'mac_override',
  'block_suspend',
  'dac_read_search',
];

/** setpriv's --bounding-set value that drops them. */
export const DROP_MACHINE_WIDE = MACHINE_WIDE_CAPABILITIES.map((c) => `-${c}`).join(',');

/** argv that runs `argv` without the machine-wide capabilities (util-linux setpriv). */
export function withoutMachineCapabilities(argv: readonly string[]): string[] {
  return ['setpriv', `--bounding-set=${DROP_MACHINE_WIDE}`, '--', ...argv];
}
