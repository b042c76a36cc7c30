/**
 * `sealpost verify` (issue 9, build point 4), the built command against a real log server on
 * loopback (tests/harness/log-server.ts): an honest log exits 0; each lie exits 4 with a message
 * naming it and the notes kept as evidence; no route exits 3.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { envelopeId, sealEnvelope } from '../../src/crypto/envelope.js';
import { Cosigner } from '../../src/log/cosignature.js';
import { Outbox } from '../../src/outbox/outbox.js';
import { sealpost } from '../harness/cli.js';
import { TestLog, type KeptReceiptOf } from '../harness/log-server.js';
import { socksProxy } from '../harness/socks.js';
import { Server as ProxyChain } from 'proxy-chain';

let home: string;
let log: TestLog;

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'sealpost-verify-'));
});
afterEach(async () => {
  await log?.close();
  await rm(home, { recursive: true, force: true });
});

async function start(witnesses: Cosigner[] = [], extra: Record<string, unknown> = {}): Promise<TestLog> {
  log = await new TestLog('center.test', witnesses).start();
  await writeFile(join(home, 'center.json'), log.centerJson(extra));
  return log;
}

/** Logs `n` envelopes and keeps their receipts in the home's outbox, as `--keep-receipts` does. */
async function keep(n: number, hour?: number): Promise<KeptReceiptOf[]> {
  const outbox = new Outbox(home, { keepReceipts: true });
  const kept: KeptReceiptOf[] = [];
  for (let i = 0; i < n; i++) {
    const envelope = sealEnvelope(new TextEncoder().encode(`statement ${i}`), randomBytes(32));
    const r = log.add(hour, envelopeId(envelope));
    await outbox.markDelivered(await outbox.add(envelope), r.receipt, 1);
    kept.push(r);
  }
  return kept;
}

const verify = (args: string[] = [], env: NodeJS.ProcessEnv = {}) => sealpost(['--home', home, 'verify', ...args], { env });

async function evidence(): Promise<{ dir: string; files: string[] }[]> {
  const root = join(home, 'evidence');
  const dirs = await readdir(root).catch(() => [] as string[]);
  return Promise.all(dirs.map(async (d) => ({ dir: d, files: (await readdir(join(root, d))).sort() })));
}

