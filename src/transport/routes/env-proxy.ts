/**
 * The proxy the environment names for a URL, by curl's rules (curl(1) ENVIRONMENT, lib/url.c
 * detect_proxy), so that sealpost goes the way the user's other tools already go:
 *
 * - https URLs: `https_proxy`, then `HTTPS_PROXY`; http URLs: `http_proxy` only, lowercase — an
 *   uppercase `HTTP_PROXY` can be set by a web server from a request's `Proxy:` header (httpoxy,
 *   CVE-2016-5385), so curl ignores it and so do we; then `all_proxy`, then `ALL_PROXY`. Lowercase
 *   wins; an empty variable counts as unset (curl_getenv).
 * - `no_proxy`, then `NO_PROXY`: entries separated by commas (and spaces); `*` matches every
 *   host; a name matches itself and its subdomains, with or without a leading `.` (or `*.`);
 *   an IP address matches that address; a CIDR range (v4 or v6) matches addresses in it; any entry
 *   may end in `:port` (`[v6]:port` for IPv6) to match only that port. Names are never resolved
 *   (no local DNS: README), so a name entry never matches an IP URL and the other way round.
 *   Entries that parse as nothing are ignored, as curl does.
 * - A proxy without a scheme is `http://`; `socks5://` is read as `socks5h://` (spec 6).
 */
import { BlockList, isIP } from 'node:net';
import { InputError } from '../../errors.js';
import { bareHost } from '../host.js';
import { parseProxyUrl } from './route.js';

export interface EnvProxy {
  readonly proxy: URL;
  /** The variable it came from, e.g. `https_proxy`, for messages. */
  readonly variable: string;
}

function firstSet(env: NodeJS.ProcessEnv, names: readonly string[]): { name: string; value: string } | null {
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') return { name, value: value.trim() };
  }
  return null;
}

function hostOf(url: URL): string {
  return bareHost(url.hostname).replace(/\.$/, '').toLowerCase();
}

function portOf(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
}

const ipType = (s: string): 'ipv4' | 'ipv6' | null => (isIP(s) === 4 ? 'ipv4' : isIP(s) === 6 ? 'ipv6' : null);

/** Splits a NO_PROXY entry into its host part and optional port. */
function splitEntry(entry: string): { host: string; port?: number } | null {
  let host = entry;
  let port: string | undefined;
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracket) {
    host = bracket[1]!;
    port = bracket[2];
  } else if ((entry.match(/:/g) ?? []).length === 1) {
    [host, port] = entry.split(':') as [string, string];
    if (!/^\d+$/.test(port)) return null;
  } // two or more colons unbracketed: an IPv6 address or range, no port
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return null;
  return port === undefined ? { host } : { host, port: Number(port) };
}

/** Does one NO_PROXY entry (already split) match the host? */
function hostMatches(pattern: string, host: string): boolean {
  const hostIp = ipType(host);
  const cidr = /^(.+)\/(\d{1,3})$/.exec(pattern);
  if (cidr) {
    const [net, bits] = [cidr[1]!, Number(cidr[2])];
    const type = ipType(net);
    if (!type || !hostIp || type !== hostIp || bits > (type === 'ipv4' ? 32 : 128)) return false;
    const list = new BlockList();
    list.addSubnet(net, bits, type);
    return list.check(host, hostIp);
  }
  const patIp = ipType(pattern);
  if (patIp || hostIp) {
    if (patIp !== hostIp) return false;
    const list = new BlockList(); // compares addresses, not spellings (`::1` = `0:0::1`)
    list.addAddress(pattern, patIp!);
    return list.check(host, hostIp!);
  }
  const name = pattern.replace(/^\*?\./, '').replace(/\.$/, '').toLowerCase();
  return name !== '' && (host === name || host.endsWith(`.${name}`));
}

/** True when the NO_PROXY value `noProxy` exempts `url` from the proxy (rules above). */
export function noProxyMatches(url: URL, noProxy: string): boolean {
  const host = hostOf(url);
  const port = portOf(url);
  for (const raw of noProxy.split(/[,\s]+/)) {
    const entry = raw.trim();
    if (entry === '') continue;
    if (entry === '*') return true;
    const e = splitEntry(entry);
    if (!e || (e.port !== undefined && e.port !== port)) continue;
    if (hostMatches(e.host, host)) return true;
  }
  return false;
}

/**
 * The environment's proxy for `url` with the variable it came from, or null when none applies.
 * Throws InputError `bad-env-proxy` (exit 2, naming the variable — never its value, which may
 * hold a password) when the variable is not a proxy URL sealpost can use.
 */
export function envProxyFor(url: URL | string, env: NodeJS.ProcessEnv): EnvProxy | null {
  const u = typeof url === 'string' ? new URL(url) : url;
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return null;
  const noProxy = firstSet(env, ['no_proxy', 'NO_PROXY']);
  if (noProxy && noProxyMatches(u, noProxy.value)) return null;
  const names = u.protocol === 'https:' ? ['https_proxy', 'HTTPS_PROXY'] : ['http_proxy'];
  const found = firstSet(env, [...names, 'all_proxy', 'ALL_PROXY']);
  if (!found) return null;
  const text = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(found.value) ? found.value : `http://${found.value}`;
  try {
    return { proxy: parseProxyUrl(text, found.name), variable: found.name };
  } catch (cause) {
    throw new InputError('bad-env-proxy', `${found.name} is not a usable proxy URL`, {
      cause,
      key: 'transport.env.bad-proxy',
      params: { variable: found.name },
      field: found.name,
    });
  }
}

/** The environment's proxy for `url` by curl's rules, or null. Throws as envProxyFor. */
export function proxyForUrl(url: URL | string, env: NodeJS.ProcessEnv): URL | null {
  return envProxyFor(url, env)?.proxy ?? null;
}

/** Every proxy variable curl reads, in the order messages name them. */
export const PROXY_VARIABLES = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY', 'all_proxy', 'ALL_PROXY'] as const;

/**
 * The proxy variables that are set (non-empty), `HTTP_PROXY` included although curl never uses
 * it: while any is set the user means to go through a proxy, so sealpost tries nothing directly
 * that none of them covers (CLI spec; issue 6 finding 2).
 */
export function proxyVariablesSet(env: NodeJS.ProcessEnv): string[] {
  return PROXY_VARIABLES.filter((n) => (env[n] ?? '').trim() !== '');
}

/** True when `no_proxy` / `NO_PROXY` (curl's rules, lowercase first) exempts `url`. */
export function noProxyExempts(url: URL, env: NodeJS.ProcessEnv): boolean {
  const noProxy = firstSet(env, ['no_proxy', 'NO_PROXY']);
  return noProxy !== null && noProxyMatches(url, noProxy.value);
}
