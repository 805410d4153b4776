import { isJobId, parseJobState, STATUS_SCRIPT } from './async-job.js';
import { commandResult } from './command.js';
import { defineAction } from './define.js';
import { ModuleFailure } from './types.js';

const EMPTY_OUTPUT = { stdout: '', stderr: '', stdout_lines: [], stderr_lines: [] };

/**
 * `async_status`: the state of a job started with `async:` (read from `~/.ansible_async/<jid>`
 * by sh on the host), or `mode: cleanup` to remove its files. A finished job's result is its
 * module's, as the job left it.
 */
export const asyncStatusModule = defineAction({
  name: 'async_status',
  checkMode: 'Runs as without --check: it only reads (or, with mode=cleanup, removes) the job files.',
  description: 'Reports the state of an async job (`async:` with `poll: 0`) by its id, or removes its files (mode=cleanup).',
  args: {
    args: {
      jid: { type: 'str', required: true, description: 'The job id (`ansible_job_id` of the async task\'s result).' },
      mode: { type: 'str', choices: ['status', 'cleanup'], default: 'status', description: 'status: report the job; cleanup: remove its files.' },
    },
  },
  async run(ctx, args) {
    const jid = args.jid;
    if (!isJobId(jid)) throw new ModuleFailure(`"${jid}" is not a job id`);
    const r = await ctx.exec(STATUS_SCRIPT, { env: { PROVISION_JID: jid, PROVISION_JOB_CLEANUP: args.mode === 'cleanup' ? '1' : '0' } });
    if (r.rc !== 0) throw new ModuleFailure(`could not read the job status: ${r.stderr.trim() || `exit ${r.rc}`}`);
    const state = parseJobState(r.stdout);
    switch (state.kind) {
      case 'missing':
        throw new ModuleFailure('could not find job', { ansible_job_id: jid, finished: 1, results_file: state.path, started: 1, ...EMPTY_OUTPUT });
      case 'erased':
        return { changed: false, data: { ansible_job_id: jid, erased: state.path, finished: 0, started: 0, ...EMPTY_OUTPUT } };
      case 'running':
        return { changed: false, data: { ansible_job_id: jid, finished: 0, results_file: state.path, started: 1, ...EMPTY_OUTPUT } };
      case 'other': {
        const failed = state.data['failed'] === true || state.data['failed'] === 1;
        const fields = { ...EMPTY_OUTPUT, ...state.data, ansible_job_id: jid, finished: 1, results_file: state.path, started: 1 };
        if (failed) throw new ModuleFailure(String(state.data['msg'] ?? 'the job failed'), fields);
        return { changed: Boolean(state.data['changed']), data: fields };
      }
      case 'finished': {
        const meta = state.meta ?? { module: 'command', cmd: null, strip_empty_ends: true };
        const result = commandResult(meta.cmd, { rc: state.rc, stdout: state.stdout, stderr: state.stderr }, state.startMs, state.endMs, meta.strip_empty_ends);
        return { ...result, msg: result.msg ?? '', data: { ...result.data, ansible_job_id: jid, finished: 1, results_file: state.path, started: 1 } };
      }
    }
  },
});
