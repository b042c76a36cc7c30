/**
 * `verifyLog` (src/verify/verify.ts) against a real log server on loopback (tests/harness/log-server.ts):
 * an honest log verifies from tiles without asking a proof by index; each lie is found and named.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { Cosigner } from '../../src/log/cosignature.js';
import { parseRoute } from '../../src/transport/routes/route.js';
import { verifyLog, type VerifyLogOptions } from '../../src/verify/verify.js';
import { TestLog } from '../harness/log-server.js';

const logs: TestLog[] = [];
afterEach(async () => {
  await Promise.all(logs.splice(0).map((l) => l.close()));
});

async function startLog(witnesses: Cosigner[] = []): Promise<TestLog> {
  const log = await new TestLog('center.test', witnesses).start();
  logs.push(log);
  return log;
}

function run(log: TestLog, opts: Partial<VerifyLogOptions> = {}) {
  return verifyLog({ center: log.center(), routes: [parseRoute({ id: 'direct-1', kind: 'direct', url: log.url.href })], deadline: 10_000, ...opts });
}

describe('verifyLog', () => {
  it('an honest log: every receipt included, proofs from tiles, no proof asked by index', async () => {
    const log = await startLog();
    const kept = Array.from({ length: 300 }, () => log.add());
    const r = await run(log, { receipts: [kept[0]!, kept[137]!, kept[299]!] });
    expect(r.lies).toEqual([]);
    expect(r.acceptable).toBe(true);
    expect(r.checkpoint?.size).toBe(300);
    expect(r.receipts.map((v) => [v.index, v.status, v.proof])).toEqual([
      [0, 'included', 'tiles'],
      [137, 'included', 'tiles'],
      [299, 'included', 'tiles'],
    ]);
    expect(log.inclusionRequests()).toEqual([]);
    expect(log.requests.some((p) => p.startsWith('/v1/log/tile/'))).toBe(true);
  });

  it('without tiles, falls back to the proof API (and says so in the verdict)', async () => {
    const log = await startLog();
    const kept = [log.add(), log.add(), log.add()];
    log.lies = { noTiles: true };
    const r = await run(log, { receipts: [kept[1]!] });
    expect(r.receipts[0]).toMatchObject({ status: 'included', proof: 'api' });
    expect(log.inclusionRequests()).toEqual(['/v1/proof/inclusion?index=1&size=3']);
  });

  it("a center file's tiles mirror, reached over the route, replaces the route's missing tiles", async () => {
    const log = await startLog();
    const kept = [log.add(), log.add(), log.add()];
    log.lies = { noTiles: true };
    const r = await run(log, { center: log.center({ tiles: [`${log.url.href}mirror/`] }), receipts: [kept[2]!] });
    expect(r.receipts[0]).toMatchObject({ status: 'included', proof: 'tiles' });
    expect(log.inclusionRequests()).toEqual([]);
    expect(log.requests.filter((p) => p.startsWith('/mirror/tile/'))).not.toEqual([]);
  });

  it('the center out of reach: the checkpoint and the proofs come from a tiles mirror reached over the route', async () => {
    const log = await startLog();
    const kept = [log.add(), log.add(), log.add()];
    const dead = parseRoute({ id: 'direct-1', kind: 'direct', url: 'http://127.0.0.1:1/' });
    const r = await run(log, { center: log.center({ tiles: [`${log.url.href}mirror/`] }), routes: [dead], receipts: [kept[1]!] });
    expect(r.lies).toEqual([]);
    expect(r.route).toBe('direct-1~tiles-1');
    expect(r.receipts[0]).toMatchObject({ status: 'included', proof: 'tiles' });
    expect(log.requests.filter((p) => !p.startsWith('/mirror/'))).toEqual([]);
  });

  it('a log that grows while it is read: partial tiles gone, the proofs read the wider ones', async () => {
    const log = await startLog();
    const kept = Array.from({ length: 5 }, () => log.add());
    log.lies = { grow: true };
    const r = await run(log, { receipts: [kept[4]!] });
    expect(r.lies).toEqual([]);
    expect(r.checkpoint?.size).toBe(5);
    expect(r.receipts[0]).toMatchObject({ status: 'included', proof: 'tiles' });
    expect(log.requests).toContain('/v1/log/tile/0/000.p/5');
    expect(log.requests).toContain('/v1/log/tile/0/000.p/6');
  });

  it('a route that brings a checkpoint not signed by the log key is passed over for one that does', async () => {
    const liar = await startLog();
    const log = await startLog();
    liar.add();
    const kept = [log.add(), log.add()];
    const routes = [liar, log].map((l, i) => parseRoute({ id: `direct-${i + 1}`, kind: 'direct', url: l.url.href }));
    const r = await run(log, { routes, receipts: [kept[1]!] });
    expect(r.lies).toEqual([]);
    expect(r.route).toBe('direct-2');
    expect(r.attempts.map((a) => [a.route, a.outcome])).toEqual([
      ['direct-1', 'bad-receipt'],
      ['direct-2', 'delivered'],
    ]);
    expect(r.receipts[0]?.status).toBe('included');
  });

  it('a consistent growth since the kept checkpoint is accepted', async () => {
    const log = await startLog();
    for (let i = 0; i < 5; i++) log.add();
    const first = await run(log);
    for (let i = 0; i < 300; i++) log.add();
    const r = await run(log, { kept: first.checkpoint });
    expect(r.lies).toEqual([]);
    expect(r.checkpoint?.size).toBe(305);
  });

  it('a dropped entry: the receipt after it is found at another index', async () => {
    const log = await startLog();
    const kept = Array.from({ length: 6 }, () => log.add());
    log.lies = { drop: 1 };
    const r = await run(log, { receipts: [kept[3]!] });
    expect(r.receipts[0]?.status).toBe('not-included');
    expect(r.lies.map((l) => l.kind)).toEqual(['entry-dropped']);
    expect(r.lies[0]?.error.message).toMatch(/dropped an entry.*index 3\) now sits at index 2/);
  });

  it('a rewritten entry', async () => {
    const log = await startLog();
    const kept = Array.from({ length: 6 }, () => log.add());
    log.lies = { rewrite: 4 };
    const r = await run(log, { receipts: [kept[4]!, kept[2]!] });
    expect(r.receipts.map((v) => v.status)).toEqual(['not-included', 'included']);
    expect(r.lies.map((l) => l.kind)).toEqual(['entry-rewritten']);
    expect(r.lies[0]?.notes.map((n) => n.name)).toEqual([`receipt-${kept[4]!.id}`, 'checkpoint']);
  });

  it('a rewritten entry without tiles: NOT included by the API proof', async () => {
    const log = await startLog();
    const kept = Array.from({ length: 6 }, () => log.add());
    log.lies = { rewrite: 4, noTiles: true };
    const r = await run(log, { receipts: [kept[4]!] });
    expect(r.lies.map((l) => l.kind)).toEqual(['not-included']);
  });

  it('a smaller checkpoint than the kept one (freeze or rollback)', async () => {
    const log = await startLog();
    for (let i = 0; i < 8; i++) log.add();
    const first = await run(log);
    log.lies = { size: 5 };
    const r = await run(log, { kept: first.checkpoint });
    expect(r.acceptable).toBe(false);
    expect(r.lies.map((l) => l.kind)).toEqual(['smaller-checkpoint']);
    expect(r.lies[0]?.notes.map((n) => n.name)).toEqual(['kept-checkpoint', 'checkpoint']);
  });

  it('a checkpoint inconsistent with the kept one (history rewritten)', async () => {
    const log = await startLog();
    for (let i = 0; i < 8; i++) log.add();
    const first = await run(log);
    log.add();
    log.lies = { rewrite: 0 };
    const r = await run(log, { kept: first.checkpoint });
    expect(r.lies.map((l) => l.kind)).toEqual(['inconsistent-checkpoint']);
  });

  it('inconsistency is found through the consistency API too when there are no tiles', async () => {
    const log = await startLog();
    for (let i = 0; i < 8; i++) log.add();
    const first = await run(log);
    log.add();
    log.lies = { rewrite: 2, noTiles: true };
    const r = await run(log, { kept: first.checkpoint });
    expect(r.lies.map((l) => l.kind)).toEqual(['inconsistent-checkpoint']);
    expect(log.requests).toContain('/v1/proof/consistency?from=8&to=9');
  });

  it('a bad signature on the checkpoint', async () => {
    const log = await startLog();
    log.add();
    log.lies = { badSignature: true };
    const r = await run(log);
    expect(r.checkpoint).toBeNull();
    expect(r.lies.map((l) => l.kind)).toEqual(['bad-signature']);
  });

  it('a missing witness quorum', async () => {
    const ws = [new Cosigner('w1.test', randomBytes(32)), new Cosigner('w2.test', randomBytes(32))];
    const log = await startLog(ws);
    log.add();
    expect((await run(log)).lies).toEqual([]);
    log.lies = { cosigners: 1 };
    const r = await run(log);
    expect(r.lies.map((l) => l.kind)).toEqual(['witness-policy']);
  });

  it('a split view: two cosigned checkpoints of one size with different roots', async () => {
    const ws = [new Cosigner('w1.test', randomBytes(32))];
    const log = await startLog(ws);
    for (let i = 0; i < 4; i++) log.add();
    log.lies = { splitTiles: 1 };
    const r = await run(log);
    expect(r.lies.map((l) => l.kind)).toEqual(['split-view']);
  });

  it('a receipt not covered: fine within 24 hours of its hour, a broken promise after', async () => {
    const log = await startLog();
    for (let i = 0; i < 4; i++) log.add();
    const hour = Math.floor(Date.now() / 3_600_000) - 30;
    const late = log.add(hour);
    log.lies = { size: 4 };
    const soon = await run(log, { receipts: [late], now: (hour + 2) * 3_600_000 });
    expect(soon.receipts[0]?.status).toBe('not-yet-covered');
    expect(soon.lies).toEqual([]);
    const r = await run(log, { receipts: [late] });
    expect(r.lies.map((l) => l.kind)).toEqual(['not-covered']);
  });

  it('no route answers: no checkpoint, no lie', async () => {
    const log = await startLog();
    await log.close();
    const r = await run(log);
    expect(r.checkpoint).toBeNull();
    expect(r.lies).toEqual([]);
  });
});
