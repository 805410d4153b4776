import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseFacts } from '../../src/facts/gather.js';

const OUTPUT = `uname_n=mesos-master-1
hostname=mesos-master-1
fqdn=mesos-master-1.lab
kernel=6.1.0-18-amd64
machine=x86_64
system=Linux
user_id=vagrant
pid1=systemd
initctl=
systemd=yes
@os-release
PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION_CODENAME=bookworm
ID=debian
@addresses
1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever
2: eth0    inet 10.0.2.15/24 brd 10.0.2.255 scope global dynamic eth0\\       valid_lft 86000sec
3: eth1    inet 10.0.15.101/24 brd 10.0.15.255 scope global eth1\\       valid_lft forever preferred_lft forever
@default-route
default via 10.0.2.2 dev eth0 proto dhcp src 10.0.2.15 metric 100
@macs
eth0 08:00:27:aa:bb:cc 1500
eth1 08:00:27:dd:ee:ff 1500
lo 00:00:00:00:00:00 65536
@end
`;

describe('facts', () => {
  test("one script's output becomes Ansible's fact names", () => {
    const f = parseFacts(OUTPUT);
    assert.equal(f['ansible_hostname'], 'mesos-master-1');
    assert.equal(f['ansible_fqdn'], 'mesos-master-1.lab');
    assert.equal(f['ansible_domain'], 'lab');
    assert.equal(f['ansible_kernel'], '6.1.0-18-amd64');
    assert.equal(f['ansible_distribution'], 'Debian');
    assert.equal(f['ansible_distribution_major_version'], '12');
    assert.equal(f['ansible_distribution_release'], 'bookworm');
    assert.equal(f['ansible_os_family'], 'Debian');
    assert.equal(f['ansible_service_mgr'], 'systemd');
    assert.deepEqual(f['ansible_eth1'], {
      device: 'eth1', active: true, macaddress: '08:00:27:dd:ee:ff', mtu: 1500,
      ipv4: { address: '10.0.15.101', netmask: '255.255.255.0', network: '10.0.15.0', broadcast: '10.0.15.255', prefix: '24' },
    });
    assert.equal((f['ansible_default_ipv4'] as Record<string, unknown>)['address'], '10.0.2.15');
    assert.equal((f['ansible_default_ipv4'] as Record<string, unknown>)['gateway'], '10.0.2.2');
    assert.deepEqual(f['ansible_all_ipv4_addresses'], ['10.0.2.15', '10.0.15.101']);
  });
  test('without ip(8) there are no network facts, and nothing breaks', () => {
    const f = parseFacts('hostname=h\n@os-release\nID=alpine\n@addresses\n@default-route\n@macs\n@end\n');
    assert.equal(f['ansible_os_family'], 'Alpine');
    assert.deepEqual(f['ansible_default_ipv4'], {});
  });
});
