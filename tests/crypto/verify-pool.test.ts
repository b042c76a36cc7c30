/**
 * The verifying thread pool of `outbox flush` (src/crypto/verify-pool.ts): the same answers as
 * ed25519Verify for valid, tampered, wrong-key and malleated (S + L) signatures, across batches,
 * and the asynchronous receipt check gives the same errors as the synchronous one.
 */
import { addL } from '../harness/ed25519.js';
import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { ed25519KeyPair, ed25519Sign, ed25519Verify } from '../../src/crypto/ed25519.js';
import { NoteSigner, parseVerifierKey } from '../../src/crypto/note.js';
import { signReceipt, verifyReceipt, verifyReceiptAsync, type ReceiptFields } from '../../src/crypto/receipt.js';
import { VerifyPool } from '../../src/crypto/verify-pool.js';
import { VerifyError } from '../../src/errors.js';


let pool: VerifyPool | null = null;
afterEach(() => pool?.close());

describe('VerifyPool', () => {
  it('answers as ed25519Verify for 100 mixed signatures sent at once (several batches)', async () => {
    pool = new VerifyPool();
    const a = ed25519KeyPair();
    const b = ed25519KeyPair();
    const cases = Array.from({ length: 100 }, (_, i) => {
      const msg = new Uint8Array(randomBytes(20 + i));
      const sig = ed25519Sign(a.seed, msg);
      switch (i % 5) {
        case 0: return { pub: a.publicKey, msg, sig };
        case 1: return { pub: b.publicKey, msg, sig }; // another key
        case 2: return { pub: a.publicKey, msg: Uint8Array.of(...msg, 0), sig }; // another message
        case 3: return { pub: a.publicKey, msg, sig: addL(sig) }; // S + L
        default: return { pub: a.publicKey, msg, sig: sig.subarray(0, 63) }; // short
      }
    });
    const got = await Promise.all(cases.map((c) => pool!.verify(c.pub, c.msg, c.sig)));
    expect(got).toEqual(cases.map((c) => ed25519Verify(c.pub, c.msg, c.sig)));
    expect(got.filter(Boolean)).toHaveLength(20);
  });

  it('after close, verifies on the calling thread with the same answers', async () => {
    pool = new VerifyPool();
    const a = ed25519KeyPair();
    const msg = Uint8Array.of(1, 2, 3);
    const sig = ed25519Sign(a.seed, msg);
    const pending = pool.verify(a.publicKey, msg, sig);
    pool.close();
    expect(await pending).toBe(true);
    expect(await pool.verify(a.publicKey, msg, addL(sig))).toBe(false);
    expect(await pool.verify(a.publicKey, Uint8Array.of(9), sig)).toBe(false);
  });
});

describe('verifyReceiptAsync', () => {
  const signer = new NoteSigner('center.test/log', ed25519KeyPair().seed);
  const logKey = parseVerifierKey(signer.verifierKey);
  const eh = new Uint8Array(randomBytes(32));
  const fields: ReceiptFields = { center: 'center.test', eh, blind: new Uint8Array(16), index: 7, hour: 10 };
  const expect0 = { center: 'center.test', logKey, eh, now: 10 * 3_600_000 };

  it('accepts a good receipt with the same fields as verifyReceipt', async () => {
    pool = new VerifyPool();
    const note = signReceipt(signer, fields);
    const got = await verifyReceiptAsync(note, expect0, (k, m, s) => pool!.verify(k, m, s));
    expect(got).toEqual(verifyReceipt(note, expect0));
    expect(got.index).toBe(7);
  });

  it('rejects a tampered signature, another envelope and an unsigned note with verifyReceipt\'s codes', async () => {
    pool = new VerifyPool();
    const v = (k: Uint8Array, m: Uint8Array, s: Uint8Array) => pool!.verify(k, m, s);
    const note = signReceipt(signer, fields);
    const i = note.lastIndexOf(' ') + 10;
    const tampered = note.slice(0, i) + (note[i] === 'A' ? 'B' : 'A') + note.slice(i + 1);
    const other = { ...expect0, eh: new Uint8Array(32) };
    const unsigned = note.slice(0, note.indexOf('\n\n') + 2) + '\u2014 someone/else AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n';
    for (const [n, e] of [[tampered, expect0], [note, other], [unsigned, expect0]] as const) {
      const sync = (() => {
        try {
          verifyReceipt(n, e);
        } catch (err) {
          return err as VerifyError;
        }
        throw new Error('verifyReceipt accepted it');
      })();
      const err = await verifyReceiptAsync(n, e, v).then(() => null, (x: unknown) => x);
      expect(err).toBeInstanceOf(VerifyError);
      expect((err as VerifyError).code).toBe(sync.code);
    }
  });
});
