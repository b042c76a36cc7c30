/** Checkpoint notes (C2SP tlog-checkpoint) and witness cosignatures (C2SP tlog-cosignature), wire spec 5. */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { NoteSigner, parseVerifierKey } from '../../src/crypto/note.js';
import { checkpointBody, parseCheckpointText, signCheckpoint, verifyCheckpoint } from '../../src/log/checkpoint.js';
import { Cosigner, cosignatureMessage, parseCosignatureKey, requireCosignatures, verifyCosignatures } from '../../src/log/cosignature.js';
import { VerifyError } from '../../src/errors.js';

const log = new NoteSigner('center.test/log', randomBytes(32));
const root = new Uint8Array(32).fill(7);
const note = signCheckpoint(log, { origin: 'center.test/log', size: 12, root });
const w1 = new Cosigner('w1.test', randomBytes(32));
const w2 = new Cosigner('w2.test', randomBytes(32));
const text = checkpointBody({ origin: 'center.test/log', size: 12, root });
const code = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    return err instanceof VerifyError ? err.code : String(err);
  }
  return 'passed';
};

describe('checkpoints', () => {
  it('sign and verify; origin, size and root are read back', () => {
    const c = verifyCheckpoint(note, parseVerifierKey(log.verifierKey));
    expect(c).toMatchObject({ origin: 'center.test/log', size: 12, extensions: [] });
    expect(Buffer.from(c.root).equals(root)).toBe(true);
    expect(text).toBe(`center.test/log\n12\n${Buffer.from(root).toString('base64')}\n`);
  });
  it('a changed size, another origin or a malformed body is refused', () => {
    const vk = parseVerifierKey(log.verifierKey);
    expect(code(() => verifyCheckpoint(note.replace('\n12\n', '\n13\n'), vk))).toBe('bad-signature');
    const other = new NoteSigner('other.test/log', randomBytes(32));
    expect(code(() => verifyCheckpoint(signCheckpoint(other, { origin: 'other.test/log', size: 1, root }), parseVerifierKey(other.verifierKey), 'center.test/log'))).toBe('bad-checkpoint');
    for (const body of ['center.test/log\n12\n', 'center.test/log\n012\nAAAA\n', 'center.test/log\n-1\n' + Buffer.from(root).toString('base64') + '\n', 'center.test/log\n1\nAAAA\n']) {
      expect(code(() => parseCheckpointText(body)), body).toBe('bad-checkpoint');
    }
  });
});

describe('cosignatures', () => {
  const cosigned = note + w1.sign(text, 1_700_000_000) + w2.sign(text, 1_700_000_001);
  const keys = [parseCosignatureKey(w1.verifierKey), parseCosignatureKey(w2.verifierKey)];
  it('verify with their time, and the log signature still verifies on the cosigned note', () => {
    expect(verifyCosignatures(cosigned, keys)).toEqual([{ name: 'w1.test', time: 1_700_000_000 }, { name: 'w2.test', time: 1_700_000_001 }]);
    expect(verifyCheckpoint(cosigned, parseVerifierKey(log.verifierKey)).size).toBe(12);
    expect(requireCosignatures(cosigned, keys, 2)).toHaveLength(2);
  });
  it('the signed message is the C2SP one', () => {
    expect(Buffer.from(cosignatureMessage(text, 5)).toString()).toBe(`cosignature/v1\ntime 5\n${text}`);
  });
  it('a cosignature over another tree fails; too few for the policy fails; unknown witnesses are ignored', () => {
    const other = checkpointBody({ origin: 'center.test/log', size: 12, root: new Uint8Array(32).fill(8) });
    expect(code(() => verifyCosignatures(note + w1.sign(other, 1), keys))).toBe('bad-signature');
    expect(code(() => requireCosignatures(note + w1.sign(text, 1), keys, 2))).toBe('witness-policy');
    const stranger = new Cosigner('w3.test', randomBytes(32));
    expect(verifyCosignatures(note + stranger.sign(text, 1), keys)).toEqual([]);
    // A log key (type 0x01) is not a witness key.
    expect(code(() => parseCosignatureKey(log.verifierKey))).toBe('bad-verifier-key');
  });
});
