import { setTimeout as sleep } from 'node:timers/promises';
import { shellQuote } from '../util/shlex.js';
import { defineAction } from './define.js';
import { untilSuccess } from './retry.js';
import type { ActionContext } from './types.js';

const BOOT_ID = 'cat /proc/sys/kernel/random/boot_id';

/** A new connection to the host (throws while it is away). */
async function reconnect(ctx: ActionContext): Promise<void> {
  if (!ctx.reconnect) throw new Error('this connection cannot be opened again');
  await ctx.reconnect();
}

/** The boot id, read over a fresh connection; throws while the host is away. */
async function bootId(ctx: ActionContext): Promise<string> {
  const r = await ctx.exec(BOOT_ID);
  if (r.rc !== 0) throw new Error(`reading the boot id failed: ${r.stderr.trim()}`);
  return r.stdout.trim();
}

/**
 * Ansible's reboot action: reads the boot id, runs `shutdown -r`, then, over new connections
 * (the Connection's reconnect), waits for a different boot id and for test_command to succeed,
 * all within reboot_timeout.
 */
export const rebootModule = defineAction({
  name: 'reboot',
  checkMode: 'Reports a change (rebooted: true) without rebooting, as Ansible does.',
  description: 'Reboots the host with shutdown -r and waits until it is back (a new boot id, then test_command succeeds) over a new connection.',
  args: {
    args: {
      reboot_timeout: { type: 'int', default: 600, aliases: ['reboot_timeout_sec'], description: 'Seconds to wait for the host to come back and pass test_command.' },
      connect_timeout: { type: 'int', aliases: ['connect_timeout_sec'], description: 'Accepted for compatibility: the connection\'s own timeout applies to each attempt.' },
      test_command: { type: 'str', default: 'whoami', description: 'A command that must succeed after the reboot.' },
      msg: { type: 'str', default: 'Reboot initiated by Ansible', description: 'The message shutdown broadcasts to logged-in users.' },
      pre_reboot_delay: { type: 'int', default: 0, aliases: ['pre_reboot_delay_sec'], description: 'Seconds before the reboot; shutdown on Linux takes whole minutes (delay // 60), as in Ansible.' },
      post_reboot_delay: { type: 'int', default: 0, aliases: ['post_reboot_delay_sec'], description: 'Seconds to wait after the reboot command before checking the host.' },
    },
    notImplemented: ['search_paths', 'boot_time_command', 'reboot_command'],
  },
  async run(ctx, args) {
    // As Ansible: never reboot the controller.
    if (ctx.localConnection) return { changed: false, failed: true, msg: 'Running reboot with local connection would reboot the control node.', data: { elapsed: 0, rebooted: false } };
    if (ctx.check) return { changed: true, data: { elapsed: 0, rebooted: true } };
    let before: string;
    try {
      before = await bootId(ctx);
    } catch (err) {
      return { changed: false, failed: true, msg: (err as Error).message, data: { rebooted: false } };
    }
    const started = Date.now();
    const elapsed = (): number => Math.floor((Date.now() - started) / 1000);
    const command = `shutdown -r ${Math.floor(Math.max(0, args.pre_reboot_delay) / 60)} ${shellQuote(args.msg)}`;
    try {
      const r = await ctx.exec(command);
      if (r.rc !== 0) return { changed: false, failed: true, msg: `Reboot command failed. Error was: '${r.stdout.trim()}, ${r.stderr.trim()}'`, data: { rebooted: false, elapsed: elapsed() } };
    } catch {
      // The connection closed under the command: the host is going down, as intended.
    }
    if (args.post_reboot_delay > 0) await sleep(args.post_reboot_delay * 1000);
    const timeoutMs = args.reboot_timeout * 1000;
    try {
      await untilSuccess(
        async () => {
          await reconnect(ctx);
          if ((await bootId(ctx)) === before) throw new Error('boot id unchanged: the host has not rebooted yet');
        },
        timeoutMs - (Date.now() - started),
        () => `Timed out waiting for last boot time check (timeout=${args.reboot_timeout})`,
        2000,
        500,
      );
      await untilSuccess(
        async () => {
          const r = await ctx.exec(args.test_command);
          if (r.rc !== 0) throw new Error(`Test command failed: ${r.stderr.trim()} ${r.stdout.trim()}`);
        },
        Math.max(0, timeoutMs - (Date.now() - started)),
        () => `Timed out waiting for post-reboot test command (timeout=${args.reboot_timeout})`,
        2000,
        500,
      );
    } catch (err) {
      return { changed: false, failed: true, msg: (err as Error).message, data: { rebooted: true, elapsed: elapsed() } };
    }
    return { changed: true, data: { elapsed: elapsed(), rebooted: true } };
  },
});

/** Ansible's wait_for_connection: until a new connection runs a command (Ansible's ping module), within timeout. */
export const waitForConnectionModule = defineAction({
  name: 'wait_for_connection',
  checkMode: 'Skipped, as Ansible does.',
  description: 'Waits until the host can be reached again and runs a command over a new connection (after a reboot or a network change).',
  args: {
    args: {
      timeout: { type: 'int', default: 600, description: 'Seconds to wait at most.' },
      delay: { type: 'int', default: 0, description: 'Seconds to wait before the first try.' },
      sleep: { type: 'int', default: 1, description: 'Seconds between tries.' },
      connect_timeout: { type: 'int', default: 5, description: "Accepted for compatibility: the connection's own timeout applies to each try." },
    },
  },
  async run(ctx, args) {
    if (ctx.check) return { changed: false, skipped: true };
    const started = Date.now();
    if (args.delay > 0) await sleep(args.delay * 1000);
    const elapsed = (): number => Math.floor((Date.now() - started) / 1000);
    try {
      await untilSuccess(
        async () => {
          await reconnect(ctx);
          const r = await ctx.exec('echo pong');
          if (r.stdout.trim() !== 'pong') throw new Error('ping test failed');
        },
        Math.max(0, args.timeout * 1000 - (Date.now() - started)),
        (last) => `timed out waiting for ping module test: ${last}`,
        args.sleep * 1000,
        args.sleep * 1000,
      );
    } catch (err) {
      return { changed: false, failed: true, msg: (err as Error).message, data: { elapsed: elapsed() } };
    }
    return { changed: false, data: { elapsed: elapsed() } };
  },
});
