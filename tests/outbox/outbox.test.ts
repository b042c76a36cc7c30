/**
 * The outbox store (issue 8, build point 1): states, the contract's addIfNew/ref, durable writes
 * (temp + fsync + rename + folder fsync, coalesced), delivered items reduced to the receipt only
 * when kept, and the passphrase sealing of tokens and receipts (wire spec 9).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { envelopeIdHex } from '../../src/crypto/envelope.js';
import { toBase64 } from '../../src/crypto/base64.js';
import { InputError } from '../../src/errors.js';
import { Outbox } from '../../src/outbox/outbox.js';
import { DirSync } from '../../src/outbox/durable.js';

/** An envelope of the right shape (version 1, 1073 bytes): the store never opens it. */
const envelope = () => {
  const e = randomBytes(1073);
  e[0] = 1;
  return new Uint8Array(e);
};
const RECEIPT = 'sealpost/receipt/v1\ncenter.test\n…';

let home: string;
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'sealpost-outbox-'));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

async function homeText(): Promise<string> {
  const dir = join(home, 'outbox');
  const names = await readdir(dir).catch(() => [] as string[]);
  return (await Promise.all(names.map((n) => readFile(join(dir, n), 'utf8')))).join('\n');
}

describe('Outbox', () => {
  it('queues pending (mode 0600, no temp file left), a malformed envelope as failed with its reason', async () => {
    const o = new Outbox(home);
    const a = await o.add(envelope());
    expect(a).toMatchObject({ state: 'pending', attempts: 0 });
    expect(a.token.length).toBe(16);
    const bad = new Uint8Array(100).fill(1);
    const b = await o.add(bad);
    expect(b).toMatchObject({ state: 'failed', reason: 'bad-length' });
    expect((await o.list()).map((i) => i.state).sort()).toEqual(['failed', 'pending']);
    const names = await readdir(o.dir);
    expect(names.sort()).toEqual([`${a.id}.json`, `${b.id}.json`].sort());
    expect((await stat(join(o.dir, names[0]!))).mode & 0o777).toBe(0o600);
    expect((await stat(o.dir)).mode & 0o777).toBe(0o700);
    // The earlier signature: a bare token.
    const tok = new Uint8Array(16).fill(7);
    expect((await o.add(envelope(), tok)).token).toEqual(tok);
  });

  it('without keepReceipts, delivery deletes the envelope and token: nothing of it remains', async () => {
    const o = new Outbox(home);
    const e = envelope();
    const a = await o.add(e);
    const done = await o.markDelivered(a, RECEIPT, 1);
    expect(done).toMatchObject({ state: 'delivered', receipt: RECEIPT, attempts: 1 });
    expect(await o.get(a.id)).toBeNull();
    expect(await readdir(o.dir)).toEqual([]);
  });

  it('with keepReceipts, a delivered item keeps only the receipt (no envelope, no token)', async () => {
    const o = new Outbox(home, { keepReceipts: true });
    const e = envelope();
    const a = await o.add(e);
    await o.markDelivered(a, RECEIPT, 2);
    const got = await o.get(a.id);
    expect(got).toMatchObject({ state: 'delivered', receipt: RECEIPT, attempts: 2 });
    const text = await homeText();
    expect(text).not.toContain(toBase64(a.token));
    expect(text).not.toContain(toBase64(e).slice(0, 40));
  });

  it('addIfNew: null for the same envelope id or ref while pending, failed or delivered and kept; queues again once forgotten', async () => {
    const ref = 'ab'.repeat(32);
    const kept = new Outbox(home, { keepReceipts: true });
    const e = envelope();
    const first = await kept.addIfNew(e, { ref, origin: { file: 'calls.csv', line: 3 } });
    expect(first).toMatchObject({ state: 'pending', ref, origin: { file: 'calls.csv', line: 3 } });
    expect(await kept.addIfNew(e)).toBeNull();
    expect(await kept.addIfNew(envelope(), { ref })).toBeNull();
    expect(await kept.hasRef(ref)).toBe(true);
    await kept.markDelivered(first!, RECEIPT, 1);
    // A fresh instance (a second import run) reads the index from the files.
    expect(await new Outbox(home).addIfNew(envelope(), { ref })).toBeNull();
    const bad = new Uint8Array(10);
    expect(await kept.addIfNew(bad)).toMatchObject({ state: 'failed', reason: 'bad-version' });
    expect(await kept.addIfNew(bad)).toBeNull();
    // Delivered without keeping: nothing remains, so the row queues again (and counts once: CLI spec).
    const plain = new Outbox(home);
    await plain.remove(first!.id);
    expect(await plain.hasRef(ref)).toBe(false);
    expect(await plain.addIfNew(envelope(), { ref })).not.toBeNull();
    await expect(plain.addIfNew(envelope(), { ref: 'NOT-HEX' })).rejects.toThrow(RangeError);
  });

  it('addIfNew called 20 times at once with one ref queues exactly one', async () => {
    const o = new Outbox(home);
    const ref = 'cd'.repeat(32);
    const got = await Promise.all(Array.from({ length: 20 }, () => o.addIfNew(envelope(), { ref })));
    expect(got.filter(Boolean)).toHaveLength(1);
    expect(await readdir(o.dir)).toHaveLength(1);
  });

  it('recordFailure counts attempts and sets nextAt by the backoff; a delivered item is left alone', async () => {
    const o = new Outbox(home, { keepReceipts: true });
    const a = await o.add(envelope());
    const r1 = await o.recordFailure(a, 3, { now: 1_000_000, random: () => 0.999 });
    expect(r1).toMatchObject({ attempts: 3, failures: 1 });
    expect(r1.nextAt).toBe(1_000_000 + 1000);
    const r2 = await o.recordFailure(a, 1, { now: 2_000_000, random: () => 0, retryAfterMs: 30_000 });
    expect(r2).toMatchObject({ attempts: 4, failures: 2, nextAt: 2_030_000 });
    expect((await o.get(a.id))?.nextAt).toBe(2_030_000);
    await o.markDelivered(a, RECEIPT, 1);
    expect((await o.recordFailure(a, 1)).state).toBe('delivered');
  });
});

