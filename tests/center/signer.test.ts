/**
 * WorkerNoteSigner signs in a worker thread (the built module: `npx tsc -p tsconfig.json` first)
 * and must give byte-for-byte the notes of NoteSigner, which receipts' idempotency relies on.
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NoteSigner } from '../../src/crypto/note.js';
import { receiptBody, verifyReceipt } from '../../src/crypto/receipt.js';
import type * as signerModule from '../../src/center/signer.js';

const DIST_SIGNER = fileURLToPath(new URL('../../dist/src/center/signer.js', import.meta.url));
const { WorkerNoteSigner } = (await import(DIST_SIGNER)) as typeof signerModule;

function bodies(n: number): string[] {
  return Array.from({ length: n }, (_, i) =>
    receiptBody({ center: 'x.example.org', eh: randomBytes(32), blind: randomBytes(16), index: i, hour: 490_000 + i }),
  );
}

describe('WorkerNoteSigner', () => {
  it('is available in the build and gives the notes of NoteSigner, byte for byte', async () => {
    expect(WorkerNoteSigner.available()).toBe(true);
    const seed = randomBytes(32);
    const local = new NoteSigner('x.example.org/log', seed);
    const worker = new WorkerNoteSigner('x.example.org/log', seed);
    try {
      expect(worker.verifierKey).toBe(local.verifierKey);
      const bs = bodies(300); // several messages to the worker
      const notes = await Promise.all(bs.map((b) => worker.sign(b)));
      notes.forEach((note, i) => expect(note).toBe(local.sign(bs[i]!)));
      const f = verifyReceipt(notes[7]!, { center: 'x.example.org', logKey: local.verifierKey, eh: Buffer.from(/envelope (\w+)/.exec(bs[7]!)![1]!, 'hex') });
      expect(f.index).toBe(7);
    } finally {
      await worker.close();
    }
  });

  it('rejects what is not note text, without failing the others of its batch', async () => {
    const worker = new WorkerNoteSigner('x.example.org/log', randomBytes(32));
    try {
      const [good, bad] = await Promise.allSettled([worker.sign(bodies(1)[0]!), worker.sign('no newline')]);
      expect(good.status).toBe('fulfilled');
      expect(bad.status).toBe('rejected');
    } finally {
      await worker.close();
    }
  });

  it('keeps signing on the calling thread once the worker is gone', async () => {
    const seed = randomBytes(32);
    const worker = new WorkerNoteSigner('x.example.org/log', seed);
    const pending = worker.sign(bodies(1)[0]!);
    await worker.close();
    await pending;
    const [b] = bodies(1);
    expect(await worker.sign(b!)).toBe(new NoteSigner('x.example.org/log', seed).sign(b!));
  });
});
