/**
 * The SQLite worker (the built module: `npm test` builds first) signs each receipt right after its
 * commit; those receipts must be byte for byte what NoteSigner gives, which idempotency relies on
 * (the same envelope and token get the same receipt, also when the server signed it).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NoteSigner } from '../../src/crypto/note.js';
import { receiptBody, verifyReceipt } from '../../src/crypto/receipt.js';
import type * as storeModule from '../../src/center/sqlite-store.js';

const DIST_STORE = fileURLToPath(new URL('../../dist/src/center/sqlite-store.js', import.meta.url));
const { openSqliteStore, SqliteStore } = (await import(DIST_STORE)) as typeof storeModule;

describe('receipts signed in the store worker', () => {
  it('are the notes NoteSigner makes, for fresh and repeated entries', async () => {
    expect(SqliteStore.workerAvailable()).toBe(true);
    const dir = await mkdtemp(join(tmpdir(), 'sealpost-wsign-'));
    const seed = new Uint8Array(randomBytes(32));
    const local = new NoteSigner('x.example.org/log', seed);
    const store = await openSqliteStore({ path: join(dir, 'db.sqlite'), thread: 'worker', sign: { name: 'x.example.org/log', seed } });
    try {
      const items = Array.from({ length: 50 }, () => {
        const eh = new Uint8Array(randomBytes(32));
        return { idem: new Uint8Array(randomBytes(32)), eh, envelope: new Uint8Array(1073) };
      });
      const entries = await Promise.all([...items, items[0]!].map((it) => store.append(it)));
      for (const e of entries) {
        const body = receiptBody({ center: 'x.example.org', eh: e.eh, blind: e.blind, index: e.index, hour: e.hour });
        expect(e.receipt).toBe(local.sign(body));
        expect(verifyReceipt(e.receipt!, { center: 'x.example.org', logKey: local.verifierKey, eh: e.eh }).index).toBe(e.index);
      }
      expect(entries[50]!.fresh).toBe(false);
      expect(entries[50]!.receipt).toBe(entries[0]!.receipt);
      expect(seed.some((b) => b !== 0)).toBe(true); // the caller's seed is not wiped by the store
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
