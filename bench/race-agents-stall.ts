/**
 * What the card's agents do when a proxy never answers (issue 7, point 7: the README says why
 * sealpost tunnels for itself, and this is what was measured). On loopback only, no root: each
 * case gets its own peer that accepts TCP, reads the CONNECT, the SOCKS greeting or the TLS hello,
 * and never answers; the caller's deadline is AbortSignal.timeout(300). For each case: when the
 * call settled, how many sockets were open at the peer 1 s after the deadline, and when the last
 * one closed there (watched for 12 s). Cases: https-proxy-agent and socks-proxy-agent under
 * node:https (their documented use) and under undici (the bench baseline's glue,
 * race-agents-client.ts), a plain undici Agent whose server never answers the TLS hello, undici's
 * own ProxyAgent and Socks5ProxyAgent, and sealpost's deliver as the control.
 *
 * Run: node dist/bench/race-agents-stall.js (bench/race runs it too).
 */
import { randomBytes } from 'node:crypto';
import { request as httpsRequest } from 'node:https';
import { createServer, type Socket } from 'node:net';
import { Agent, ProxyAgent, request, Socks5ProxyAgent, type Dispatcher } from 'undici';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { SocksProxyAgent } from 'socks-proxy-agent';
import { parseVerifierKey, verifierKey } from '../src/crypto/note.js';
import { deliver } from '../src/transport/deliver.js';
import { parseRoute } from '../src/transport/routes/route.js';
import { CONNECT_TIMEOUT_MS, post } from './race-agents-client.js';

const DEADLINE_MS = 300;
const WATCH_MS = 12_000;
const TARGET = 'https://center.test/';

/** A proxy that takes the connection, reads, and never answers; counts its sockets and their close times. */
async function stalledProxy(t0: number): Promise<{ port: number; accepted(): number; open(): number; lastClose(): number | null; close(): void }> {
  const live = new Set<Socket>();
  let last: number | null = null;
  let accepted = 0;
  const server = createServer((s) => {
    accepted++;
    live.add(s);
    s.on('error', () => {}).resume();
    s.on('close', () => {
      live.delete(s);
      last = performance.now() - t0;
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as { port: number }).port,
    accepted: () => accepted,
    open: () => live.size,
    lastClose: () => (live.size ? null : last),
    close: () => {
      for (const s of live) s.destroy();
      server.close();
    },
  };
}

function viaNodeHttps(agent: HttpsProxyAgent<string> | SocksProxyAgent, signal: AbortSignal): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(`${TARGET}v1/envelopes`, { method: 'POST', agent, signal }, resolve);
    req.on('error', reject).end(randomBytes(1073));
  });
}

async function viaUndici(dispatcher: Dispatcher, signal: AbortSignal, url = `${TARGET}v1/envelopes`): Promise<unknown> {
  try {
    return await request(url, { method: 'POST', dispatcher, body: randomBytes(1073), signal });
  } finally {
    await dispatcher.destroy();
  }
}

type Case = readonly [name: string, run: (proxyPort: number, signal: AbortSignal) => Promise<unknown>];

const envelope = Buffer.alloc(1073);
envelope[0] = 1;
const center = { name: 'center.test', logKey: parseVerifierKey(verifierKey('center.test/log', randomBytes(32))) };
const sealpost = (kind: 'http-proxy' | 'socks', proxy: string) => (signal: AbortSignal) =>
  deliver(envelope, randomBytes(16), parseRoute({ id: 'r', kind, url: TARGET, proxy }), { center, signal });

