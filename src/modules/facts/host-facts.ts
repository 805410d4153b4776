import { ipv4Text, netmaskText, parseIpv4Cidr } from '../../util/ipv4.js';
import type { Vars } from '../../util/data.js';

/**
 * Every fact in one round trip: a POSIX script whose sections the controller parses. Needs only
 * sh and coreutils; `ip` (iproute2) adds the network facts where it is installed.
 */
export const FACTS_SCRIPT = `echo "uname_n=$(uname -n)"
echo "hostname=$(hostname 2>/dev/null || uname -n)"
echo "fqdn=$(timeout 2 hostname -f 2>/dev/null || uname -n)"
echo "kernel=$(uname -r)"
echo "machine=$(uname -m)"
echo "system=$(uname -s)"
echo "user_id=$(id -un)"
echo "pid1=$(cat /proc/1/comm 2>/dev/null)"
echo "initctl=$(command -v initctl 2>/dev/null)"
echo "systemd=$([ -d /run/systemd/system ] && echo yes)"
echo "@os-release"; cat /etc/os-release 2>/dev/null
echo "@addresses"; ip -4 -o addr show 2>/dev/null
echo "@default-route"; ip -4 route show default 2>/dev/null
echo "@macs"; for d in /sys/class/net/*; do [ -r "$d/address" ] && echo "\${d##*/} $(cat "$d/address") $(cat "$d/mtu" 2>/dev/null)"; done
echo "@end"`;

const OS_NAMES: Record<string, string> = {
  debian: 'Debian', ubuntu: 'Ubuntu', centos: 'CentOS', rhel: 'RedHat', fedora: 'Fedora', alpine: 'Alpine',
  arch: 'Archlinux', opensuse: 'openSUSE', 'opensuse-leap': 'openSUSE Leap', sles: 'SLES', rocky: 'Rocky', almalinux: 'AlmaLinux',
};
const OS_FAMILIES: Record<string, string> = {
  debian: 'Debian', ubuntu: 'Debian', centos: 'RedHat', rhel: 'RedHat', fedora: 'RedHat', rocky: 'RedHat', almalinux: 'RedHat',
  alpine: 'Alpine', arch: 'Archlinux', opensuse: 'Suse', 'opensuse-leap': 'Suse', sles: 'Suse',
};

export function parseFacts(output: string): Vars {
  const simple: Record<string, string> = {};
  const sections: Record<string, string[]> = {};
  let section: string | undefined;
  for (const line of output.split('\n')) {
    if (line.startsWith('@')) {
      section = line.slice(1);
      sections[section] = [];
    } else if (section) {
      sections[section]?.push(line);
    } else {
      const eq = line.indexOf('=');
      if (eq > 0) simple[line.slice(0, eq)] = line.slice(eq + 1);
    }
  }
  const osRelease: Record<string, string> = {};
  for (const line of sections['os-release'] ?? []) {
    const m = /^([A-Z_]+)=("?)(.*)\2$/.exec(line.trim());
    if (m) osRelease[m[1] ?? ''] = m[3] ?? '';
  }
  const id = (osRelease['ID'] ?? '').toLowerCase();
  const idLike = (osRelease['ID_LIKE'] ?? '').toLowerCase().split(/\s+/);
  const version = osRelease['VERSION_ID'] ?? '';
  const hostname = simple['hostname'] ?? '';
  const fqdn = simple['fqdn'] || hostname;
  const facts: Vars = {
    ansible_hostname: hostname.split('.')[0],
    ansible_nodename: simple['uname_n'],
    ansible_fqdn: fqdn,
    ansible_domain: fqdn.includes('.') ? fqdn.slice(fqdn.indexOf('.') + 1) : '',
    ansible_kernel: simple['kernel'],
    ansible_architecture: simple['machine'],
    ansible_machine: simple['machine'],
    ansible_system: simple['system'],
    ansible_user_id: simple['user_id'],
    ansible_distribution: OS_NAMES[id] ?? (id ? id[0]?.toUpperCase() + id.slice(1) : simple['system']),
    ansible_distribution_version: version,
    ansible_distribution_major_version: version.split('.')[0] ?? '',
    ansible_distribution_release: osRelease['VERSION_CODENAME'] ?? '',
    ansible_os_family: OS_FAMILIES[id] ?? idLike.map((l) => OS_FAMILIES[l]).find(Boolean) ?? (id ? id[0]?.toUpperCase() + id.slice(1) : simple['system']),
    ansible_service_mgr: serviceManager(simple),
    ...networkFacts(sections['addresses'] ?? [], sections['default-route'] ?? [], sections['macs'] ?? []),
  };
  return facts;
}

function serviceManager(simple: Record<string, string>): string {
  if (simple['systemd'] === 'yes' || simple['pid1'] === 'systemd') return 'systemd';
  if (simple['initctl'] && simple['pid1'] === 'init') return 'upstart';
  if (simple['pid1'] === 'init') return 'sysvinit';
  return simple['pid1'] || 'service';
}

function networkFacts(addressLines: string[], routeLines: string[], macLines: string[]): Vars {
  const links = new Map<string, { mac: string; mtu: number }>();
  for (const line of macLines) {
    const [dev = '', mac = '', mtu = ''] = line.trim().split(/\s+/);
    if (dev) links.set(dev, { mac, mtu: Number(mtu) || 0 });
  }
  const interfaces: Record<string, Vars> = {};
  const all: string[] = [];
  for (const line of addressLines) {
    // "2: eth1    inet 10.0.15.10/24 brd 10.0.15.255 scope global eth1\ ..."
    const m = /^\d+:\s+(\S+)\s+inet\s+(\d+\.\d+\.\d+\.\d+)\/(\d+)/.exec(line);
    if (!m) continue;
    const [, dev = '', address = '', prefix = ''] = m;
    const range = parseIpv4Cidr(`${address}/${prefix}`);
    if (!range) throw new Error(`not an IPv4 address: ${address}/${prefix}`);
    const ipv4 = {
      address,
      netmask: netmaskText(range.prefix),
      network: ipv4Text(range.first),
      broadcast: ipv4Text(range.last),
      prefix,
    };
    if (!interfaces[dev]) interfaces[dev] = { device: dev, active: true, ipv4, macaddress: links.get(dev)?.mac ?? '', mtu: links.get(dev)?.mtu ?? 0 };
    if (!address.startsWith('127.')) all.push(address);
  }
  const out: Vars = { ansible_interfaces: [...new Set([...links.keys(), ...Object.keys(interfaces)])], ansible_all_ipv4_addresses: all };
  for (const [dev, data] of Object.entries(interfaces)) out[`ansible_${dev.replace(/[^A-Za-z0-9_]/g, '_')}`] = data;
  // "default via 10.0.2.2 dev eth0 …" or "default dev eth1 scope link"
  const route = /default(?:\s+via\s+(\S+))?\s+dev\s+(\S+)/.exec(routeLines.join('\n'));
  const defaultDev = route?.[2];
  const defaultIf = defaultDev ? interfaces[defaultDev] : undefined;
  out['ansible_default_ipv4'] = defaultIf
    ? { ...(defaultIf['ipv4'] as Vars), interface: defaultDev, alias: defaultDev, gateway: route?.[1] ?? '', macaddress: defaultIf['macaddress'], mtu: defaultIf['mtu'], type: 'ether' }
    : {};
  return out;
}
