import { describe, expect, it } from 'vitest';
import type { NetworkInterfaceInfo } from 'node:os';
import { networkId, networkKey, networkTag, routeKey, routeKindWord, routeTag } from '../../src/transport/race/health-net.js';
import type { RouteSpec } from '../../src/crypto/center-file.js';
import { parseRoute, throughProxy } from '../../src/transport/routes/route.js';

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

describe('tags kept without a passphrase (issue 6, finding 5)', () => {
  const salt = new Uint8Array(16).fill(7);
  const r = (spec: Partial<RouteSpec> = {}) => parseRoute({ id: 'd', kind: 'direct', url: 'https://c.example/', ...spec } as RouteSpec);

  it('are 12 bits for a network and 8 bits for a route, HMACs of the whole identity under the salt', () => {
    expect(networkTag('p', salt)).toMatch(/^[0-9a-f]{3}$/);
    expect(routeTag(r(), salt)).toMatch(/^[0-9a-f]{2}$/);
    expect(networkTag('p', salt)).not.toBe(networkTag('p', new Uint8Array(16)));
    const tags = new Set(Array.from({ length: 400 }, (_, i) => routeTag(r({ url: `https://c${i}.example/` }), salt)));
    expect(tags.size).toBeGreaterThan(150);
    expect(tags.size).toBeLessThanOrEqual(256);
    const nets = new Set(Array.from({ length: 8000 }, (_, i) => networkTag(`n${i}`, salt)));
    expect(nets.size).toBeGreaterThan(3000);
    expect(nets.size).toBeLessThanOrEqual(4096);
    // Other labels than the 16-digit keys of a sealed file: a tag is not the prefix of a key.
    const prefixes = Array.from({ length: 8000 }, (_, i) => `n${i}`).filter((n) => networkKey(n, salt).startsWith(networkTag(n, salt)));
    expect(prefixes.length).toBeLessThan(12);
  });

  it('name the kind of route, and whether it goes through the user’s proxy, and nothing else', () => {
    expect(routeKindWord(r())).toBe('direct');
    expect(routeKindWord(r({ kind: 'mirror' }))).toBe('mirror');
    expect(routeKindWord(r({ kind: 'socks', proxy: 'socks5h://127.0.0.1:9050' }))).toBe('socks');
    expect(routeKindWord(r({ kind: 'http-proxy', proxy: 'https://p.example:443' }))).toBe('http-proxy');
    // Through the user's proxy a route takes the proxy's kind (issue 7), and `+proxy` says whose.
    expect(routeKindWord(throughProxy(r(), new URL('socks5h://127.0.0.1:9050'), 1))).toBe('socks+proxy');
    expect(routeKindWord(throughProxy(r(), new URL('https://p.example:443'), 1))).toBe('http-proxy+proxy');
    const bridge = r({ id: 'bridge', kind: 'socks', proxy: 'socks5h://10.0.0.1:1080' });
    expect(routeKindWord(throughProxy(bridge, new URL('socks5h://127.0.0.1:9050'), 2))).toBe('socks+proxy');
    expect(routeKindWord(r({ id: 'bridge+proxy-2', kind: 'socks', proxy: 'socks5h://10.0.0.1:1080' }))).toBe('socks');
    expect(routeKindWord(r({ id: 'x', url: 'https://other.example/' }))).toBe('direct');
  });
});
