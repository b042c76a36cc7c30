import { describe, expect, it } from 'vitest';
import { addL } from '../harness/ed25519.js';
import nacl from 'tweetnacl';
import { randomBytes } from 'node:crypto';
import { ed25519PublicKey, ed25519Sign, ed25519Verify } from '../../src/crypto/ed25519.js';
import { NoteSigner, parseNote, parseVerifierKey, verifierKey, verifyNote } from '../../src/crypto/note.js';
import { signReceipt, verifyReceipt, type ReceiptFields } from '../../src/crypto/receipt.js';
import { VerifyError } from '../../src/errors.js';

const hex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));

// RFC 8032 section 7.1, TEST 1 (empty message).
const RFC8032_1 = {
  seed: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
  pub: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
  sig: 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
};

describe('Ed25519', () => {
  it('RFC 8032 test 1 signs and verifies', () => {
    expect(Buffer.from(ed25519PublicKey(hex(RFC8032_1.seed))).toString('hex')).toBe(RFC8032_1.pub);
    const sig = ed25519Sign(hex(RFC8032_1.seed), new Uint8Array());
    expect(Buffer.from(sig).toString('hex')).toBe(RFC8032_1.sig);
    expect(ed25519Verify(hex(RFC8032_1.pub), new Uint8Array(), sig)).toBe(true);
    expect(ed25519Verify(hex(RFC8032_1.pub), Uint8Array.of(0), sig)).toBe(false);
  });

  it('rejects an S+L malleated signature that tweetnacl accepts', () => {
    const sig = hex(RFC8032_1.sig);
    const mal = addL(sig);
    // The malleated signature is valid for a verifier that skips the S < L check:
    expect(nacl.sign.detached.verify(new Uint8Array(), mal, hex(RFC8032_1.pub))).toBe(true);
    expect(ed25519Verify(hex(RFC8032_1.pub), new Uint8Array(), mal)).toBe(false);
  });
});

describe('signed notes', () => {
  // The example of golang.org/x/mod/sumdb/note (C2SP signed-note).
  const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
  const PETER_NOTE =
    'If you think cryptography is the answer to your problem,\n' +
    "then you don't know what your problem is.\n" +
    '\n' +
    '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';

  it('verifies the C2SP signed-note example', () => {
    const v = parseVerifierKey(PETER_VKEY);
    expect(verifyNote(PETER_NOTE, v)).toBe(
      "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n",
    );
  });

  it('round-trips and computes the verifier key string', () => {
    const seed = randomBytes(32);
    const s = new NoteSigner('example.org/log', seed);
    expect(s.verifierKey).toBe(verifierKey('example.org/log', ed25519PublicKey(seed)));
    const note = s.sign('hello\nworld\n');
    expect(verifyNote(note, parseVerifierKey(s.verifierKey))).toBe('hello\nworld\n');
  });

  it('rejects a note without the blank line before its signatures', () => {
    const s = new NoteSigner('example.org/log', randomBytes(32));
    const note = s.sign('hello\n');
    expect(() => parseNote(note.replace('\n\n', '\n'))).toThrow(VerifyError);
    expect(() => verifyNote(note.replace('\n\n', '\n'), parseVerifierKey(s.verifierKey))).toThrow(/malformed/);
  });

  it('ignores signatures by unknown keys, rejects failed known ones and unsigned notes', () => {
    const a = new NoteSigner('example.org/log', randomBytes(32));
    const b = new NoteSigner('witness.example', randomBytes(32));
    const na = a.sign('body\n');
    const sigB = b.sign('body\n').split('\n\n')[1]!;
    const both = na + sigB;
    const va = parseVerifierKey(a.verifierKey);
    expect(verifyNote(both, va)).toBe('body\n'); // b is unknown: ignored
    // a signature by a known key that fails rejects the note even when another one is valid
    const forgedB = b.sign('other\n').split('\n\n')[1]!;
    expect(() => verifyNote(na + forgedB, va, [parseVerifierKey(b.verifierKey)])).toThrow(/does not verify/);
    // only unknown signatures: not signed by the expected key
    expect(() => verifyNote(b.sign('body\n'), va)).toThrow(/no valid signature/);
  });

  it('rejects a tampered body', () => {
    const a = new NoteSigner('example.org/log', randomBytes(32));
    const note = a.sign('index 5\n');
    expect(() => verifyNote(note.replace('index 5', 'index 6'), parseVerifierKey(a.verifierKey))).toThrow(/does not verify/);
  });
});

