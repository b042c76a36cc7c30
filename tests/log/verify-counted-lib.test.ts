/**
 * `verifyCounted` (wire spec 8 and 9, issue 10 build point 4) against tallies signed by a real
 * tally key and receipts signed by a real log key: one's own statements found with the fields
 * sent, a suppressed sector accepted, a changed field or a statement left out though received
 * before the tally named as lies with their evidence, a statement sent twice judged once, and a
 * tally that does not verify leaving every statement unchecked.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64, toHex } from '../../src/crypto/base64.js';
import { parseCenterFile, type Center } from '../../src/crypto/center-file.js';
import { generateCenterKeys, readSecretKeyFile } from '../../src/crypto/keys.js';
import { NoteSigner } from '../../src/crypto/note.js';
import { signReceipt } from '../../src/crypto/receipt.js';
import type { CountedEntry } from '../../src/log/counted.js';
import type { CountedKeep } from '../../src/statement/counted.js';
import { statementTag } from '../../src/statement/tag.js';
import { differingFields, keptStatements, verifyCounted, type KeptStatement } from '../../src/verify/counted.js';
import { publish, tallySigner } from './verify-counted-fixture.js';

let dir: string;
let center: Center;
let tally: NoteSigner;
let log: NoteSigner;
const RECEIVED = { size: 10, root: toBase64(new Uint8Array(32).fill(7)) };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sealpost-counted-lib-'));
  await generateCenterKeys('center.test', join(dir, 'keys'));
  center = parseCenterFile(await readFile(join(dir, 'keys', 'center.json')));
  tally = await tallySigner(join(dir, 'keys'));
  const k = await readSecretKeyFile(join(dir, 'keys', 'log.key'), 'log');
  log = new NoteSigner(k.name, k.secretKey);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function keep(over: Partial<CountedKeep> = {}): CountedKeep {
  return { id: toHex(randomBytes(16)), tagKey: toBase64(randomBytes(32)), week: '2026-W48', people: 1, ccp: 0, cyl: 1, cyp: 1, region: 'CN-440000', sector: '-', ...over };
}

/** An envelope of the statement with a receipt at `index` (none: not delivered yet). */
function envelope(index?: number): { id: string; receipt?: string } {
  const eh = randomBytes(32);
  const id = toHex(eh);
  if (index === undefined) return { id };
  return { id, receipt: signReceipt(log, { center: 'center.test', eh, blind: randomBytes(16), index, hour: 498_855 }) };
}

const entryOf = (k: CountedKeep, over: Partial<CountedEntry> = {}): CountedEntry => {
  const { id: _i, tagKey: _t, ...fields } = k;
  return { tag: statementTag(k), ...fields, ...over };
};

const run = (entries: CountedEntry[], statements: KeptStatement[], received = RECEIVED) =>
  verifyCounted({ files: publish(tally, entries, received), center, statements });

