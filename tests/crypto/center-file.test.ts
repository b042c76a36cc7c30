import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseCenterFile } from '../../src/crypto/center-file.js';
import { parseSecretKeyFile, serializeSecretKeyFile } from '../../src/crypto/keys.js';
import { parseRoute } from '../../src/transport/routes/route.js';
import { InputError } from '../../src/errors.js';

const example = readFileSync(new URL('../../config/center.example.json', import.meta.url));

describe('center file', () => {
  it('the example parses, its keys carry the right names and its routes are valid', () => {
    const c = parseCenterFile(example);
    expect(c.name).toBe('center.example.org');
    expect(c.logKey.name).toBe('center.example.org/log');
    expect(c.tallyKey.name).toBe('center.example.org/counted');
    expect(c.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(c.routes.map((r) => parseRoute(r).id)).toEqual(['direct-1', 'pinned-1', 'mirror-1']);
  });

  it('rejects a log key named for another center, a short box key, a bad name', () => {
    const base = JSON.parse(example.toString()) as Record<string, unknown>;
    const bad = (patch: Record<string, unknown>) => () => parseCenterFile(Buffer.from(JSON.stringify({ ...base, ...patch })));
    expect(bad({ name: 'other.example' })).toThrow(/logKey is not named/);
    expect(bad({ boxKey: 'AAAA' })).toThrow(/boxKey/);
    expect(bad({ name: 'Bad Name' })).toThrow(/bad name/);
    expect(bad({ routes: [{ id: 'x', kind: 'teleport', url: 'https://a/' }] })).toThrow(/route 1/);
    expect(() => parseCenterFile(Buffer.from('{'))).toThrow(InputError);
  });
});

describe('secret key files', () => {
  const seed = new Uint8Array(32).fill(3);
  it('rejects a key file whose public key does not match its secret', () => {
    const good = serializeSecretKeyFile({ v: 1, kind: 'log', name: 'a.org/log', secretKey: seed, publicKey: new Uint8Array(32) });
    expect(() => parseSecretKeyFile(good)).toThrow(/does not match/);
    expect(() => parseSecretKeyFile('{"v":1,"kind":"box"}', 'log')).toThrow(/expected a log key/);
  });
});
