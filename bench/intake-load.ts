/**
 * The bench's load generator: `clients` connections on loopback, each POSTing one envelope at a
 * time. It shares the machine's cores with the server, so it is kept cheap: undici's `dispatch`
 * with a bare handler (no body streams), and envelopes made distinct by a counter over one random
 * template instead of fresh random bytes each time (the intake does not open envelopes).
 */
import { randomBytes, randomFillSync } from 'node:crypto';
import { Pool, type Dispatcher } from 'undici';

export interface LoadOptions {
  readonly url: URL;
  readonly clients: number;
  /** Seconds before counting starts (connections open, caches warm). */
  readonly warmup: number;
  /** Seconds counted. */
  readonly seconds: number;
  /** How many answers to keep for checking afterwards. */
  readonly keep?: number;
  /** The clients' source address (default: the system's choice, 127.0.0.1 on loopback). */
  readonly localAddress?: string;
}

export interface LoadResult {
  /** 200 answers that arrived within the counted window. */
  readonly receipts: number;
  readonly perSecond: number;
  /** Answers other than 200, and requests that got no answer. */
  readonly errors: number;
  /** Requests that got no answer: the connection was reset or closed (a client reads censorship). */
  readonly resets: number;
  /** 503 answers (overloaded, with Retry-After), warm-up included. */
  readonly overloaded: number;
  /** 503 answers within the counted window. */
  readonly overloadedCounted: number;
  readonly p50: number;
  readonly p99: number;
  /** Some 200 answers with the envelope they are for. */
  readonly kept: { readonly envelope: Buffer; readonly body: string }[];
}

/** Distinct version-0x01 envelopes of 1073 bytes: a random template with a unique counter in it. */
function envelopes(): () => Buffer {
  const template = randomBytes(1073);
  template[0] = 0x01;
  let n = 0n;
  return () => {
    const e = Buffer.from(template);
    e.writeBigUInt64BE(n++, 1);
    return e;
  };
}

/** Fresh random tokens, drawn 4096 at a time. */
function tokens(): () => string {
  const pool = Buffer.alloc(16 * 4096);
  let at = pool.length;
  return () => {
    if (at === pool.length) {
      randomFillSync(pool);
      at = 0;
    }
    at += 16;
    return pool.toString('base64', at - 16, at);
  };
}

function post(pool: Pool, path: string, body: Buffer, token: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    let status = 0;
    const chunks: Buffer[] = [];
    // undici's own (legacy) handler shape, which its Pool takes without an adapter.
    const handler: Dispatcher.DispatchHandler = {
      onConnect: () => {},
      onHeaders: (code) => {
        status = code;
        return true;
      },
      onData: (chunk) => {
        chunks.push(chunk);
        return true;
      },
      onComplete: () => resolve({ status, text: Buffer.concat(chunks).toString() }),
      onError: (err) => reject(err),
    };
    pool.dispatch({ method: 'POST', path, headers: { 'sealpost-token': token, 'content-type': 'application/octet-stream' }, body }, handler);
  });
}

export async function load(opts: LoadOptions): Promise<LoadResult> {
  const pool = new Pool(opts.url.origin, {
    connections: opts.clients,
    pipelining: 1,
    keepAliveTimeout: 60_000,
    ...(opts.localAddress ? { localAddress: opts.localAddress } : {}),
  });
  const path = `${opts.url.pathname}v1/envelopes`;
  const nextEnvelope = envelopes();
  const nextToken = tokens();
  const start = performance.now();
  const from = start + opts.warmup * 1000;
  const end = from + opts.seconds * 1000;
  const keep = opts.keep ?? 20;
  let receipts = 0;
  let errors = 0;
  let resets = 0;
  let overloaded = 0;
  let overloadedCounted = 0;
  const latencies: number[] = [];
  const kept: { envelope: Buffer; body: string }[] = [];
  const client = async (): Promise<void> => {
    while (performance.now() < end) {
      const body = nextEnvelope();
      const t0 = performance.now();
      try {
        const r = await post(pool, path, body, nextToken());
        const t1 = performance.now();
        if (r.status !== 200) {
          errors++;
          if (r.status === 503) {
            overloaded++;
            if (t1 >= from && t1 < end) overloadedCounted++;
          }
        } else if (t1 >= from && t1 < end) {
          receipts++;
          latencies.push(t1 - t0);
          if (kept.length < keep) kept.push({ envelope: body, body: r.text });
        }
      } catch {
        errors++;
        resets++;
      }
    }
  };
  await Promise.all(Array.from({ length: opts.clients }, client));
  await pool.close();
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? Number.NaN;
  return { receipts, perSecond: receipts / opts.seconds, errors, resets, overloaded, overloadedCounted, p50: q(0.5), p99: q(0.99), kept };
}