describe('verifyCounted', () => {
  it('finds each statement with the fields sent; a sector suppressed to "-" is counted, not a lie', () => {
    const a = keep();
    const b = keep({ sector: 'education', people: 3, ccp: 2, cyl: 3, cyp: 0, region: 'US' });
    const other = keep({ week: '2026-W47' });
    const r = run([entryOf(other), entryOf(a), entryOf(b, { sector: '-' })], [
      { counted: a, envelopes: [envelope(1)] },
      { counted: b, envelopes: [envelope(2)] },
    ]);
    expect(r.lies).toEqual([]);
    expect(r.tally?.note.received).toEqual(RECEIVED);
    expect(r.statements.map((v) => [v.status, v.entry, v.suppressed ?? false, v.index])).toEqual([
      ['counted', 2, false, 1],
      ['counted', 3, true, 2],
    ]);
    expect(r.statements[0]!.tag).toBe(statementTag(a));
  });

  it('a counted entry with another field is a lie naming the field, with the notes that prove it', () => {
    const a = keep({ people: 2, cyl: 2, cyp: 1 });
    const e = envelope(4);
    const r = run([entryOf(a, { people: 3, cyl: 3 })], [{ counted: a, envelopes: [e] }]);
    expect(r.statements[0]).toMatchObject({ status: 'differs', entry: 1, fields: ['people', 'cyl'] });
    expect(r.lies).toHaveLength(1);
    const l = r.lies[0]!;
    expect(l.kind).toBe('counted-differs');
    expect(l.error.code).toBe('counted-differs');
    expect(l.error.message).toContain('the entry says people=3 cyl=3 where the statement says people=2 cyl=2');
    expect(l.error.message).toContain(`envelope ${e.id.slice(0, 16)}`);
    expect(l.receipt).toBe(e.id);
    expect(l.notes.map((n) => n.name)).toEqual(['tally', 'counted-checkpoint', 'counted-entry-1', 'sent', `receipt-${e.id}`]);
    // The evidence is kept unsealed: it holds the tag and the fields, never the id or the tag key.
    const all = l.notes.map((n) => n.text).join('');
    expect(all).not.toContain(a.id);
    expect(all).not.toContain(a.tagKey);
    expect(l.notes.find((n) => n.name === 'sent')!.text).toBe(`${statementTag(a)} week=2026-W48 people=2 ccp=0 cyl=2 cyp=1 region=CN-440000 sector=-\n`);
  });

  it('an entry naming a sector the statement did not name, or another sector, differs', () => {
    const none = keep();
    const edu = keep({ sector: 'education' });
    const r = run([entryOf(none, { sector: 'military' }), entryOf(edu, { sector: 'military' })], [
      { counted: none, envelopes: [envelope(0)] },
      { counted: edu, envelopes: [envelope(1)] },
    ]);
    expect(r.statements.map((v) => [v.status, v.fields])).toEqual([
      ['differs', ['sector']],
      ['differs', ['sector']],
    ]);
    expect(differingFields(edu, { ...edu, sector: '-' })).toEqual([]);
    expect(differingFields(edu, { ...edu, week: '2026-W49' })).toEqual(['week']);
  });

  it('not in the log: a lie when received before the tally, "not yet" when after or not delivered', () => {
    const before = keep();
    const after = keep();
    const pending = keep();
    const e = envelope(9);
    const r = run([], [
      { counted: before, envelopes: [e] },
      { counted: after, envelopes: [envelope(10)] },
      { counted: pending, envelopes: [envelope()] },
    ]);
    expect(r.statements.map((v) => v.status)).toEqual(['not-counted', 'not-yet', 'not-yet']);
    expect(r.lies).toHaveLength(1);
    expect(r.lies[0]!.kind).toBe('not-counted');
    expect(r.lies[0]!.error.message).toBe(
      `the statement sent in envelope ${e.id.slice(0, 16)} (received at index 9) is not in the counted log, though the tally covers the first 10 received envelopes and no envelope of that statement was counted`,
    );
  });

  it('a statement sent twice is judged once: counted when its tag is there, a lie only when no envelope of it was counted', () => {
    const twice = keep();
    const e1 = envelope(3);
    const e2 = envelope(7);
    const [s] = keptStatements([
      { id: e2.id, receipt: e2.receipt!, counted: twice },
      { id: 'f'.repeat(64), receipt: 'not ours' },
      { id: e1.id, receipt: e1.receipt!, counted: twice },
    ]);
    expect(s!.envelopes.map((e) => e.id)).toEqual([e2.id, e1.id]);
    const found = run([entryOf(twice)], [s!]);
    expect(found.statements).toMatchObject([{ status: 'counted', envelopes: [e2.id, e1.id], index: 3 }]);
    const lost = run([], [s!]);
    expect(lost.statements).toMatchObject([{ status: 'not-counted', index: 3 }]);
    expect(lost.lies[0]!.receipt).toBe(e1.id);
    // Both received after a tally of 3: not yet, no lie.
    expect(run([], [s!], { ...RECEIVED, size: 3 }).statements[0]!.status).toBe('not-yet');
  });

  it('a receipt that is not of this envelope gives no index: the statement is "not yet", never a lie', () => {
    const a = keep();
    const real = envelope(1);
    const r = run([], [{ counted: a, envelopes: [{ id: envelope().id, receipt: real.receipt! }] }]);
    expect(r.statements[0]!.status).toBe('not-yet');
    expect(r.lies).toEqual([]);
  });

  it('a tally that does not verify leaves every statement unchecked and is the one lie', () => {
    const a = keep();
    const files = publish(tally, [entryOf(a)], RECEIVED);
    const changed = { ...files, entries: files.entries.replace('people=1', 'people=2') };
    const r = verifyCounted({ files: changed, center, statements: [{ counted: a, envelopes: [envelope(0)] }] });
    expect(r.tally).toBeNull();
    expect(r.statements.map((v) => v.status)).toEqual(['unknown']);
    expect(r.lies.map((l) => l.kind)).toEqual(['counted-changed']);
    expect(r.lies[0]!.notes.map((n) => n.name)).toEqual(['tally', 'counted-checkpoint']);
  });

  it('a tally signed by another key is refused (bad signature)', async () => {
    await generateCenterKeys('center.test', join(dir, 'other'));
    const other = await tallySigner(join(dir, 'other'));
    const a = keep();
    const r = verifyCounted({ files: publish(other, [entryOf(a)], RECEIVED), center, statements: [{ counted: a, envelopes: [envelope(0)] }] });
    expect(r.tally).toBeNull();
    expect(r.lies[0]!.error.code).toMatch(/^(bad-signature|unsigned)$/);
  });
});
