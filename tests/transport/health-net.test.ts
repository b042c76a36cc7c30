import { describe, expect, it } from 'vitest';
import type { NetworkInterfaceInfo } from 'node:os';
import { networkId, networkKey, routeKey } from '../../src/transport/health-net.js';
import type { RouteSpec } from '../../src/crypto/center-file.js';
import { parseRoute } from '../../src/transport/route.js';

const v4 = (address: string, internal = false): NetworkInterfaceInfo => ({
  address,
  netmask: '255.255.255.0',
  family: 'IPv4',
  mac: '02:00:00:00:00:01',
  internal,
  cidr: `${address}/24`,
});
const v6 = (address: string, internal = false): NetworkInterfaceInfo => ({
  address,
  netmask: 'ffff:ffff:ffff:ffff::',
  family: 'IPv6',
  mac: '02:00:00:00:00:01',
  internal,
  cidr: `${address}/64`,
  scopeid: 0,
});

describe('networkId', () => {
  const home = { lo: [v4('127.0.0.1', true), v6('::1', true)], wlan0: [v4('192.168.1.23'), v6('2001:db8:1:2:a:b:c:d'), v6('fe80::1')] };

  it('is 16 hex digits of SHA-256, independent of interface and address order', () => {
    const id = networkId(home);
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(networkId({ wlan0: [v6('fe80::1'), v6('2001:db8:1:2:a:b:c:d'), v4('192.168.1.23')], lo: home.lo })).toBe(id);
    expect(networkId({ eth9: [v4('192.168.1.23'), v6('2001:db8:1:2::')] })).toBe(id);
  });

  it('changes with the network, not with loopback, link-local or a rotated IPv6 temporary address', () => {
    const id = networkId(home);
    expect(networkId({ ...home, lo: [v4('127.0.0.2', true)] })).toBe(id);
    expect(networkId({ ...home, wlan0: [v4('192.168.1.23'), v6('2001:db8:1:2:ffff::9'), v6('fe80::99')] })).toBe(id);
    expect(networkId({ ...home, wlan0: [v4('10.0.0.5'), v6('2001:db8:1:2:a:b:c:d')] })).not.toBe(id);
    expect(networkId({ ...home, wlan0: [v4('192.168.1.23'), v6('2001:db8:9:2:a:b:c:d')] })).not.toBe(id);
    expect(networkId({ ...home, tun0: [v4('10.8.0.2')] })).not.toBe(id);
  });

  it('works on this machine and when offline', () => {
    expect(networkId()).toMatch(/^[0-9a-f]{16}$/);
    expect(networkId({ lo: [v4('127.0.0.1', true)] })).toBe(networkId({}));
  });
});

describe('routeKey', () => {
  const salt = new Uint8Array(16).fill(7);
  const base: RouteSpec = { id: 'p', kind: 'http-proxy', url: 'https://c.example/', proxy: 'https://u:pw@proxy.example:8443' };
  const key = (spec: Partial<RouteSpec>, s = salt) => routeKey(parseRoute({ ...base, ...spec } as RouteSpec), s);

  it('changes when any part of the route spec changes, and with the salt', () => {
    const k = key({});
    expect(k).toMatch(/^[0-9a-f]{16}$/);
    expect(key({})).toBe(k);
    const variants: Partial<RouteSpec>[] = [
      { id: 'q' },
      { url: 'https://d.example/' },
      { proxy: 'https://u:pw2@proxy.example:8443' },
      { proxy: 'https://v:pw@proxy.example:8443' },
      { proxy: 'https://u:pw@proxy.example:8444' },
      { connect: '203.0.113.7:443' },
      { servername: 'front.example' },
      { kind: 'socks', proxy: 'socks5h://u:pw@proxy.example:8443' },
    ];
    const keys = new Set([k, ...variants.map((v) => key(v))]);
    expect(keys.size).toBe(variants.length + 1);
    expect(key({}, new Uint8Array(16).fill(8))).not.toBe(k);
  });

  it('salts network keys too', () => {
    expect(networkKey('p', salt)).toMatch(/^[0-9a-f]{16}$/);
    expect(networkKey('p', salt)).not.toBe(networkKey('q', salt));
    expect(networkKey('p', salt)).not.toBe(networkKey('p', new Uint8Array(16)));
  });
});
