import { randomBytes } from 'node:crypto';
import { shellQuote } from '../util/shlex.js';

/**
 * The persistent session's wire protocol. The remote side is one POSIX `sh` that defines the
 * function `__pv` (the bootstrap) and then reads one frame per task from its stdin:
 *
 *   __pv ID MODE HAS_STDIN HAS_ENV '<script, single-quoted>' [5<<'END' base64 stdin END] [6<<'END' env END]
 *
 * The session parses only that line: the script is one single-quoted word, so no text in it can
 * end or confuse the session. Secrets travel only inside the heredocs, as base64 data; stdin is
 * /dev/null unless data is given. Two modes:
 *
 * - `i`, isolated (every user command): a child `/bin/sh -c` in a process group of its own
 *   (setsid), stdout and stderr to files of its own, so a background job it leaves behind can
 *   never write into a later task's output. Its group id is reported, so a timeout or Ctrl-C can
 *   kill the whole group through a second channel while the session carries on.
 * - `s`, in a subshell of the session (the short read/write scripts provision writes itself:
 *   probes, file writes, facts): one fork, stdout straight to the channel. These never start
 *   background jobs; if one has to be killed, the session's own group goes with it.
 *
 * The session answers on its stdout, framed by a random marker it learnt from the bootstrap
 * (never in an argv):
 *
 *   M S ID\n  [M P ID PGID\n]  <stdout bytes>  \nM E ID\n  <stderr bytes>  \nM F ID RC\n
 */

/** Output beyond this per stream is cut: the session never floods the controller. */
export const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

/** Longer scripts than this would not fit one argv string (Linux: 128 KiB); they are refused. */
export const MAX_SCRIPT_BYTES = 120 * 1024;

export const BOOTSTRAP = `
__pv_t="\${TMPDIR:-/tmp}"
__pv_d=$(mktemp -d "$__pv_t/.provision-XXXXXXXX") || exit 97
trap 'rm -rf -- "$__pv_d"' EXIT
trap 'exit 129' HUP
trap 'exit 143' TERM
# Tools by absolute path: a task's environment (PATH, IFS) must not change how the session works.
# Looked up by the shell itself: a \$(command -v) per tool costs a fork on every host.
__pv_which() {
  __pv_w=; __pv_f=$IFS; IFS=:; set -f
  for __pv_x in $PATH; do
    if [ -f "\${__pv_x:-.}/$1" ] && [ -x "\${__pv_x:-.}/$1" ]; then __pv_w="\${__pv_x:-.}/$1"; break; fi
  done
  IFS=$__pv_f; set +f
  [ -n "$__pv_w" ] || __pv_w=$(command -v "$1")
}
__pv_which base64 || exit 96; __pv_b=$__pv_w
__pv_which head || exit 96; __pv_h=$__pv_w
__pv_which setsid && __pv_s=$__pv_w || __pv_s=
__pv_g=$$
if [ -r /proc/$$/stat ]; then read -r __pv_x __pv_x __pv_x __pv_x __pv_g __pv_x </proc/$$/stat; fi
# Decodes every value before exporting any, then exports them all.
__pv_env() {
  __pv_n=0
  while IFS=' ' read -r __pv_k __pv_v; do
    __pv_n=$((__pv_n + 1))
    eval "__pv_k$__pv_n=\\$__pv_k"
    __pv_v=$(printf '%s' "$__pv_v" | "$__pv_b" -d; echo x)
    eval "__pv_v$__pv_n=\\\${__pv_v%x}"
  done
  while [ $__pv_n -gt 0 ]; do
    eval "export \\"\\$__pv_k$__pv_n=\\$__pv_v$__pv_n\\""
    __pv_n=$((__pv_n - 1))
  done
}
__pv() {
  # A task may have removed the session's directory (rm -rf /tmp/*): make a new one.
  if [ ! -d "$__pv_d" ]; then __pv_d=$(mktemp -d "$__pv_t/.provision-XXXXXXXX") || exit 97; fi
  __pv_i=/dev/null
  if [ "$3" = 1 ]; then __pv_i="$__pv_d/i"; "$__pv_b" -d <&5 >"$__pv_i"; fi
  printf '%s S %s\\n' "$__pv_m" "$1"
  if [ "$2" = s ]; then
    __pv_e="$__pv_d/e"
    (
      # fd 6 (the env) is closed only once it is read: a redirection on the ( ) would close it first.
      if [ "$4" = 1 ]; then __pv_env <&6; fi
      exec 6<&-
      eval "$5"
    ) <"$__pv_i" 2>"$__pv_e" 5<&-
    __pv_r=$?
  else
    # Files of its own: a background job it leaves behind writes into these, never a later task's.
    __pv_o="$__pv_d/o$1"; __pv_e="$__pv_d/e$1"
    if [ "$4" = 1 ]; then
      ( __pv_env <&6; exec $__pv_s /bin/sh -c "$5" 6<&- ) <"$__pv_i" >"$__pv_o" 2>"$__pv_e" 5<&- &
    else
      $__pv_s /bin/sh -c "$5" <"$__pv_i" >"$__pv_o" 2>"$__pv_e" 5<&- 6<&- &
    fi
    __pv_p=$!
    printf '%s P %s %s\\n' "$__pv_m" "$1" "$__pv_p"
    wait $__pv_p
    __pv_r=$?
    if [ -s "$__pv_o" ]; then "$__pv_h" -c ${MAX_OUTPUT_BYTES} -- "$__pv_o"; : >"$__pv_o"; fi
  fi
  printf '\\n%s E %s\\n' "$__pv_m" "$1"
  if [ -s "$__pv_e" ]; then "$__pv_h" -c ${MAX_OUTPUT_BYTES} -- "$__pv_e"; : >"$__pv_e"; fi
  printf '\\n%s F %s %d\\n' "$__pv_m" "$1" "$__pv_r"
  if [ "$3" = 1 ]; then : >"$__pv_i"; fi
}
`;

