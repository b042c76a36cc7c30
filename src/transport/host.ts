/**
 * Host names as the transport uses them: one copy of each rule.
 */

/** A URL's hostname without IPv6 brackets (`[::1]` → `::1`), as sockets, SNI and proxies want it. */
export function bareHost(hostname: string): string {
  return hostname.replace(/^\[(.*)\]$/, '$1');
}

/** 127.0.0.0/8, ::1 and localhost: this machine, where a censor on the network sees nothing. */
export function isLoopbackHost(host: string): boolean {
  const h = bareHost(host).toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || /^::ffff:127\./.test(h);
}

/**
 * A proxy the censor can read (spec 6): plaintext (not `https://`) and not on this machine, so it
 * shows the target and the proxy's credentials. The one policy rule: sources.ts refuses such a
 * proxy from the user and drops one of the center's unless `--allow-plain-proxy`.
 */
export function isExposedProxy(proxy: URL | undefined): boolean {
  return proxy !== undefined && proxy.protocol !== 'https:' && !isLoopbackHost(proxy.hostname);
}
