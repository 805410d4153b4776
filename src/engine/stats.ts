/** Per-host counters for PLAY RECAP, counted as Ansible does: ok includes changed. */
export interface HostStats {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
  rescued: number;
  ignored: number;
}

export type TaskStatus = 'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable';

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
    else if (status === 'unreachable') s.unreachable++;
    else if (ignored) {
      s.ok++;
      s.ignored++;
      if (changed) s.changed++;
    } else s.failed++;
  }

  /** ansible-playbook's exit code: 4 if any host was unreachable, else 2 if any failed, else 0. */
  exitCode(): number {
    const all = [...this.hosts.values()];
    if (all.some((s) => s.unreachable > 0)) return 4;
    if (all.some((s) => s.failed > 0)) return 2;
    return 0;
  }
}