/**
 * Kills a process group (a task's, or a whole session's): TERM, then KILL after a grace period.
 * Run through a second channel, as the same user, while the session is busy.
 */
export function killScript(pgid: number): string {
  if (!Number.isSafeInteger(pgid) || pgid <= 1) throw new Error(`refusing to kill process group ${pgid}`);
  return [
    `g=${pgid}`,
    'kill -TERM -$g 2>/dev/null || kill -TERM $g 2>/dev/null || exit 0',
    'n=0',
    'while { kill -0 -$g || kill -0 $g; } 2>/dev/null && [ $n -lt 20 ]; do sleep 0.1; n=$((n + 1)); done',
    'kill -KILL -$g 2>/dev/null; kill -KILL $g 2>/dev/null',
    'exit 0',
  ].join('\n');
}

/** The first thing written to a session (after sudo, if any, has let it start). */
export function bootstrapText(marker: string): string {
  return `__pv_m=${marker}\n${BOOTSTRAP}\nprintf '%s ready %s\\n' "$__pv_m" "$__pv_g"\n`;
}

export function newMarker(): string {
  return `__provision_${randomBytes(12).toString('hex')}`;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface FrameInput {
  readonly id: number;
  /** Run in a subshell of the session (provision's own short scripts) instead of isolated. */
  readonly inline?: boolean | undefined;
  readonly script: string;
  readonly stdin?: Buffer | undefined;
  readonly env?: Readonly<Record<string, string>> | undefined;
}

/** One task's frame. Throws on what the protocol cannot carry (a NUL, a bad env name, a huge script). */
export function frame(input: FrameInput): string {
  if (input.script.includes('\0')) throw new Error('a script cannot contain a NUL byte');
  if (Buffer.byteLength(input.script) > MAX_SCRIPT_BYTES) throw new Error(`a script is limited to ${MAX_SCRIPT_BYTES} bytes (pass data as stdin)`);
  const env = Object.entries(input.env ?? {});
  for (const [name, value] of env) {
    if (!ENV_NAME.test(name)) throw new Error(`invalid environment variable name: ${JSON.stringify(name)}`);
    if (value.includes('\0')) throw new Error(`environment variable ${name} cannot contain a NUL byte`);
  }
  let text = `__pv ${input.id} ${input.inline ? 's' : 'i'} ${input.stdin ? 1 : 0} ${env.length > 0 ? 1 : 0} ${shellQuote(input.script)}`;
  if (!input.stdin && env.length === 0) return `${text}\n`;
  const end = `PROVISION_END_${randomBytes(8).toString('hex')}`;
  let bodies = '';
  // Base64 lines can never equal the terminator (it has '_'), so the data cannot end its heredoc.
  if (input.stdin) {
    text += ` 5<<'${end}'`;
    bodies += `${input.stdin.toString('base64').replace(/(.{76})/g, '$1\n')}\n${end}\n`;
  }
  if (env.length > 0) {
    text += ` 6<<'${end}'`;
    bodies += `${env.map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`).join('\n')}\n${end}\n`;
  }
  return `${text}\n${bodies}`;
}
