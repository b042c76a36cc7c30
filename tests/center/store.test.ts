import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { receivedLeaf } from '../../src/center/leaf.js';
import * as src from '../../src/center/sqlite-store.js';
import type { SqliteStore, SqliteStoreOptions } from '../../src/center/sqlite-store.js';
import type { AppendItem, OverloadedError } from '../../src/center/store.js';
import { DIST_STORE, envelope } from '../fixtures/center-helpers.js';

// The same tests for the writes on the main thread (the sources) and in the worker thread (the
// built module, whose compiled worker file exists): `npx tsc -p tsconfig.json` first.
const dist = (await import(DIST_STORE)) as typeof src;
const modes = [
  ['main thread', (o: SqliteStoreOptions) => src.openSqliteStore({ ...o, thread: 'main' })],
  ['worker thread', (o: SqliteStoreOptions) => dist.openSqliteStore({ ...o, thread: 'worker' })],
] as const;

function item(env: Uint8Array = envelope(), tok: Uint8Array = randomBytes(16)): AppendItem {
  const eh = createHash('sha256').update(env).digest();
  return { idem: createHash('sha256').update(tok).update(eh).digest(), eh, envelope: env };
}

describe.each(modes)('SqliteStore, writes on the %s', (mode, openSqliteStore) => {
  let dir: string;
  let path: string;
  const open: SqliteStore[] = [];
  async function store(opts: Partial<SqliteStoreOptions> = {}): Promise<SqliteStore> {
    const s = await openSqliteStore({ path, ...opts });
    open.push(s);
    return s;
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sealpost-store-'));
    path = join(dir, 'intake.sqlite');
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
    await rm(dir, { recursive: true, force: true });
  });

  it('runs where it was asked to', async () => {
    expect((await store()).inWorker).toBe(mode === 'worker thread');
  });

  it('gives indexes 0..n-1 without gaps, grouped into few commits', async () => {
    const sizes: number[] = [];
    const s = await store({ beforeCommit: (n) => void sizes.push(n) });
    const entries = await Promise.all(Array.from({ length: 300 }, () => s.append(item())));
    expect(entries.map((e) => e.index).sort((a, b) => a - b)).toEqual([...Array(300).keys()]);
    expect(entries.every((e) => e.fresh && e.blind.length === 16)).toBe(true);
    expect(new Set(entries.map((e) => Buffer.from(e.blind).toString('hex'))).size).toBe(300);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(300);
    expect(sizes.length).toBeLessThan(300); // group commit: many appends per transaction
    expect(await s.count()).toBe(300);
  });

  it('maxBatch = 1 commits every append alone', async () => {
    const sizes: number[] = [];
    const s = await store({ maxBatch: 1, beforeCommit: (n) => void sizes.push(n) });
    await Promise.all(Array.from({ length: 20 }, () => s.append(item())));
    expect(sizes).toEqual(Array(20).fill(1));
  });

  it('returns the same entry for the same idempotency key, also within one batch', async () => {
    const s = await store();
    const it1 = item();
    const [a, b, c] = await Promise.all([s.append(it1), s.append(it1), s.append(item())]);
    expect(a!.fresh).toBe(true);
    expect(b!.fresh).toBe(false);
    expect(b!.index).toBe(a!.index);
    expect(Buffer.from(b!.blind).equals(Buffer.from(a!.blind))).toBe(true);
    expect(b!.hour).toBe(a!.hour);
    expect(c!.index).not.toBe(a!.index);
    expect(await s.count()).toBe(2);
    const again = await s.append(it1);
    expect({ ...again, fresh: true }).toEqual({ ...a, eh: again.eh });
    expect(again.fresh).toBe(false);
  });

  it('keeps entries across a reopen, with the leaf of spec 5 and the envelope bytes', async () => {
    const s = await store();
    const items = Array.from({ length: 5 }, (_, i) => item(envelope([1073, 4145, 16433][i % 3]!)));
    const entries = [];
    for (const it of items) entries.push(await s.append(it));
    await s.close();
    const r = await store();
    expect(await r.count()).toBe(5);
    const read = [];
    for await (const e of r.iterate()) read.push(e);
    expect(read.map((e) => e.index)).toEqual([0, 1, 2, 3, 4]);
    for (const [i, e] of read.entries()) {
      expect(Buffer.from(e.envelope).equals(Buffer.from(items[i]!.envelope))).toBe(true);
      expect(Buffer.from(e.eh).equals(Buffer.from(items[i]!.eh))).toBe(true);
      expect(Buffer.from(e.blind).equals(Buffer.from(entries[i]!.blind))).toBe(true);
      expect(e.hour).toBe(entries[i]!.hour);
      expect(Buffer.from(e.leaf).equals(Buffer.from(receivedLeaf(e.blind, e.eh, e.hour)))).toBe(true);
    }
    // The leaf by hand: SHA-256("sealpost/leaf/v1" || blind || eh) || u64be(hour).
    const e0 = read[0]!;
    const hour = Buffer.alloc(8);
    hour.writeBigUInt64BE(BigInt(e0.hour));
    const want = Buffer.concat([createHash('sha256').update('sealpost/leaf/v1').update(e0.blind).update(e0.eh).digest(), hour]);
    expect(Buffer.from(e0.leaf).equals(want)).toBe(true);
    expect((await r.entry(3))!.index).toBe(3);
    expect(await r.entry(5)).toBeUndefined();
    const tail = [];
    for await (const e of r.iterate(3)) tail.push(e.index);
    expect(tail).toEqual([3, 4]);
    // The next index continues after the stored ones; the old key still finds its entry.
    expect((await r.append(item())).index).toBe(5);
    expect((await r.append(items[2]!)).index).toBe(2);
  });

  it('iterates across pages in index order', async () => {
    const s = await store();
    await Promise.all(Array.from({ length: 600 }, () => s.append(item())));
    let n = 0;
    for await (const e of s.iterate()) expect(e.index).toBe(n++);
    expect(n).toBe(600);
  });

  it('has a schema version and keeps neither the token nor anything but the columns it needs', async () => {
    const s = await store();
    await s.append(item());
    await s.close();
    const db = new Database(path, { readonly: true });
    try {
      expect(db.prepare('SELECT version FROM schema_version').all()).toEqual([{ version: 2 }]);
      const cols = (db.prepare('PRAGMA table_info(entries)').all() as { name: string }[]).map((c) => c.name);
      expect(cols).toEqual(['idx', 'idem', 'eh', 'blind', 'hour', 'leaf', 'envelope']);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      db.close();
    }
  });

  it('refuses a database of an unknown schema version', async () => {
    const s = await store();
    await s.close();
    const db = new Database(path);
    db.prepare('UPDATE schema_version SET version = 99').run();
    db.close();
    await expect(openSqliteStore({ path })).rejects.toThrow(/schema version 99/);
  });

  it('rejects with OverloadedError when the queue is full, and recovers', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let committing!: () => void;
    const started = new Promise<void>((r) => (committing = r));
    let first = true;
    const s = await store({
      maxQueue: 2,
      retryAfterSeconds: 7,
      beforeCommit: async () => {
        if (!first) return;
        first = false;
        committing();
        await held;
      },
    });
    const a = s.append(item());
    await started; // a is committing (held)
    const b = s.append(item()); // queued: 2 of 2
    const err = await s.append(item()).catch((e: unknown) => e);
    expect((err as Error).name).toBe('OverloadedError');
    expect((err as OverloadedError).code).toBe('overloaded');
    expect((err as OverloadedError).retryAfterSeconds).toBe(7);
    release();
    expect((await a).index).toBe(0);
    expect((await b).index).toBe(1);
    expect((await s.append(item())).index).toBe(2);
  });

  it('close() commits what is queued, then refuses appends', async () => {
    const s = await store();
    const pending = Array.from({ length: 50 }, () => s.append(item()));
    await s.close();
    expect((await Promise.all(pending)).length).toBe(50);
    await expect(s.append(item())).rejects.toThrow(/closed/);
    const r = await store();
    expect(await r.count()).toBe(50);
  });
});
