/**
 * The intake over real loopback sockets: receipts, idempotency, restarts, curl, overload, and
 * what the data folder keeps.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Agent } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { verifyReceipt, type ReceiptFields } from '../../src/crypto/receipt.js';
import { createIntakeServer, type IntakeServer } from '../../src/center/server.js';
import { startServe, type Serving } from '../../src/center/serve.js';
import { openSqliteStore, type SqliteStore } from '../../src/center/sqlite-store.js';
import { CENTER, envelope, folderBytes, get, makeCenter, post, token, type TestCenter } from '../fixtures/center-helpers.js';

const run = promisify(execFile);
let center: TestCenter;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  center = await makeCenter();
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(async () => {
  await center.cleanup();
});

function verify(receipt: string, env: Uint8Array): ReceiptFields {
  const eh = createHash('sha256').update(env).digest();
  return verifyReceipt(receipt, { center: CENTER, logKey: center.logKey, eh });
}

async function serve(dataName: string, extra: Partial<Parameters<typeof startServe>[0]> = {}): Promise<Serving> {
  const s = await startServe({ keysDir: center.keysDir, dataDir: join(center.dir, dataName), listen: '127.0.0.1:0', ...extra });
  cleanups.push(() => s.close());
  return s;
}

describe('POST /v1/envelopes', () => {
  it('gives 1,000 concurrent submissions receipts that verify, with indexes exactly 0..999', async () => {
    // One client address and one burst: no per-address cap, a queue for all (issue 6, finding 6
    // sets both lower by default; tests/center/overload.test.ts covers them).
    const s = await serve('thousand', { maxQueue: 1000, limits: { maxConnectionsPerClient: 0 } });
    const agent = new Agent({ connections: 1000 });
    cleanups.push(() => agent.close());
    const envs = Array.from({ length: 1000 }, () => envelope([1073, 4145, 16433][Math.floor(Math.random() * 3)]));
    const answers = await Promise.all(envs.map((e) => post(s.url, e, token(), agent)));
    const fields = answers.map((a, i) => {
      expect(a.status).toBe(200);
      expect(a.headers['content-type']).toMatch(/^application\/json/);
      const { id, receipt } = a.json<{ id: string; receipt: string }>();
      expect(id).toBe(createHash('sha256').update(envs[i]!).digest('hex'));
      return verify(receipt, envs[i]!);
    });
    expect(fields.map((f) => f.index).sort((a, b) => a - b)).toEqual([...Array(1000).keys()]);
    expect(new Set(fields.map((f) => Buffer.from(f.blind).toString('hex'))).size).toBe(1000);
    const hour = Math.floor(Date.now() / 3_600_000);
    expect(fields.every((f) => f.hour === hour || f.hour === hour - 1)).toBe(true);
  });

  it('answers the same envelope and token with the byte-identical receipt, and another token with a new one', async () => {
    const s = await serve('idem');
    const env = envelope();
    const tok = token();
    const first = (await post(s.url, env, tok)).json<{ receipt: string }>().receipt;
    const again = await Promise.all([post(s.url, env, tok), post(s.url, env, tok)]);
    for (const a of again) expect(a.json<{ receipt: string }>().receipt).toBe(first);

    const other = (await post(s.url, env, token())).json<{ id: string; receipt: string }>();
    const f1 = verify(first, env);
    const f2 = verify(other.receipt, env);
    expect(f2.index).not.toBe(f1.index);
    expect(Buffer.from(f2.blind).equals(Buffer.from(f1.blind))).toBe(false);
    // Nothing of the first receipt (its blind, its index, its signature) is in the second.
    const [b1, i1] = [Buffer.from(f1.blind).toString('base64'), `index ${f1.index}\n`];
    expect(other.receipt.includes(b1) || other.receipt.includes(i1)).toBe(false);
    expect(other.receipt.split('\n').at(-2)).not.toBe(first.split('\n').at(-2));
  });

  it('gives the byte-identical receipt after a restart on the same data folder', async () => {
    const env = envelope(4145);
    const tok = token();
    const s1 = await serve('restart');
    const before = (await post(s1.url, env, tok)).json<{ receipt: string }>().receipt;
    await s1.close();
    const s2 = await serve('restart');
    const after = await post(s2.url, env, tok);
    expect(after.status).toBe(200);
    expect(after.json<{ receipt: string }>().receipt).toBe(before);
    // ... and a new envelope continues the log.
    const next = envelope();
    expect(verify((await post(s2.url, next, token())).json<{ receipt: string }>().receipt, next).index).toBe(1);
  });

  it('gives curl a receipt', async () => {
    const s = await serve('curl');
    const env = envelope();
    const file = join(center.dir, 'envelope.bin');
    await writeFile(file, env);
    // curl sends `Expect: 100-continue` for a body of this size: the server answers it.
    const { stdout } = await run('curl', ['-sS', '--fail-with-body', '-H', `Sealpost-Token: ${token()}`, '--data-binary', `@${file}`, new URL('v1/envelopes', s.url).href]);
    const { receipt } = JSON.parse(stdout) as { receipt: string };
    expect(verify(receipt, env).center).toBe(CENTER);
  });

  it('refuses an oversized upload from curl with 413 before curl sends it', async () => {
    const s = await serve('curl-big');
    const file = join(center.dir, 'big.bin');
    await writeFile(file, envelope(2_000_000));
    const { stdout } = await run('curl', [
      '-sS', '-o', '/dev/null', '-w', '%{http_code} %{size_upload}', '-H', `Sealpost-Token: ${token()}`,
      '-H', 'Expect: 100-continue', '--expect100-timeout', '30', '--data-binary', `@${file}`, new URL('v1/envelopes', s.url).href,
    ]);
    const [code, uploaded] = stdout.split(' ');
    expect(code).toBe('413');
    expect(Number(uploaded)).toBe(0);
  });

  it('keeps no client address in the data folder', async () => {
    const s = await serve('addresses');
    for (let i = 0; i < 20; i++) expect((await post(s.url, envelope(), token())).status).toBe(200);
    await s.close();
    const dir = join(center.dir, 'addresses');
    const names = await readdir(dir);
    expect(names).toContain('intake.sqlite');
    const all = await folderBytes(dir, names);
    expect(all.length).toBeGreaterThan(20 * 1073);
    for (const needle of ['127.0.0.1', 'localhost', '::1', '::ffff:']) expect(all.includes(Buffer.from(needle, 'latin1'))).toBe(false);
  });
});

describe('overload', () => {
  let store: SqliteStore;
  let server: IntakeServer;
  let url: URL;
  let release!: () => void;
  let committing!: Promise<void>;

  beforeAll(async () => {
    let started!: () => void;
    committing = new Promise<void>((r) => (started = r));
    const held = new Promise<void>((r) => (release = r));
    let first = true;
    store = await openSqliteStore({
      path: join(center.dir, 'overload.sqlite'),
      maxQueue: 1,
      retryAfterSeconds: 3,
      beforeCommit: async () => {
        if (!first) return;
        first = false;
        started();
        await held;
      },
    });
    server = createIntakeServer({ store, signer: center.signer, center: CENTER });
    url = await server.listen('127.0.0.1', 0);
  });
  afterAll(async () => {
    await server.close();
    await store.close();
  });

  it('answers 503 overloaded with Retry-After when the queue is full, and recovers', async () => {
    const envA = envelope();
    const a = post(url, envA, token());
    await committing; // A holds the store's only queue slot, mid-commit
    const b = await post(url, envelope(), token());
    expect(b.status).toBe(503);
    expect(b.json()).toMatchObject({ error: 'overloaded' });
    expect(Number(b.headers['retry-after'])).toBe(3);
    release();
    const ra = await a;
    expect(ra.status).toBe(200);
    expect(verify(ra.json<{ receipt: string }>().receipt, envA).index).toBe(0);
    expect((await post(url, envelope(), token())).status).toBe(200);
  });
});

describe('other routes', () => {
  let s: Serving;
  beforeAll(async () => {
    s = await startServe({ keysDir: center.keysDir, dataDir: join(center.dir, 'routes'), listen: '127.0.0.1:0' });
  });
  afterAll(() => s.close());

  it('GET /healthz answers 200 ok', async () => {
    const r = await get(new URL('healthz', s.url));
    expect([r.status, r.text.trim()]).toEqual([200, 'ok']);
    expect((await get(new URL('healthz', s.url), 'HEAD')).status).toBe(200);
  });

  it('answers 404 not-found and 405 with stable JSON errors', async () => {
    const nf = await get(new URL('v1/nope', s.url));
    expect(nf.status).toBe(404);
    expect(nf.json()).toEqual({ error: 'not-found', message: expect.any(String) });
    const m1 = await get(new URL('v1/envelopes', s.url));
    expect([m1.status, m1.headers.allow, m1.json().error]).toEqual([405, 'POST', 'method-not-allowed']);
    const m2 = await get(new URL('healthz', s.url), 'DELETE');
    expect(m2.status).toBe(405);
  });
});
