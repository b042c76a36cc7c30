/**
 * The flush engine against a real local center (issue 8, build point 1): every pending envelope
 * delivered with verified receipts; once a route delivers, the others go over it (the dead route
 * is tried in the first race only); a race that delivers nothing ends the round; `--watch`'s due
 * rule follows nextAt (fake Date); a 503 with Retry-After backs the envelope off at least that long;
 * 120 envelopes over one route open at most `parallel` + 1 connections and leave none (issue 8, bench/relay).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { envelopeId, sealEnvelope } from '../../src/crypto/envelope.js';
import { verifyReceipt } from '../../src/crypto/receipt.js';
import { Outbox } from '../../src/outbox/outbox.js';
import { flushOutbox, type FlushEvent } from '../../src/outbox/flush.js';
import { parseRoute } from '../../src/transport/routes/route.js';
import { startCenter, type TestCenter } from '../harness/center.js';
import { countingRelay } from '../harness/relay.js';

let c: TestCenter;
let home: string;
beforeAll(async () => {
  c = await startCenter();
});
afterAll(async () => {
  await c.close();
});
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'sealpost-flush-'));
});
afterEach(async () => {
  vi.useRealTimers();
  await rm(home, { recursive: true, force: true });
});

const good = () => parseRoute({ id: 'good', kind: 'direct', url: c.url.href });
// Port 1 on loopback: connection refused at once.
const dead = () => parseRoute({ id: 'dead', kind: 'direct', url: 'http://127.0.0.1:1/' });
const seal = () => sealEnvelope(new TextEncoder().encode(`{"n":${Math.random()}}`), c.center.boxKey);
const opts = (events: FlushEvent[]) => ({
  center: { name: c.center.name, logKey: c.center.logKey },
  stagger: 100,
  onEvent: (e: FlushEvent) => events.push(e),
});


describe('flushOutbox', () => {
  it('delivers 40 envelopes with verified, distinct receipts; after the first race only the winning route is used', async () => {
    const outbox = new Outbox(home);
    const items = await Promise.all(Array.from({ length: 40 }, () => outbox.add(seal())));
    const events: FlushEvent[] = [];
    const round = await flushOutbox(outbox, [dead(), good()], { ...opts(events), parallel: 8 });
    expect(round).toMatchObject({ delivered: 40, stalled: false });
    expect(await outbox.list()).toEqual([]);
    const indexes = new Set<number>();
    for (const it of round.items) {
      const item = items.find((i) => i.id === it.id)!;
      const f = verifyReceipt(it.receipt!, { center: c.center.name, logKey: c.center.logKey, eh: envelopeId(item.envelope) });
      indexes.add(f.index);
    }
    expect(indexes.size).toBe(40);
    const starts = events.filter((e) => e.type === 'start').map((e) => (e as { route: string }).route);
    expect(starts.filter((r) => r === 'dead')).toHaveLength(1);
    expect(starts.filter((r) => r === 'good')).toHaveLength(40);
  });

  it('a race that delivers nothing ends the round: one envelope tried and backed off, the others untouched', async () => {
    const outbox = new Outbox(home);
    await Promise.all(Array.from({ length: 5 }, () => outbox.add(seal())));
    const round = await flushOutbox(outbox, [dead()], opts([]));
    expect(round).toMatchObject({ delivered: 0, stalled: true });
    expect(round.items).toHaveLength(1);
    const after = await outbox.list();
    expect(after.filter((i) => i.attempts > 0)).toHaveLength(1);
    expect(after.find((i) => i.attempts > 0)?.nextAt).toBeGreaterThan(Date.now());
  });

  it('dueOnly (--watch) skips envelopes whose backoff has not passed, and takes them once it has (fake Date)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
    const outbox = new Outbox(home);
    const a = await outbox.add(seal());
    await outbox.recordFailure(a, 1, { random: () => 0.999 });
    vi.setSystemTime(new Date('2026-01-01T00:00:00.500Z'));
    const early = await flushOutbox(outbox, [good()], { ...opts([]), dueOnly: true });
    expect(early.items).toHaveLength(0);
    expect((await outbox.get(a.id))?.state).toBe('pending');
    vi.setSystemTime(new Date('2026-01-01T00:00:01.001Z'));
    vi.useRealTimers();
    const due = await flushOutbox(outbox, [good()], { ...opts([]), dueOnly: true });
    expect(due.delivered).toBe(1);
  });
});

describe('Retry-After', () => {
  let busy: Server;
  beforeAll(async () => {
    busy = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(503, { 'retry-after': '30', connection: 'close' }).end('busy'));
    });
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
  });
  afterAll(async () => {
    await new Promise((r) => busy.close(r));
  });

  it('a 503 with Retry-After: 30 backs the envelope off at least 30 s (not 1 s)', async () => {
    const outbox = new Outbox(home);
    const a = await outbox.add(seal());
    const port = (busy.address() as AddressInfo).port;
    const before = Date.now();
    await flushOutbox(outbox, [parseRoute({ id: 'busy', kind: 'direct', url: `http://127.0.0.1:${port}/` })], opts([]));
    const after = await outbox.get(a.id);
    expect(after?.state).toBe('pending');
    expect(after!.nextAt!).toBeGreaterThanOrEqual(before + 30_000);
  });
  it('120 envelopes over one route open at most parallel + 1 connections (keep-alive sessions), all receipts verified, no socket left', async () => {
    const relay = await countingRelay(c.url);
    try {
      const outbox = new Outbox(home);
      const items = await Promise.all(Array.from({ length: 120 }, () => outbox.add(seal())));
      const route = parseRoute({ id: 'relayed', kind: 'direct', url: relay.url });
      const round = await flushOutbox(outbox, [route], { ...opts([]), parallel: 4 });
      expect(round).toMatchObject({ delivered: 120, stalled: false });
      for (const it of round.items) {
        const item = items.find((i) => i.id === it.id)!;
        verifyReceipt(it.receipt!, { center: c.center.name, logKey: c.center.logKey, eh: envelopeId(item.envelope) });
      }
      // The first race's own connection, then one session per worker.
      expect(relay.accepted()).toBeLessThanOrEqual(5);
      await relay.idle();
    } finally {
      await relay.close();
    }
  });
});
