import type { HostStats, RunEvent, TaskStatus } from './events.js';

// Other modules import these two from here; their definition is part of the event schema.
export type { HostStats, TaskStatus } from './events.js';

/** The recap counters, kept from the event stream: the engine emits, this only listens. */
export class Stats {
  readonly hosts = new Map<string, HostStats>();

  private of(host: string): HostStats {
    let s = this.hosts.get(host);
    if (!s) {
      s = { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 };
      this.hosts.set(host, s);
    }
    return s;
  }

  /** A subscriber: a play's hosts appear in the recap even if no task ran; each result counts once. */
  observe(event: RunEvent): void {
    if (event.type === 'play_start') for (const host of event.hosts) this.touch(host);
    else if (event.type === 'host_result' && event.rescued && event.status === 'failed') this.of(event.host).rescued++;
    else if (event.type === 'host_result' && event.included !== undefined && event.status === 'ok') this.of(event.host).ok += event.included;
    else if (event.type === 'host_result' && !event.uncounted) this.count(event.host, event.status, event.ignored, event.changed);
  }

  touch(host: string): void {
    this.of(host);
  }

  /** `changed` matters only for an ignored failure that changed something (Ansible counts it). */
  count(host: string, status: TaskStatus, ignored = false, changed = false): void {
    const s = this.of(host);
    if (status === 'ok') s.ok++;
    else if (status === 'changed') {
      s.ok++;
      s.changed++;
    } else if (status === 'skipped') s.skipped++;
    else if (status === 'unreachable' && ignored) {
      // ignore_unreachable: counted ok and ignored, as StrategyBase does.
      s.ok++;
      s.ignored++;
    } else if (status === 'unreachable') s.unreachable++;
    else if (ignored) {
      s.ok++;
      s.ignored++;
      if (changed) s.changed++;
    } else s.failed++;
  }

  /** A copy for the run_end event, hosts in the order they first appeared. */
  snapshot(): Record<string, HostStats> {
    return Object.fromEntries([...this.hosts].map(([host, s]) => [host, { ...s }]));
  }

  /** ansible-playbook's exit code: 4 if any host was unreachable, else 2 if any failed, else 0. */
  exitCode(): number {
    const all = [...this.hosts.values()];
    if (all.some((s) => s.unreachable > 0)) return 4;
    if (all.some((s) => s.failed > 0)) return 2;
    return 0;
  }
}