describe('sealpost verify', () => {
  it('an honest log: exit 0, a line per receipt, the checkpoint kept, no proof asked by index', async () => {
    await start();
    const kept = await keep(3);
    const r = await verify();
    expect(r.code).toBe(0);
    for (const k of kept) expect(r.stdout).toMatch(new RegExp(`${k.id}\\s+${k.index}\\s+included`));
    expect(r.stderr).toContain('3 included, 0 not yet covered, 0 NOT included');
    expect(await readFile(join(home, 'checkpoint'), 'utf8')).toMatch(/^center\.test\/log\n3\n/);
    expect(log.inclusionRequests()).toEqual([]);
    expect(await evidence()).toEqual([]);
  });

  it('--json: the checkpoint, one verdict per receipt, ok', async () => {
    await start();
    const [k] = await keep(1);
    const r = await verify(['--json', k!.id.slice(0, 12)]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ checkpoint: { size: 1, route: 'direct-1' }, receipts: [{ id: k!.id, index: 0, status: 'included', proof: 'tiles' }], lies: [], ok: true });
    expect(doc.attempts).toEqual([expect.objectContaining({ route: 'direct-1', outcome: 'fetched' })]);
  });

  it('no receipts kept: says so, hints --keep-receipts, still checks the checkpoint', async () => {
    await start();
    log.add();
    const r = await verify();
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('no receipts are kept');
    expect(r.stderr).toContain('--keep-receipts');
    expect(log.requests).toContain('/v1/checkpoint');
  });

  it('a dropped entry: exit 4, named, evidence kept', async () => {
    await start();
    const kept = await keep(5);
    log.lies = { drop: 1 };
    const r = await verify([kept[3]!.id]);
    expect(r.code).toBe(4);
    expect(r.stdout).toMatch(/NOT included/);
    expect(r.stderr).toMatch(/error: the log is lying: the log dropped an entry/);
    expect(r.stderr).toMatch(/hint: the notes that prove it are kept in .*evidence/);
    const ev = await evidence();
    expect(ev).toHaveLength(1);
    expect(ev[0]!.dir).toMatch(/^\d{8}T\d{6}Z-entry-dropped$/);
    expect(ev[0]!.files).toEqual(['checkpoint.note', 'lie.json', `receipt-${kept[3]!.id}.note`]);
  });

  it('a dropped entry, in zh-CN', async () => {
    await start();
    const kept = await keep(5);
    log.lies = { drop: 1 };
    const r = await verify(['--lang', 'zh-CN', kept[3]!.id]);
    expect(r.code).toBe(4);
    expect(r.stdout).toContain('未被收录');
    expect(r.stderr).toContain('sealpost: error: 日志在撒谎：日志删除了一个条目');
    expect(r.stderr).toContain('证明这一点的签名记录已保存在');
  });

  it('a rewritten entry: exit 4, named', async () => {
    await start();
    const kept = await keep(4);
    log.lies = { rewrite: 2 };
    const r = await verify();
    expect(r.code).toBe(4);
    expect(r.stdout).toMatch(new RegExp(`${kept[2]!.id}\\s+2\\s+NOT included`));
    expect(r.stdout).toMatch(new RegExp(`${kept[1]!.id}\\s+1\\s+included`));
    expect(r.stderr).toMatch(/another entry at index 2 .*rewritten/);
    expect((await evidence())[0]?.dir).toMatch(/-entry-rewritten$/);
  });

  it('a smaller checkpoint than the one kept (freeze or rollback): exit 4, the kept one stays', async () => {
    await start();
    await keep(6);
    expect((await verify()).code).toBe(0);
    const before = await readFile(join(home, 'checkpoint'), 'utf8');
    log.lies = { size: 4 };
    const r = await verify(['--json']);
    expect(r.code).toBe(4);
    const doc = JSON.parse(r.stdout);
    expect(doc.ok).toBe(false);
    expect(doc.lies).toEqual([expect.objectContaining({ kind: 'smaller-checkpoint', message: expect.stringContaining('smaller than the one of size 6') })]);
    expect(await readFile(join(home, 'checkpoint'), 'utf8')).toBe(before);
    expect((await evidence())[0]?.files).toEqual(['checkpoint.note', 'kept-checkpoint.note', 'lie.json']);
  });

  it('a checkpoint inconsistent with the one kept (history rewritten): exit 4', async () => {
    await start();
    await keep(6);
    expect((await verify()).code).toBe(0);
    log.add();
    log.lies = { rewrite: 0 };
    const r = await verify();
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/not consistent with the one of size 6/);
  });

  it('a bad signature on the checkpoint: exit 4', async () => {
    await start();
    await keep(2);
    log.lies = { badSignature: true };
    const r = await verify();
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/lying: .*signature by center\.test\/log does not verify/);
    expect((await evidence())[0]?.files).toEqual(['checkpoint.note', 'lie.json']);
  });

  it('a missing witness quorum: exit 4', async () => {
    await start([new Cosigner('w1.test', randomBytes(32)), new Cosigner('w2.test', randomBytes(32))]);
    await keep(2);
    expect((await verify()).code).toBe(0);
    log.lies = { cosigners: 1 };
    const r = await verify();
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/carries 1 valid witness cosignatures; the center file requires 2/);
  });

  it('a split view (two cosigned checkpoints of one size, different roots): exit 4', async () => {
    await start([new Cosigner('w1.test', randomBytes(32))]);
    await keep(3);
    log.lies = { splitTiles: 1 };
    const r = await verify();
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/split view/);
    expect((await evidence())[0]?.files).toEqual(['checkpoint-direct-1.note', 'checkpoint.note', 'lie.json']);
  });

  it('a receipt no checkpoint covers 24 hours after its hour: a broken promise, exit 4', async () => {
    await start();
    await keep(2);
    const [late] = await keep(1, Math.floor(Date.now() / 3_600_000) - 26);
    log.lies = { size: 2 };
    const r = await verify();
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/still not covered .* broken promise/);
    expect((await evidence())[0]?.files).toEqual(['checkpoint.note', 'lie.json', `receipt-${late!.id}.note`]);
  });

  it('a receipt not yet covered within its 24 hours: exit 0', async () => {
    await start();
    await keep(3);
    log.lies = { size: 2 };
    const r = await verify();
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/2\s+not yet covered/);
  });

  it('without tiles: the proof API, and a warning that it learns the index', async () => {
    await start();
    await keep(2);
    log.lies = { noTiles: true };
    const r = await verify();
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('asked by index');
    expect(log.inclusionRequests()).toHaveLength(2);
  });

  it('no route answers: exit 3', async () => {
    await start();
    await keep(1);
    await log.close();
    const r = await verify(['--timeout', '5']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('no route answered with a checkpoint');
  });

  it('through a SOCKS proxy: every connection to the log goes through it, none directly', async () => {
    await start();
    await keep(3);
    let proxied = 0;
    const proxy = await socksProxy(() => proxied++);
    try {
      const r = await verify(['--proxy', `socks5h://127.0.0.1:${proxy.port}`, '--json']);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).checkpoint.route).toBe('direct-1+proxy-1');
      expect(proxied).toBeGreaterThan(0);
      expect(log.connections).toBe(proxied);
    } finally {
      await proxy.close();
    }
  });

  it('through an HTTP proxy (CONNECT): every connection to the log goes through it', async () => {
    await start();
    await keep(2);
    let proxied = 0;
    const chain = new ProxyChain({ port: 0, host: '127.0.0.1', prepareRequestFunction: () => (proxied++, {}) });
    await chain.listen();
    try {
      const r = await verify(['--proxy', `http://127.0.0.1:${chain.port}`]);
      expect(r.code).toBe(0);
      expect(r.stderr).toContain('2 included');
      expect(proxied).toBeGreaterThan(0);
      expect(log.connections).toBe(proxied);
    } finally {
      await chain.close(true);
    }
  });

  it('outbox flush with kept receipts verifies them at once: exit 4 when the log already lies about them', async () => {
    await start();
    const outbox = new Outbox(home);
    for (let i = 0; i < 3; i++) await outbox.add(sealEnvelope(new TextEncoder().encode(`s${i}`), randomBytes(32)));
    log.lies = { rewrite: 1 };
    const r = await sealpost(['--home', home, '--keep-receipts', 'outbox', 'flush']);
    expect(r.stderr).toContain('delivered 3; still pending 0');
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/the log is lying: the log holds another entry at index 1/);
  });

  it('outbox flush with kept receipts and an honest log: exit 0, the checkpoint kept; without kept receipts no check', async () => {
    await start();
    const outbox = new Outbox(home);
    await outbox.add(sealEnvelope(new TextEncoder().encode('s'), randomBytes(32)));
    const plain = await sealpost(['--home', home, 'outbox', 'flush']);
    expect(plain.code).toBe(0);
    expect(log.requests).not.toContain('/v1/checkpoint');
    await outbox.add(sealEnvelope(new TextEncoder().encode('t'), randomBytes(32)));
    const r = await sealpost(['--home', home, '--keep-receipts', 'outbox', 'flush']);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('lying');
    expect(await readFile(join(home, 'checkpoint'), 'utf8')).toMatch(/^center\.test\/log\n2\n/);
  });

  it('an id without a kept receipt: exit 2', async () => {
    await start();
    const r = await verify(['ab'.repeat(32)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no kept receipt');
  });
});
