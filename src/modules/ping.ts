import { defineAction } from './define.js';

/** Ansible's ping: proves the host runs commands for us (a round trip through its shell), returns `ping`. */
export const pingModule = defineAction({
  name: 'ping',
  description: 'Checks that the host can be reached and runs a command; returns `ping` (by default "pong"). Changes nothing.',
  checkMode: 'Runs as without --check: it changes nothing on the host.',
  args: {
    args: {
      data: { type: 'str', default: 'pong', description: 'What to return in `ping`; "crash" makes the module fail, as Ansible\'s does.' },
    },
  },
  async run(ctx, args) {
    const r = await ctx.exec('echo pong');
    if (r.rc !== 0 || r.stdout.trim() !== 'pong') return { changed: false, failed: true, msg: `the host did not answer: rc ${r.rc}: ${r.stderr.trim()}` };
    if (args.data === 'crash') return { changed: false, failed: true, msg: 'MODULE FAILURE: boom', data: { exception: 'Exception: boom' } };
    return { changed: false, data: { ping: args.data } };
  },
});
