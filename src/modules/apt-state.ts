/**
 * The pure half of the apt module: what the host's package database says (parsed from
 * `apt-cache policy`) in, the packages apt-get must install or remove out. Unit-tested alone.
 */

export interface PackagePolicy {
  /** The installed version, undefined when not installed (removed packages' config files do not count). */
  readonly installed: string | undefined;
  /** What apt-get would install, undefined when nothing is installable. */
  readonly candidate: string | undefined;
  /** Every version the sources offer. */
  readonly versions: readonly string[];
}

/** `apt-cache policy a b c` output, by package name; names apt does not know are absent. */
export function parseAptPolicy(output: string): Map<string, PackagePolicy> {
  const out = new Map<string, PackagePolicy>();
  let name: string | undefined;
  let installed: string | undefined;
  let candidate: string | undefined;
  let versions: string[] = [];
  let inTable = false;
  const flush = (): void => {
    if (name !== undefined) out.set(name, { installed, candidate, versions });
  };
  for (const line of output.split('\n')) {
    const head = /^(\S+):$/.exec(line);
    if (head) {
      flush();
      name = head[1];
      installed = candidate = undefined;
      versions = [];
      inTable = false;
      continue;
    }
    const field = /^ {2}(Installed|Candidate): (.*)$/.exec(line);
    if (field) {
      const value = field[2] === '(none)' ? undefined : field[2];
      if (field[1] === 'Installed') installed = value;
      else candidate = value;
      continue;
    }
    if (/^ {2}Version table:/.test(line)) {
      inTable = true;
      continue;
    }
    // "     1.0 500" or " *** 1.0 100": a version line; the indented source lines below it have a URL or path.
    const version = inTable ? /^ (?:\*\*\*| {3}) (\S+) -?\d+$/.exec(line) : null;
    if (version?.[1]) versions.push(version[1]);
  }
  flush();
  return out;
}

/** A package spec as Ansible's package_split: `name`, `name=1.0`, `name>=1.0`. */
export interface PackageSpec {
  readonly name: string;
  readonly op: '=' | '>=' | undefined;
  readonly version: string | undefined;
}

export function splitPackage(spec: string): PackageSpec {
  const m = /^(.*?)(>?=)(.*)$/s.exec(spec);
  if (!m) return { name: spec, op: undefined, version: undefined };
  return { name: m[1] ?? '', op: m[2] as '=' | '>=', version: m[3] ?? '' };
}

/** Python's fnmatch for a version pattern (`1.0*`). */
function versionMatches(version: string, pattern: string): boolean {
  const re = pattern.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.').replace(/\[!/g, '[^');
  return new RegExp(`^${re}$`, 's').test(version);
}

export interface AptDecision {
  /** Words for apt-get install (name or name=version). */
  readonly install: readonly string[];
  /** Names for apt-get remove/purge. */
  readonly remove: readonly string[];
  /** The module fails with this, before running apt-get. */
  readonly failed?: string;
}

/**
 * Which packages apt-get must be given, as Ansible's install() and remove() decide: present
 * installs what is not installed (at the version asked for), latest also what has a newer
 * candidate, absent removes what is installed (purge: also what left config files).
 */
export function decideApt(state: 'present' | 'latest' | 'absent', specs: readonly string[], policy: ReadonlyMap<string, PackagePolicy>, options: { readonly onlyUpgrade?: boolean; readonly configFiles?: ReadonlySet<string> } = {}): AptDecision {
  const install: string[] = [];
  const remove: string[] = [];
  for (const raw of specs) {
    const spec = splitPackage(raw.trim());
    if (spec.version !== undefined && raw.split('=').length > 2) return { install, remove, failed: `invalid package spec: ${raw}` };
    const p = policy.get(spec.name);
    if (state === 'absent') {
      const installedMatches = p?.installed !== undefined && (spec.op !== '=' || versionMatches(p.installed, spec.version ?? ''));
      if (installedMatches || options.configFiles?.has(spec.name)) remove.push(raw.trim());
      continue;
    }
    if (!p) return { install, remove, failed: `No package matching '${spec.name}' is available` };
    const wanted = spec.op === '=' ? p.versions.find((v) => versionMatches(v, spec.version ?? '')) : p.candidate;
    const installedOk = p.installed !== undefined && (spec.op !== '=' || versionMatches(p.installed, spec.version ?? ''));
    if (!installedOk && !wanted) return { install, remove, failed: `no available installation candidate for ${raw.trim()}` };
    if (p.installed === undefined && options.onlyUpgrade) continue;
    const upgrade = state === 'latest' && wanted !== undefined && p.installed !== wanted;
    if (!installedOk || upgrade) install.push(spec.op !== undefined && wanted ? `${spec.name}=${wanted}` : spec.name);
  }
  return { install, remove };
}
