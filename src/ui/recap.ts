import type { HostStats } from '../engine/events.js';

/** One PLAY RECAP line, byte for byte as Ansible's default callback prints it without colour. */
export function recapLine(host: string, s: HostStats): string {
  const field = (name: string, n: number): string => `${name}=${String(n).padEnd(4)}`;
  return `${host.padEnd(26)} : ${[
    field('ok', s.ok),
    field('changed', s.changed),
    field('unreachable', s.unreachable),
    field('failed', s.failed),
    field('skipped', s.skipped),
    field('rescued', s.rescued),
    field('ignored', s.ignored),
  ].join(' ')}`;
}

/** Ansible's banner: the title, then stars to 80 columns (at least three). */
export function banner(title: string): string {
  return `${title} ${'*'.repeat(Math.max(3, 79 - title.length))}`;
}

/** The whole PLAY RECAP block, hosts sorted by name as Ansible prints them. */
export function recapBlock(stats: Readonly<Record<string, HostStats>>): string {
  const hosts = Object.entries(stats).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `\n${banner('PLAY RECAP')}\n${hosts.map(([host, s]) => `${recapLine(host, s)}\n`).join('')}\n`;
}
