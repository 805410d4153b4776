import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { basename, join } from 'node:path';

/** Where Debian keeps unit files, in systemd's order of precedence (admin first). */
const UNIT_DIRS = ['/etc/systemd/system', '/usr/local/lib/systemd/system', '/lib/systemd/system', '/usr/lib/systemd/system'];

/** A symlink to write under a booted host's /etc/systemd/system: `path` is relative to it. */
export interface UnitLink {
  readonly path: string;
  readonly target: string;
}

export function findUnitFile(unit: string): string | undefined {
  const template = unit.replace(/@[^.]+\./, '@.');
  for (const dir of UNIT_DIRS) {
    for (const name of [unit, template]) {
      const path = join(dir, name);
      if (existsSync(path)) return path;
    }
  }
  return undefined;
}

export interface InstallSection {
  readonly wantedBy: readonly string[];
  readonly requiredBy: readonly string[];
  readonly alias: readonly string[];
  readonly also: readonly string[];
}

/** The [Install] section of a unit file's text (space-separated lists, repeatable keys). */
export function parseInstallSection(text: string): InstallSection {
  const found: Record<'wantedby' | 'requiredby' | 'alias' | 'also', string[]> = { wantedby: [], requiredby: [], alias: [], also: [] };
  let inInstall = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('[')) {
      inInstall = line === '[Install]';
      continue;
    }
    if (!inInstall || line.startsWith('#') || line.startsWith(';')) continue;
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq).trim().toLowerCase();
    if (key in found) found[key as keyof typeof found].push(...line.slice(eq + 1).trim().split(/\s+/).filter(Boolean));
  }
  return { wantedBy: found.wantedby, requiredBy: found.requiredby, alias: found.alias, also: found.also };
}

/**
 * The links `systemctl enable UNIT` would make (wants/requires links, aliases, and the units
 * named in Also=), computed from the machine's unit files; [] when the unit is not installed.
 */
export function enablementLinks(unit: string, seen = new Set<string>()): UnitLink[] {
  if (seen.has(unit)) return [];
  seen.add(unit);
  const file = findUnitFile(unit);
  if (!file) return [];
  const install = parseInstallSection(readFileSync(file, 'utf8'));
  const target = file.startsWith('/etc/') ? file : join('/lib/systemd/system', basename(file));
  const links: UnitLink[] = [
    ...install.wantedBy.map((t) => ({ path: `${t}.wants/${unit}`, target })),
    ...install.requiredBy.map((t) => ({ path: `${t}.requires/${unit}`, target })),
    ...install.alias.map((a) => ({ path: a, target })),
  ];
  for (const also of install.also) links.push(...enablementLinks(also, seen));
  return links;
}

/** Units the machine itself has enabled: the names linked from /etc/systemd/system/*.{wants,requires}. */
export function machineEnabledUnits(etc = '/etc/systemd/system'): string[] {
  const units = new Set<string>();
  let entries: string[];
  try {
    entries = readdirSync(etc);
  } catch {
    return [];
  }
  for (const dir of entries.filter((e) => /\.(wants|requires|upholds)$/.test(e))) {
    for (const name of readdirSync(join(etc, dir))) {
      try {
        readlinkSync(join(etc, dir, name));
        units.add(name);
      } catch {
        // Not a symlink: not an enablement.
      }
    }
  }
  return [...units].sort();
}

/** The units a unit file names in Requires= and BindsTo= (its [Unit] section). */
export function requiredUnits(unit: string): string[] {
  const file = findUnitFile(unit);
  if (!file) return [];
  const names: string[] = [];
  let inUnit = false;
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    const line = raw.trim();
    if (line.startsWith('[')) inUnit = line === '[Unit]';
    const m = inUnit ? /^(Requires|BindsTo)\s*=\s*(.*)$/.exec(line) : null;
    if (m?.[2]) names.push(...m[2].split(/\s+/).filter(Boolean));
  }
  return names;
}