describe('receipts', () => {
  const center = 'center.example.org';
  const signer = new NoteSigner(`${center}/log`, randomBytes(32));
  const fields: ReceiptFields = {
    center,
    eh: new Uint8Array(randomBytes(32)),
    blind: new Uint8Array(randomBytes(16)),
    index: 42,
    hour: Math.floor(Date.now() / 3_600_000),
  };
  const note = signReceipt(signer, fields);
  const expect0 = { center, logKey: signer.verifierKey, eh: fields.eh };

  it('has the six fixed lines and verifies', () => {
    expect(note.split('\n').slice(0, 6)).toEqual([
      'sealpost/receipt/v1',
      center,
      `envelope ${Buffer.from(fields.eh).toString('hex')}`,
      `blind ${Buffer.from(fields.blind).toString('base64')}`,
      'index 42',
      `hour ${fields.hour}`,
    ]);
    expect(verifyReceipt(note, expect0).index).toBe(42);
    expect(signReceipt(signer, fields)).toBe(note); // deterministic
  });

  it('rejects an S+L malleated receipt signature', () => {
    const [body, sigLine] = note.split('\n\n') as [string, string];
    const m = /^— (\S+) (\S+)\n$/u.exec(sigLine)!;
    const raw = Buffer.from(m[2]!, 'base64');
    const mal = Buffer.concat([raw.subarray(0, 4), addL(raw.subarray(4))]);
    const forged = `${body}\n\n— ${m[1]} ${mal.toString('base64')}\n`;
    expect(() => verifyReceipt(forged, expect0)).toThrow(VerifyError);
  });

  it('rejects a receipt for another envelope, another center, or by another key', () => {
    expect(() => verifyReceipt(note, { ...expect0, eh: new Uint8Array(32) })).toThrow(/envelope id/);
    const other = new NoteSigner('other.example/log', randomBytes(32));
    const otherNote = signReceipt(other, { ...fields, center: 'other.example' });
    expect(() => verifyReceipt(otherNote, expect0)).toThrow(VerifyError);
    expect(() => verifyReceipt(note, { ...expect0, center: 'other.example', logKey: other.verifierKey })).toThrow(VerifyError);
    const impostor = new NoteSigner(`${center}/log`, randomBytes(32));
    expect(() => verifyReceipt(signReceipt(impostor, fields), expect0)).toThrow(/no valid signature/);
  });

  it('rejects a receipt dated more than an hour ahead', () => {
    const future = signReceipt(signer, { ...fields, hour: fields.hour + 2 });
    expect(() => verifyReceipt(future, expect0)).toThrow(/future/);
    const soon = signReceipt(signer, { ...fields, hour: fields.hour + 1 });
    expect(verifyReceipt(soon, expect0).hour).toBe(fields.hour + 1);
  });

  it('rejects extra or reordered lines', () => {
    const body = note.split('\n\n')[0]! + '\n';
    const swapped = body.replace(/index 42\nhour (\d+)\n/, 'hour $1\nindex 42\n');
    expect(() => verifyReceipt(signer.sign(swapped), expect0)).toThrow(/bad receipt/);
    expect(() => verifyReceipt(signer.sign(body + 'extra 1\n'), expect0)).toThrow(/bad receipt/);
    expect(() => verifyReceipt(signer.sign(body.replace('index 42', 'index 042')), expect0)).toThrow(/bad receipt/);
  });
});

describe('libsodium signing for the intake thread', () => {
  // sodium-native is an optional dependency of the center: not in a client-only install.
  it.skipIf(process.env.SEALPOST_CLIENT_ONLY)('gives byte-identical notes to node:crypto (Ed25519 is deterministic)', async () => {
    const { sodiumSigner } = await import('../../src/crypto/ed25519-sodium.js');
    const seed = new Uint8Array(randomBytes(32));
    const raw = sodiumSigner(seed);
    expect(raw).not.toBeNull();
    const a = new NoteSigner('center.test/log', seed);
    const b = new NoteSigner('center.test/log', seed, raw!);
    for (const body of ['a\n', 'sealpost/receipt/v1\ncenter.test\nindex 0\n', '中文\n']) expect(b.sign(body)).toBe(a.sign(body));
    expect(ed25519Verify(a.publicKey, new TextEncoder().encode('x'), raw!(new TextEncoder().encode('x')))).toBe(true);
  });
});
