import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ipv4Text, netmaskText, parseIpv4, parseIpv4Cidr, rangeContains, rangesOverlap } from '../../src/util/ipv4.js';
import { filters } from '../../src/template/filters.js';

describe('IPv4 ranges (util/ipv4.ts, in place of ip-num)', () => {
  it('parses as strictly as ip-num did: four decimal octets, no leading zeros, prefix 0 to 32', () => {
    assert.equal(parseIpv4('10.0.15.101'), 10 * 2 ** 24 + 15 * 256 + 101);
    for (const bad of ['010.0.0.1', '1.2.3', '1.2.3.4.5', '256.0.0.1', '1.2.3.-4', ' 1.2.3.4', '1..3.4', '0x1.2.3.4']) assert.equal(parseIpv4(bad), undefined, bad);
    for (const bad of ['1.2.3.4/33', '1.2.3.4/', '/8', '1.2.3.4', '1.2.3.4/8/8', '1.2.3.4/-1', '1.2.3.4/ 8']) assert.equal(parseIpv4Cidr(bad), undefined, bad);
    assert.deepEqual(parseIpv4Cidr('10.0.15.101/24'), { first: parseIpv4('10.0.15.0'), last: parseIpv4('10.0.15.255'), prefix: 24 });
  });

  it('writes addresses and masks at the edges', () => {
    assert.equal(ipv4Text(0), '0.0.0.0');
    assert.equal(ipv4Text(2 ** 32 - 1), '255.255.255.255');
    assert.equal(netmaskText(0), '0.0.0.0');
    assert.equal(netmaskText(12), '255.240.0.0');
    assert.equal(netmaskText(32), '255.255.255.255');
    const all = parseIpv4Cidr('0.0.0.0/0');
    const one = parseIpv4Cidr('255.255.255.255/32');
    assert.ok(all && one && rangeContains(all, one) && !rangeContains(one, all) && rangesOverlap(one, all));
  });

  it('keeps the helpers\' results and errors', () => {
    assert.equal(filters['ip_subnet']?.('10.2.0.0/16', 24, 255), '10.2.255.0/24');
    assert.throws(() => filters['ip_subnet']?.('10.2.0.0/16', 8, 0), /outside/);
    assert.throws(() => filters['ip_subnet']?.('10.2.0.0/16', 24, -1), /outside/);
    assert.throws(() => filters['ip_address']?.('10.2.0.0/16', 65536), /outside/);
    assert.equal(filters['ip_address']?.('10.2.0.0/16', -65536), '10.2.0.0');
    assert.throws(() => filters['ip_prefix']?.('10.2.0.0/33'), /is not an IPv4 CIDR/);
    assert.equal(filters['ip_contains']?.('10.0.0.0/24', '10.0.0.255'), true);
    assert.equal(filters['ip_overlaps']?.('10.0.0.0/24', '10.0.1.0/24'), false);
  });
});
