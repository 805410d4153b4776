import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { ConfigError } from '../errors.js';

/** Settings from `provision.cfg` (INI, shaped like ansible.cfg's [defaults]). */
export interface ProjectConfig {
  readonly path: string | undefined;
  readonly inventory: readonly string[];
  readonly settings: Readonly<Record<string, string>>;
}

/** Finds the config: $PROVISION_CONFIG, else ./provision.cfg, else ~/.provision.cfg. */
export function loadProjectConfig(cwd = process.cwd(), env = process.env): ProjectConfig {
  const candidates = [env['PROVISION_CONFIG'], join(cwd, 'provision.cfg'), env['HOME'] ? join(env['HOME'], '.provision.cfg') : undefined];
  const path = candidates.find((p): p is string => p !== undefined && existsSync(p));
  if (!path) return { path: undefined, inventory: [], settings: {} };
  const settings = parseDefaults(readFileSync(path, 'utf8'), path);
  // `hostfile` is the old ansible.cfg name the playground uses.
  const inventoryText = settings['inventory'] ?? settings['hostfile'];
  const base = dirname(resolve(path));
  const inventory = inventoryText
    ? inventoryText.split(',').map((p) => p.trim()).filter(Boolean).map((p) => (isAbsolute(p) ? p : join(base, p)))
    : [];
  return { path, inventory, settings };
}

function parseDefaults(text: string, file: string): Record<string, string> {
  const out: Record<string, string> = {};
  let section = '';
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) return;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1] ?? '';
      return;
    }
    const eq = line.indexOf('=');
    if (eq < 1) throw new ConfigError(`expected key = value, found "${line}"`, { file, line: i + 1, col: 1 });
    if (section === 'defaults') out[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  });
  return out;
}
