/** The center file's log fields (wire spec 5): `tiles`, `witnesses`, `witnessPolicy`, as `verify` reads them. */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCenterFile } from '../../src/crypto/center-file.js';
import { InputError } from '../../src/errors.js';
import { Cosigner } from '../../src/log/cosignature.js';

const base = JSON.parse(readFileSync(new URL('../../config/center.example.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const parse = (patch: Record<string, unknown>) => parseCenterFile(Buffer.from(JSON.stringify({ ...base, ...patch })));
const w1 = new Cosigner('w1.example', randomBytes(32));
const w2 = new Cosigner('w2.example', randomBytes(32));
const witness = (w: Cosigner, url = `https://${w.name}/`) => ({ name: w.name, key: w.verifierKey, url });

describe('center file: tiles, witnesses, witnessPolicy', () => {
  it('absent: no mirrors, no witnesses, policy 0', () => {
    const c = parse({});
    expect([c.tiles, c.witnesses, c.witnessPolicy]).toEqual([[], [], 0]);
  });

  it('parses mirrors (a trailing slash added) and witnesses with their keys', () => {
    const c = parse({ tiles: ['https://mirror.example/sealpost-log'], witnesses: [witness(w1), witness(w2)], witnessPolicy: 2 });
    expect(c.tiles).toEqual(['https://mirror.example/sealpost-log/']);
    expect(c.witnesses.map((w) => [w.name, w.url, Buffer.from(w.key.publicKey).equals(Buffer.from(w1.publicKey))])).toEqual([
      ['w1.example', 'https://w1.example/', true],
      ['w2.example', 'https://w2.example/', false],
    ]);
    expect(c.witnessPolicy).toBe(2);
  });

  it.each([
    [{ tiles: 'https://m/' }, /tiles is not an array/],
    [{ tiles: ['ftp://m/'] }, /tiles 1 is not an http\(s\) base URL/],
    [{ witnesses: {} }, /witnesses is not an array/],
    [{ witnesses: [{ key: w1.verifierKey, url: 'https://w/' }] }, /witness 1 has no name/],
    [{ witnesses: [{ name: 'w1.example', key: 'w1.example+00000000+AA==', url: 'https://w/' }] }, /witness 1 has a bad key/],
    [{ witnesses: [{ ...witness(w1), name: 'w9.example' }] }, /witness 1's key is not named w9.example/],
    [{ witnesses: [witness(w1, 'not a url')] }, /witness 1 has a bad url/],
    [{ witnesses: [witness(w1), witness(w1)] }, /two witnesses have the same name/],
    [{ witnesses: [witness(w1)], witnessPolicy: 2 }, /witnessPolicy must be/],
    [{ witnessPolicy: 1.5 }, /witnessPolicy must be/],
  ])('rejects %j', (patch, message) => {
    expect(() => parse(patch)).toThrow(InputError);
    expect(() => parse(patch)).toThrow(message);
  });
});
