import { shellQuote } from '../util/shlex.js';

/**
 * Shell for running apt-get while another apt or dpkg holds its lock: the command is run again
 * each second while it fails on the lock, until `seconds` have passed (bounded, as Ansible's
 * lock_timeout), then its last failure stands. Defines `apt_locked CMD…` (stdout and stderr
 * passed through, its exit status returned) and exports apt's non-interactive environment.
 */
export function aptLockPrelude(seconds: number): string {
  return [
    'export DEBIAN_FRONTEND=noninteractive DEBIAN_PRIORITY=critical LANG=C LC_ALL=C LC_MESSAGES=C LC_CTYPE=C',
    `apt_locked() {`,
    `  __end=$(( $(date +%s) + ${Math.max(0, Math.floor(seconds))} )); __o=$(mktemp); __e=$(mktemp)`,
    '  while :; do',
    '    "$@" >"$__o" 2>"$__e"; __rc=$?',
    `    if [ $__rc -ne 0 ] && grep -q -e 'Could not get lock' -e 'Unable to lock' -e 'Unable to acquire the dpkg frontend lock' -e 'is locked by another process' "$__e" && [ "$(date +%s)" -lt "$__end" ]; then sleep 1; continue; fi`,
    '    cat "$__o"; cat "$__e" >&2; rm -f "$__o" "$__e"; return $__rc',
    '  done',
    '}',
  ].join('\n');
}

/** apt-get's own wait for the dpkg frontend lock (apt ≥ 1.9.11), bounded the same way. */
export function aptLockOption(seconds: number): string {
  return `-o ${shellQuote(`DPkg::Lock::Timeout=${Math.max(0, Math.floor(seconds))}`)}`;
}
