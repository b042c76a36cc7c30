/**
 * Identities for route health (issue 3, Build 3; issue 6, finding 5): which network we are on, and
 * which route a memory belongs to. Nothing here is stored in clear: keys are HMACs under the health
 * file's own salt, and the keys a file readable without a passphrase holds are cut so short that
 * they cannot confirm a candidate offline (wire spec 9).
 */
import { createHash, createHmac } from 'node:crypto';
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import type { Route } from '../routes/route.js';

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

/**
 * HMAC-SHA-256 under the file's salt, as hex cut to `digits`. The salt sits in the same file, so a
 * key is only as secret as it is short: 16 digits name one candidate among any list (used only
 * inside a file sealed with a passphrase), 3 or 2 digits leave dozens (issue 6, finding 5).
 */
function keyed(salt: Uint8Array, label: string, value: string, digits: number): string {
  return createHmac('sha256', salt).update(`sealpost/health/${label}/v2\0`).update(value).digest('hex').slice(0, digits);
}

/** Every field that decides how a route is reached, credentials included: in memory only, never stored. */
export function routeSpec(route: Route): string {
  const c = route.connect ? `${route.connect.host}:${route.connect.port}` : '';
  const spec = [route.id, route.kind, route.url.href, route.proxy?.href ?? '', c, route.servername ?? '', route.ca ?? ''];
  // A race entry with a strategy (issue 12) is its own route; the plain one keeps the route's key.
  const s = route.strategy;
  if (s && (s.dns.kind !== 'system' || s.tls.steps.length > 0)) {
    spec.push(s.dns.kind === 'system' ? 'system' : `${s.dns.kind}:${s.dns.name}@${s.dns.host}:${s.dns.port}`, s.dns.kind === 'system' ? '' : (s.dns.ca ?? ''), s.tls.text);
  }
  return JSON.stringify(spec);
}

/**
 * The shape of a race entry's strategy (issue 12) for a file readable without a passphrase:
 * the resolver's kind and the TLS text (`https/tlsfrag:sni`), which name no route, resolver or
 * address; undefined for the plain combination.
 */
export function strategyShape(route: Route): string | undefined {
  const s = route.strategy;
  if (!s || (s.dns.kind === 'system' && s.tls.steps.length === 0)) return undefined;
  return `${s.dns.kind}/${s.tls.text}`;
}

/**
 * The key under which a route's health is kept in a sealed file. It covers every field that
 * decides how the route is reached (id, kind, url, proxy with its credentials, connect, servername,
 * ca, and a race entry's strategy), so that fixing a route's configuration (a new proxy password after a 407) makes it a new
 * route that is tried again. 16 hex digits: only ever stored encrypted (wire spec 9).
 */
export function routeKey(route: Route, salt: Uint8Array): string {
  return keyed(salt, 'route', routeSpec(route), 16);
}

/** The key under which a network's memories are kept in a sealed file (16 hex digits, as routeKey). */
export function networkKey(id: string, salt: Uint8Array): string {
  return keyed(salt, 'network', id, 16);
}

/**
 * A network's tag in a file readable without a passphrase: 12 bits (3 hex digits). Against the
 * red team's 131,584 candidate networks about 32 match, so the tag confirms none; two of the
 * user's own networks that share a tag only share their memory (issue 6, finding 5).
 */
export function networkTag(id: string, salt: Uint8Array): string {
  return keyed(salt, 'network-tag', id, 3);
}

/**
 * A route's tag for a cool-down in a file readable without a passphrase: 8 bits (2 hex digits),
 * so that one tag fits about one in 256 candidate routes; it is kept only until the cool-down
 * ends (wire spec 9). Covers the whole spec, as routeKey.
 */
export function routeTag(route: Route, salt: Uint8Array): string {
  return keyed(salt, 'route-tag', routeSpec(route), 2);
}

/** The kinds of route a file readable without a passphrase may name (issue 6, finding 5). */
export const ROUTE_KINDS = ['direct', 'mirror', 'http-proxy', 'socks', 'direct+proxy', 'mirror+proxy', 'http-proxy+proxy', 'socks+proxy'] as const;
export type RouteKindWord = (typeof ROUTE_KINDS)[number];

/**
 * A route's kind, `+proxy` when it goes through the user's proxy (`--proxy` or the environment,
 * through it or chained behind it: src/transport/routes/route.ts `throughProxy`). Says nothing
 * about which route. (`direct+proxy` and `mirror+proxy` are read from older files: such routes
 * now take their proxy's kind.)
 */
export function routeKindWord(route: Route): RouteKindWord {
  const viaUser = route.userProxy === true || route.via !== undefined;
  return `${route.kind}${viaUser ? '+proxy' : ''}` as RouteKindWord;
}