describe('DirSync (the folder fsync after each rename)', () => {
  it('every write syncs the folder; syncs asked while one runs share the next one', async () => {
    let calls = 0;
    let release!: () => void;
    const s = new DirSync('/x', () => {
      calls++;
      return new Promise<void>((r) => (release = r));
    });
    const first = s.sync();
    const waiting = Array.from({ length: 10 }, () => s.sync());
    expect(calls).toBe(1);
    release();
    await first;
    await new Promise((r) => setImmediate(r));
    expect(calls).toBe(2);
    release();
    await Promise.all(waiting);
    expect(calls).toBe(2);
  });
});

describe('Outbox with a passphrase (wire spec 9)', () => {
  it('seals the token and the kept receipt; without the passphrase or with a wrong one nothing opens', async () => {
    const o = new Outbox(home, { passphrase: 'correct horse', keepReceipts: true });
    const e = envelope();
    const a = await o.add(e);
    const b = await o.add(envelope());
    await o.markDelivered(b, RECEIPT, 1);
    const text = await homeText();
    expect(text).not.toContain(toBase64(a.token));
    expect(text).not.toContain('sealpost/receipt/v1');
    expect(text).not.toContain(toBase64(e).slice(0, 40));
    expect(text).toContain('sealpost/at-rest/v1');
    expect((await o.get(b.id))?.receipt).toBe(RECEIPT);
    expect((await o.get(a.id))?.token).toEqual(a.token);
    // A later run with the same passphrase opens what this one sealed.
    expect((await new Outbox(home, { passphrase: 'correct horse' }).get(a.id))?.token).toEqual(a.token);
    await expect(new Outbox(home).get(a.id)).rejects.toMatchObject({ code: 'unreadable', key: 'outbox.sealed-no-passphrase' });
    const wrong = new Outbox(home, { passphrase: 'wrong' }).get(a.id);
    await expect(wrong).rejects.toBeInstanceOf(InputError);
    await expect(wrong).rejects.toMatchObject({ key: 'outbox.wrong-passphrase' });
    // What is queued is known without the passphrase (a re-import must not queue twice).
    expect(await new Outbox(home).addIfNew(e)).toBeNull();
    expect(envelopeIdHex(e)).toBe(a.id);
  });
});

describe('Outbox.removeStaleTemp', () => {
  it('removes the temp files of interrupted writes older than a minute, and nothing else', async () => {
    const { utimes, writeFile } = await import('node:fs/promises');
    const o = new Outbox(home);
    const a = await o.add(envelope());
    const old = join(o.dir, `${a.id}.json.123456789`);
    const fresh = join(o.dir, `${a.id}.json.987654321`);
    await writeFile(old, '{"token":"x"}');
    await writeFile(fresh, '{}');
    const past = new Date(Date.now() - 120_000);
    await utimes(old, past, past);
    expect(await o.removeStaleTemp()).toBe(1);
    expect((await readdir(o.dir)).sort()).toEqual([`${a.id}.json`, `${a.id}.json.987654321`].sort());
  });
});
