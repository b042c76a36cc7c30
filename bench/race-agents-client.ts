/**
 * The baseline of bench/race (issue 7, point 7): the client a user would write with the card's
 * packages instead of sealpost. undici sends the POST; an http-proxy route goes through
 * https-proxy-agent, a socks route through socks-proxy-agent, and a direct route or mirror through a
 * plain undici Agent with the route's pinned address and CA. Routes are tried in the center file's
 * order, 10 s connect timeout each and 30 s in all (as the curl loop's --connect-timeout 10
 * --max-time 30); the first answer whose receipt verifies (sealpost's own verifyReceipt) wins.
 *
 * undici takes no http.Agent (passing one as `dispatcher` fails with "fetch failed"), so the glue
 * is undici's `connect` function calling the agent's own `connect()`: that is the one way to use
 * these agents with undici. What the agents cannot express, and what this script therefore does
 * by hand or not at all:
 * - a pinned address (`connect`) has no option in undici or the agents: a `lookup` that answers
 *   with the pin, so a pin to another port than the URL's is not expressible (none in the bench);
 * - https-proxy-agent has no connect timeout: a 10 s timer around its `connect()`, which cannot
 *   reach the socket the agent holds (see race-agents-stall.ts for what that leaves);
 * - a chain (the user's proxy in front of a route's own proxy) is not expressible: one proxy each;
 * - the caller's AbortSignal does not reach the dialing, neither undici's nor the agents'
 *   (race-agents-stall.ts measures what that costs).
 *
 * race-agents.ts runs it as a whole process; race-agents-stall.ts measures its agents against a
 * proxy that never answers.
 */
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import type { LookupFunction } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { Agent, buildConnector, request, type Dispatcher } from 'undici';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { SocksProxyAgent } from 'socks-proxy-agent';

export const CONNECT_TIMEOUT_MS = 10_000;
export const MAX_TIME_MS = 30_000;

export interface RouteSpec {
  id: string;
  kind: 'direct' | 'mirror' | 'http-proxy' | 'socks';
  url: string;
  proxy?: string;
  connect?: string;
  servername?: string;
  ca?: string;
}

type ProxyAgent = HttpsProxyAgent<string> | SocksProxyAgent;

/** Answers every lookup with the pinned address (Node asks with `all: true` when it races families). */
function pinLookup(pin: string): LookupFunction {
  const address = pin.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
  const family = address.includes(':') ? 6 : 4;
  return ((_host: string, opts: { all?: boolean }, cb: (...a: unknown[]) => void) =>
    opts.all ? cb(null, [{ address, family }]) : cb(null, address, family)) as unknown as LookupFunction;
}

/** undici's connector for an agent-base agent: the agent dials and does TLS, undici speaks HTTP on it. */
function agentConnector(agent: ProxyAgent, r: RouteSpec): buildConnector.connector {
  return (opts, cb) => {
    // agent-base's connect() expects node's ClientRequest; it only emits events on it and may destroy it.
    const req = Object.assign(new EventEmitter(), { destroy() {} });
    let settled = false;
    const done = (err: Error | null, socket: Duplex | null) => {
      if (settled) return void socket?.destroy();
      settled = true;
      clearTimeout(timer);
      if (err) cb(err, null);
      else cb(null, socket as unknown as TLSSocket);
    };
    // The agent gives no handle before its promise settles: on timeout its socket is out of reach.
    const timer = setTimeout(() => done(new Error('connect timeout'), null), CONNECT_TIMEOUT_MS);
    const secureEndpoint = opts.protocol === 'https:';
    agent
      .connect(req as never, { host: opts.hostname, port: Number(opts.port) || (secureEndpoint ? 443 : 80), secureEndpoint, servername: r.servername, ca: r.ca, ALPNProtocols: ['http/1.1'] } as never)
      .then((s: Duplex) => {
        if (!secureEndpoint) return done(null, s);
        s.once('secureConnect', () => done(null, s)).once('error', (e: Error) => done(e, null));
      }, (e: Error) => done(e, null));
  };
}

export function dispatcherFor(r: RouteSpec): Dispatcher {
  if (r.kind === 'http-proxy') return new Agent({ connect: agentConnector(new HttpsProxyAgent(r.proxy!), r) });
  if (r.kind === 'socks') {
    // socks5:// would resolve the center's name here, on the censored network: socks5h:// (spec 6).
    const url = r.proxy!.replace(/^socks5:/, 'socks5h:');
    return new Agent({ connect: agentConnector(new SocksProxyAgent(url, { timeout: CONNECT_TIMEOUT_MS }), r) });
  }
  // Without a Host header undici leaves the SNI to `connect.servername`, so fronting is expressible here.
  return new Agent({ connect: { timeout: CONNECT_TIMEOUT_MS, ca: r.ca, servername: r.servername, lookup: r.connect ? pinLookup(r.connect) : undefined } });
}

/** POSTs the envelope over one route; resolves with the receipt text, unverified. */
export async function post(r: RouteSpec, envelope: Buffer, signal: AbortSignal = AbortSignal.timeout(MAX_TIME_MS)): Promise<string> {
  const dispatcher = dispatcherFor(r);
  try {
    const res = await request(new URL('v1/envelopes', r.url), {
      method: 'POST',
      dispatcher,
      headers: { 'content-type': 'application/octet-stream', 'sealpost-token': randomBytes(16).toString('base64') },
      body: envelope,
      signal,
    });
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`http-${res.statusCode}`);
    return (JSON.parse(text) as { receipt: string }).receipt;
  } finally {
    await dispatcher.destroy();
  }
}
