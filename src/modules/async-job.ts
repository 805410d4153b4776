import { randomInt } from 'node:crypto';
import type { Vars } from '../util/data.js';

/**
 * Async jobs (`async:`/`poll:` and `async_status`) as POSIX sh on the host, no Python: a job
 * runs in a session of its own (setsid), so neither the task's time limit nor Ctrl-C of a later
 * task (which kill the task's process group) reaches it. Its files are under
 * `~/.ansible_async/<jid>`, as Ansible's async_wrapper leaves them: `<jid>` holds the status
 * JSON (`{"started": 1, "finished": 0, …}`, then the exit code and times, or Ansible's
 * "Timeout exceeded"); beside it `.out`, `.err` (the output) and `.meta` (how to shape the
 * result, written from the controller). Every value reaches the host as data (environment and
 * stdin), never in the script text.
 */

/** Ansible's job ids: `j<12 digits>.<pid>`. */
export function newJobId(): string {
  return `j${String(randomInt(0, 1e12)).padStart(12, '0')}.${process.pid}`;
}

const JID = /^[A-Za-z0-9_.-]+$/;

export function isJobId(jid: string): boolean {
  return JID.test(jid) && jid !== '.' && jid !== '..';
}

/** How async_status turns a finished job back into the module's result (written at launch). */
export interface JobMeta {
  readonly module: 'command' | 'shell';
  readonly cmd: unknown;
  readonly strip_empty_ends: boolean;
}

/**
 * Starts the job and prints its status file's path. Environment: PROVISION_JID, PROVISION_JOB
 * (the script), PROVISION_JOB_META, PROVISION_JOB_LIMIT (seconds); stdin: the command's stdin.
 */
export const LAUNCH_SCRIPT = `u=$(umask)
umask 077
d="\${HOME:-/tmp}/.ansible_async"
mkdir -p "$d" || exit 1
f="$d/$PROVISION_JID"
printf '%s' "$PROVISION_JOB" > "$f.sh" || exit 1
printf '%s\\n' "$PROVISION_JOB_META" > "$f.meta"
cat > "$f.in"
printf '{"started": 1, "finished": 0, "ansible_job_id": "%s"}\\n' "$PROVISION_JID" > "$f"
limit="$PROVISION_JOB_LIMIT"
unset PROVISION_JOB PROVISION_JOB_META PROVISION_JID PROVISION_JOB_LIMIT
# The job's own files are in the 0700 directory; what the command writes gets the user's umask.
umask "$u"
job='f=$1; limit=$2
now() { date +%s.%N; }
start=$(now)
sh "$f.sh" < "$f.in" > "$f.out" 2> "$f.err" &
pid=$!
# The time limit: the watcher leaves the status Ansible leaves, then kills the job (its whole group).
(
  trap "kill \\$s 2>/dev/null; exit 0" TERM
  sleep "$limit" & s=$!
  wait "$s" || exit 0
  printf "{\\"msg\\": \\"Timeout exceeded\\", \\"failed\\": true, \\"child_pid\\": %s}\\n" "$pid" > "$f.tmp"
  mv -f "$f.tmp" "$f"
  rm -f "$f.sh" "$f.in"
  kill -KILL 0
) &
watch=$!
wait "$pid"
rc=$?
kill "$watch" 2>/dev/null
end=$(now)
printf "{\\"started\\": 1, \\"finished\\": 1, \\"ansible_job_id\\": \\"%s\\", \\"rc\\": %s, \\"start\\": %s, \\"end\\": %s}\\n" "\${f##*/}" "$rc" "$start" "$end" > "$f.tmp"
mv -f "$f.tmp" "$f"
rm -f "$f.sh" "$f.in"'
if command -v setsid >/dev/null 2>&1; then
  setsid sh -c "$job" job "$f" "$limit" </dev/null >/dev/null 2>&1 &
else
  (set -m; sh -c "$job" job "$f" "$limit" </dev/null >/dev/null 2>&1 &)
fi
printf '%s\\n' "$f"
`;

/**
 * Prints a job's state: `missing <path>`, or `status <path>` with the status JSON; once finished
 * also the output (base64) and the meta line. With PROVISION_JOB_CLEANUP=1 the files are removed
 * (`erased <path>`); with PROVISION_JOB_ERASE_DONE=1 a finished job's files are removed once read.
 * Environment: PROVISION_JID.
 */
export const STATUS_SCRIPT = `f="\${HOME:-/tmp}/.ansible_async/$PROVISION_JID"
if [ ! -e "$f" ]; then printf 'missing %s\\n' "$f"; exit 0; fi
if [ "$PROVISION_JOB_CLEANUP" = 1 ]; then rm -f "$f" "$f.out" "$f.err" "$f.meta" "$f.sh" "$f.in"; printf 'erased %s\\n' "$f"; exit 0; fi
printf 'status %s\\n' "$f"
# Read once: the job may finish between two reads.
s=$(head -n 1 "$f")
printf '%s\\n' "$s"
case $s in *'"finished": 1'*)
  base64 < "$f.out" 2>/dev/null | tr -d '\\n'; echo
  base64 < "$f.err" 2>/dev/null | tr -d '\\n'; echo
  head -n 1 "$f.meta" 2>/dev/null
  # A job polled to its end by its own task: its files go (the cleanup Ansible runs after polling).
  if [ "$PROVISION_JOB_ERASE_DONE" = 1 ]; then rm -f "$f" "$f.out" "$f.err" "$f.meta"; fi ;;
esac
`;

/** A job's state as read by STATUS_SCRIPT. */
export type JobState =
  | { readonly kind: 'missing'; readonly path: string }
  | { readonly kind: 'erased'; readonly path: string }
  | { readonly kind: 'running'; readonly path: string }
  | { readonly kind: 'finished'; readonly path: string; readonly rc: number; readonly startMs: number; readonly endMs: number; readonly stdout: string; readonly stderr: string; readonly meta: JobMeta | undefined }
  /** The job's own status without `started` (its time limit ran out: "Timeout exceeded"). */
  | { readonly kind: 'other'; readonly path: string; readonly data: Vars };

export function parseJobState(stdout: string): JobState {
  const lines = stdout.split('\n');
  const [word = '', ...rest] = (lines[0] ?? '').split(' ');
  const path = rest.join(' ');
  if (word === 'missing') return { kind: 'missing', path };
  if (word === 'erased') return { kind: 'erased', path };
  let data: Vars = {};
  try {
    data = JSON.parse(lines[1] ?? '') as Vars;
  } catch {
    // Not written yet: running, as async_status says.
    return { kind: 'running', path };
  }
  if (!('started' in data)) return { kind: 'other', path, data };
  if (data['finished'] !== 1) return { kind: 'running', path };
  const decode = (b64: string | undefined): string => Buffer.from(b64 ?? '', 'base64').toString('utf8');
  let meta: JobMeta | undefined;
  try {
    meta = JSON.parse(lines[4] ?? '') as JobMeta;
  } catch {
    meta = undefined;
  }
  return {
    kind: 'finished',
    path,
    rc: Number(data['rc']),
    startMs: Number(data['start']) * 1000,
    endMs: Number(data['end']) * 1000,
    stdout: decode(lines[2]),
    stderr: decode(lines[3]),
    meta,
  };
}
