import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/**
 * Where an inventory variable is written, as "file:line", for the IP plan's errors. The inventory
 * keeps values, not positions, so this reads the sources again: the host's host_vars file, the
 * host's entry in an inventory file (YAML under the host, INI on its line), its groups' vars
 * (group_vars files, `vars:` of the group, `[group:vars]`), else the first line that sets the key.
 */
export class InventoryLocator {
  private readonly files: { path: string; lines: string[] }[] = [];

  constructor(sources: readonly string[], extraBases: readonly string[] = []) {
    const bases = new Set(extraBases);
    for (const source of sources) {
      if (!existsSync(source)) continue;
      if (statSync(source).isDirectory()) {
        bases.add(source);
        for (const entry of readdirSync(source).sort()) {
          const path = join(source, entry);
          if (!entry.startsWith('.') && statSync(path).isFile()) this.add(path);
        }
      } else {
        bases.add(dirname(source));
        this.add(source);
      }
    }
    for (const base of bases) for (const dir of ['host_vars', 'group_vars']) this.addTree(join(base, dir));
  }

  private add(path: string): void {
    try {
      this.files.push({ path, lines: readFileSync(path, 'utf8').split('\n') });
    } catch {
      // unreadable: the inventory loader has said so already
    }
  }

  private addTree(dir: string): void {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) return;
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) this.addTree(path);
      else this.add(path);
    }
  }

  /** "file:line" of `key` for `host` (whose groups are given, deepest last), or undefined. */
  locate(host: string, key: string, groups: readonly string[] = []): string | undefined {
    const keyLine = new RegExp(`^\\s*${escape(key)}\\s*[:=]`);
    const at = (path: string, index: number): string => `${relative(process.cwd(), path) || path}:${index + 1}`;
    const inNamed = (dir: string, name: string): string | undefined => {
      for (const f of this.files) {
        const rel = f.path.split('/');
        const i = rel.lastIndexOf(dir);
        if (i < 0 || (rel[i + 1] ?? '').replace(/\.(ya?ml|json)$/, '') !== name) continue;
        const line = f.lines.findIndex((l) => keyLine.test(l));
        if (line >= 0) return at(f.path, line);
      }
      return undefined;
    };
    const underEntry = (name: string): string | undefined => {
      for (const f of this.files) {
        if (/\/(host|group)_vars\//.test(f.path)) continue;
        for (let i = 0; i < f.lines.length; i++) {
          const line = f.lines[i] ?? '';
          // INI: `host key=value …` on one line; `[group:vars]` then `key=value`.
          if (new RegExp(`^${escape(name)}(\\s|$)`).test(line)) {
            const m = new RegExp(`\\s${escape(key)}=`).exec(line);
            if (m) return at(f.path, i);
          }
          if (line.trim() === `[${name}:vars]`) {
            for (let j = i + 1; j < f.lines.length && !/^\s*\[/.test(f.lines[j] ?? ''); j++) if (keyLine.test(f.lines[j] ?? '')) return at(f.path, j);
          }
          // YAML: `name:` then deeper lines, up to the next line as shallow as it.
          const yaml = new RegExp(`^(\\s*)${escape(name)}\\s*:\\s*$`).exec(line);
          if (yaml) {
            const depth = yaml[1]?.length ?? 0;
            for (let j = i + 1; j < f.lines.length; j++) {
              const next = f.lines[j] ?? '';
              if (next.trim() === '' || next.trim().startsWith('#')) continue;
              if ((/^\s*/.exec(next)?.[0].length ?? 0) <= depth) break;
              if (keyLine.test(next)) {
                // A deeper host's own key is not this entry's: stop at a child host or group.
                return at(f.path, j);
              }
            }
          }
        }
      }
      return undefined;
    };
    const found = inNamed('host_vars', host) ?? underEntry(host);
    if (found) return found;
    for (const group of [...groups].reverse()) {
      const g = inNamed('group_vars', group) ?? underEntry(group);
      if (g) return g;
    }
    for (const f of this.files) {
      const line = f.lines.findIndex((l) => keyLine.test(l));
      if (line >= 0) return at(f.path, line);
    }
    return undefined;
  }
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
