/**
 * Identities for route health (issue 3, Build 3): which network we are on, and which route spec a
 * memory belongs to. Both are hashes, so the health file names neither an address nor a proxy
 * credential (wire spec 9: a seized device gives away as little as possible).
 */
import { createHash } from 'node:crypto';
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import type { Route } from './route.js';

type Interfaces = NodeJS.Dict<NetworkInterfaceInfo[]>;

/** `fe80::/10`: the same on every network an interface joins, so it says nothing about which one. */
const LINK_LOCAL_V6 = /^fe[89ab][0-9a-f]:/i;

/** The first four groups of an IPv6 address (its /64), or null when it is not a plain address. */
function prefix64(address: string): string | null {
  const [head = '', tail] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail === undefined ? [] : tail ? tail.split(':') : [];
  if (tail === undefined && left.length !== 8) return null;
  const groups = [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return groups.slice(0, 4).map((g) => g.toLowerCase().replace(/^0+(?=.)/, '')).join(':') + '::/64';
}

/**
 * The current network's identity: the first 16 hex digits of SHA-256 over the sorted, distinct
 * non-internal local addresses (issue 3: health memory is kept per network, since what works at
 * home may be blocked at work). IPv6 addresses count by their /64 prefix, because temporary
 * addresses rotate inside it (RFC 8981) while the prefix names the network; IPv6 link-local
 * addresses are left out. Never throws; with no address at all every offline state shares one id.
 *
 * @param ifaces the interfaces to use (default `os.networkInterfaces()`), injectable for tests.
 */
export function networkId(ifaces: Interfaces = networkInterfaces()): string {
  const seen = new Set<string>();
  for (const list of Object.values(ifaces)) {
    for (const a of list ?? []) {
      if (a.internal) continue;
      if (a.family === 'IPv6') {
        if (LINK_LOCAL_V6.test(a.address)) continue;
        const p = prefix64(a.address.replace(/%.*$/, ''));
        if (p) seen.add(p);
      } else {
        seen.add(a.address);
      }
    }
  }
  return createHash('sha256').update([...seen].sort().join('\n')).digest('hex').slice(0, 16);
}

function keyed(salt: Uint8Array, label: string, value: string): string {
  return createHash('sha256').update(salt).update(`sealpost/health/${label}/v1\0`).update(value).digest('hex').slice(0, 16);
}

/**
 * The key under which a route's health is kept. It covers every field that decides how the route
 * is reached (id, kind, url, proxy with its credentials, connect, servername, ca), so that fixing a
 * route's configuration (a new proxy password after a 407) makes it a new route that is tried
 * again. Salted with the health file's own random salt: the file cannot be matched against a
 * known route list or another device's file without that salt, and holds no credential in clear.
 */
export function routeKey(route: Route, salt: Uint8Array): string {
  const c = route.connect ? `${route.connect.host}:${route.connect.port}` : '';
  const spec = [route.id, route.kind, route.url.href, route.proxy?.href ?? '', c, route.servername ?? '', route.ca ?? ''];
  return keyed(salt, 'route', JSON.stringify(spec));
}

/** The key under which a network's memories are kept (salted as routeKey). */
export function networkKey(id: string, salt: Uint8Array): string {
  return keyed(salt, 'network', id);
}
