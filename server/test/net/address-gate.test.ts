import { describe, expect, it } from 'vitest';
import { AddressGate, addressKey } from '../../src/net/address-gate';

describe('addressKey', () => {
  it('keys IPv4 by the address, IPv4-mapped IPv6 as IPv4, IPv6 by its /64', () => {
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('::FFFF:127.0.0.2')).toBe('127.0.0.2');
    expect(addressKey('2001:db8:1:2::99')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:0db8:0001:0002:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('2001:db8::')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKey('1:2:3::4:5:6.7.8.9')).toBe('1:2:3:0::/64');
    // Two hosts of one /64 share a key; another /64 does not.
    expect(addressKey('2001:db8:1:2::1')).toBe(addressKey('2001:db8:1:2:ffff::1'));
    expect(addressKey('2001:db8:1:3::1')).not.toBe(addressKey('2001:db8:1:2::1'));
  });
});

describe('AddressGate', () => {
  it('forgets addresses with no connection once their bucket has refilled: the map stays bounded', () => {
    let now = 0;
    const gate = new AddressGate({
      maxConnectionsPerAddress: 8,
      connectsPerSecondPerAddress: 4,
      connectBurstPerAddress: 8,
      clock: () => now,
    });
    const held = gate.admit('10.9.9.9');
    for (let i = 0; i < 1000; i++) {
      const a = gate.admit(`10.0.${i >> 8}.${i & 255}`);
      if (a.ok) gate.release(a.key);
    }
    expect(gate.size).toBe(1001);
    // The refill window is burst / rate = 2 s: before it, nothing is forgotten.
    now = 1_999;
    gate.admit('10.1.0.1');
    expect(gate.size).toBe(1002);
    now = 4_000;
    const fresh = gate.admit('10.1.0.2');
    // Kept: the two addresses that still hold a connection (10.9.9.9, 10.1.0.1) and the new one.
    expect(fresh.ok).toBe(true);
    expect(held.ok).toBe(true);
    expect(gate.size).toBe(3);
  });

  it('turns off with Infinity', () => {
    const gate = new AddressGate({
      maxConnectionsPerAddress: Infinity,
      connectsPerSecondPerAddress: Infinity,
      connectBurstPerAddress: Infinity,
      clock: () => 0,
    });
    for (let i = 0; i < 10_000; i++) expect(gate.admit('127.0.0.1').ok).toBe(true);
  });

  it('charges refused attempts over the connection limit to the bucket, so hammering ends rate-limited', () => {
    const gate = new AddressGate({
      maxConnectionsPerAddress: 1,
      connectsPerSecondPerAddress: 1,
      connectBurstPerAddress: 3,
      clock: () => 0,
    });
    const codes = [0, 1, 2, 3].map(() => {
      const a = gate.admit('192.0.2.1');
      return a.ok ? 'ok' : a.code;
    });
    expect(codes).toEqual(['ok', 'TOO_MANY_CONNECTIONS', 'TOO_MANY_CONNECTIONS', 'CONNECT_RATE_LIMITED']);
  });
});