const CASES: readonly Case[] = [
  ['https-proxy-agent 9.1.0, node:https', (p, s) => viaNodeHttps(new HttpsProxyAgent(`http://127.0.0.1:${p}`), s)],
  ['socks-proxy-agent 10.1.0 (timeout 10 s), node:https', (p, s) => viaNodeHttps(new SocksProxyAgent(`socks5h://127.0.0.1:${p}`, { timeout: CONNECT_TIMEOUT_MS }), s)],
  ['https-proxy-agent, undici (bench baseline)', (p, s) => post({ id: 'r', kind: 'http-proxy', url: TARGET, proxy: `http://127.0.0.1:${p}` }, envelope, s)],
  ['socks-proxy-agent, undici (bench baseline)', (p, s) => post({ id: 'r', kind: 'socks', url: TARGET, proxy: `socks5h://127.0.0.1:${p}` }, envelope, s)],
  // Here the silent peer is the server itself (TCP accepted, no TLS answer): no proxy at all.
  ['undici 7.30.2 Agent, direct (connect timeout 10 s)', (p, s) => viaUndici(new Agent({ connect: { timeout: CONNECT_TIMEOUT_MS } }), s, `https://127.0.0.1:${p}/v1/envelopes`)],
  ['undici 7.30.2 ProxyAgent', (p, s) => viaUndici(new ProxyAgent(`http://127.0.0.1:${p}`), s)],
  ['undici 7.30.2 Socks5ProxyAgent (socks5://)', (p, s) => viaUndici(new Socks5ProxyAgent(`socks5://127.0.0.1:${p}`), s)],
  ['sealpost deliver, http-proxy route', (p, s) => sealpost('http-proxy', `http://127.0.0.1:${p}`)(s)],
  ['sealpost deliver, socks route', (p, s) => sealpost('socks', `socks5h://127.0.0.1:${p}`)(s)],
];

export interface StallRow {
  readonly name: string;
  /** ms from the start to the call's rejection, or null if it never settled while watched. */
  readonly settledMs: number | null;
  readonly accepted: number;
  /** Sockets open at the proxy 1 s after the deadline. */
  readonly openAfter: number;
  /** ms from the start to the last close at the proxy, or null if one was still open at the end. */
  readonly closedMs: number | null;
}

async function measure([name, run]: Case): Promise<StallRow> {
  const t0 = performance.now();
  const peer = await stalledProxy(t0);
  let settledMs: number | null = null;
  const settle = () => void (settledMs = performance.now() - t0);
  run(peer.port, AbortSignal.timeout(DEADLINE_MS)).then(settle, settle);
  const at = (ms: number) => new Promise((r) => setTimeout(r, ms - (performance.now() - t0)));
  await at(DEADLINE_MS + 1000);
  const openAfter = peer.open();
  await at(WATCH_MS);
  const row = { name, settledMs, accepted: peer.accepted(), openAfter, closedMs: peer.lastClose() };
  peer.close();
  return row;
}

function socks5hRefused(): string {
  try {
    void new Socks5ProxyAgent('socks5h://127.0.0.1:1080').close();
    return 'accepted';
  } catch (err) {
    return `refused (${(err as Error).message})`;
  }
}

async function main(): Promise<void> {
  const rows = await Promise.all(CASES.map(measure));
  const s = (ms: number | null) => (ms === null ? `> ${WATCH_MS / 1000} s` : `${(ms / 1000).toFixed(3)} s`);
  process.stdout.write(`a peer that never answers, caller's deadline AbortSignal.timeout(${DEADLINE_MS}), watched ${WATCH_MS / 1000} s (node ${process.version}):\n`);
  process.stdout.write(`${'client'.padEnd(54)}${'rejected at'.padStart(14)}${'accepted'.padStart(10)}${'open at peer +1 s'.padStart(19)}   last socket closed\n`);
  for (const r of rows) {
    process.stdout.write(`${r.name.padEnd(54)}${s(r.settledMs).padStart(14)}${String(r.accepted).padStart(10)}${String(r.openAfter).padStart(19)}   ${s(r.closedMs)}\n`);
  }
  process.stdout.write(`undici Socks5ProxyAgent with socks5h://: ${socks5hRefused()}\n`);
  // Sockets the agents still hold would keep the process alive: that is the finding, not a reason to wait.
  process.exit(0);
}

void main();
