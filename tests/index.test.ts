import { describe, expect, it } from 'vitest';
import * as sealpost from '../src/index.js';

describe('the library entry point (package.json main)', () => {
  it('seals with the public API and opens the statement again', () => {
    const kp = sealpost.boxKeyPair();
    const st = sealpost.composeStatement({ name: ['A'], orgs: 'CYL', country: 'TW' });
    const env = sealpost.sealEnvelope(sealpost.serializeStatement(st), kp.publicKey);
    expect(sealpost.ENVELOPE_SIZES).toContain(env.length);
    const back = sealpost.parseStatement(sealpost.openEnvelope(env, [kp.secretKey]));
    expect(back).toEqual(st);
    expect(typeof sealpost.deliver).toBe('function');
    expect(typeof sealpost.startServe).toBe('function');
  });
});
