/**
 * bench/gen (issue 10, point 5): the plan hits the fixed 1/100 figures exactly and is the same for
 * a seed; its sealing is spec 3's (libsodium, tweetnacl and `sealEnvelope` give the same bytes);
 * a small generated data folder is the same byte for byte for a seed, and opening it with the
 * reference opener finds exactly the figures the generator wrote.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openEnvelope, sealEnvelope } from '../src/crypto/envelope.js';
import { readSecretKeyFile } from '../src/crypto/keys.js';
import { IntakeDb } from '../src/center/sqlite-db.js';
import { parseStatement, serializeStatement } from '../src/statement/codec.js';
import { countedKeep } from '../src/statement/counted.js';
import { isEnvelopeError } from '../src/errors.js';
import { FIXED_TARGETS, generate, scaledTargets } from '../bench/gen.js';
import { ExpectedTally } from '../bench/gen-expected.js';
import { Planner } from '../bench/gen-plan.js';
import { paddedSealer, statementJson, type PlanItem } from '../bench/gen-seal.js';
import { pad } from '../src/crypto/padding.js';
import { openForTally, referenceOpener, sodiumOpener } from '../src/center/tally/open.js';
import { statementTag } from '../src/statement/tag.js';

const NO_BAD = { corrupt: 0, otherKey: 0, invalid: 0, duplicates: 0 };
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

function plan(seed: string, bad = NO_BAD): { items: PlanItem[]; digest: string } {
  const p = new Planner(seed, FIXED_TARGETS, bad);
  const items: PlanItem[] = [];
  const h = createHash('sha256');
  for (let it = p.next(); it; it = p.next()) {
    items.push(it);
    h.update(JSON.stringify(it));
  }
  return { items, digest: h.digest('hex') };
}

describe('bench/gen plan', () => {
  it('hits the 1/100 figures of the 2006 report exactly, and is the same for a seed only', () => {
    const bad = { corrupt: 5, otherKey: 4, invalid: 10, duplicates: 7 };
    const a = plan('2006', bad);
    const t = new ExpectedTally();
    for (const it of a.items) t.add(it);
    const e = t.result('2006', FIXED_TARGETS, bad, 10_000);
    expect(e.people).toBe(113_669);
    expect(e.orgs.CCP).toBe(68_770);
    expect(e.areas).toMatchObject({ abroad: 163, HK: FIXED_TARGETS.HK, MO: FIXED_TARGETS.MO, TW: FIXED_TARGETS.TW });
    expect(e.areas.mainland + e.areas.HK + e.areas.MO + e.areas.TW + e.areas.abroad).toBe(113_669);
    expect(e.sectors).toEqual({ court: 1, 'discipline-inspection': 6, government: 204, 'peoples-congress': 4, 'public-security': 9, 'state-security': 1 });
    expect(e.publishedCells.filter((c) => c.sector === 'government').length).toBeGreaterThanOrEqual(3);
    expect(e.rejected).toEqual({ undecryptable: 9, invalid: 10, duplicate: 7 });
    expect(e.milestones).toEqual(e.plannedMilestones);
    // Beijing and the north-east lead the provinces.
    const top = Object.entries(e.regions).sort((x, y) => y[1].people - x[1].people).slice(0, 4).map(([k]) => k).sort();
    expect(top).toEqual(['CN-110000', 'CN-210000', 'CN-220000', 'CN-230000']);
    // Realistic groups: most statements of one person, some of hundreds (split over envelopes of at most 250).
    const sizes = a.items.filter((i) => i.kind === 'good').map((i) => i.masks.length);
    expect(sizes.filter((n) => n === 1).length / sizes.length).toBeGreaterThan(0.7);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(250);
    expect(e.splitGroups).toBeGreaterThan(0);
    expect(plan('2006', bad).digest).toBe(a.digest);
    expect(plan('2007', bad).digest).not.toBe(a.digest);
  });

  it('scales the report to any number of people', () => {
    const t = scaledTargets(11_366_927);
    expect(t).toMatchObject({ ccp: 6_876_990, abroad: 16_289, sectors: { government: 20_448, 'state-security': 72 } });
  });
});

describe('bench/gen sealing', () => {
  it('writes canonical statements and seals them byte for byte as spec 3 (libsodium = tweetnacl = sealEnvelope)', () => {
    const { items } = plan('seal');
    const sodium = paddedSealer('sodium');
    const tweet = paddedSealer('tweetnacl');
    expect(sodium.name).toBe('libsodium');
    const boxKey = new Uint8Array(32).fill(9);
    const random = new Uint8Array(32).fill(7);
    for (const it of [...items.slice(0, 20), ...items.filter((i) => i.group).slice(0, 2)]) {
      const json = statementJson('seal', it);
      const bytes = new TextEncoder().encode(json);
      expect(new TextDecoder().decode(serializeStatement(parseStatement(bytes, { today: '2026-11-30' })))).toBe(json);
      const env = sodium.seal(pad(bytes), boxKey, random);
      expect(Buffer.from(tweet.seal(pad(bytes), boxKey, random)).equals(env)).toBe(true);
      expect(Buffer.from(sealEnvelope(bytes, boxKey, { random })).equals(env)).toBe(true);
    }
  });
});

describe('bench/gen data folder', () => {
  it('is the same for a seed, and a reference opening finds exactly the expected figures', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sealpost-gen-'));
    dirs.push(dir);
    const bad = { corrupt: 3, otherKey: 2, invalid: 5, duplicates: 4 };
    // Two data folders from one seed, to the same keys (generated on the first run).
    const make = async (data: string, seed: string) => {
      const r = await generate({ out: join(dir, data), keys: join(dir, 'keys'), people: 400, seed, threads: 0, bad, milestoneStep: 100 });
      const db = new IntakeDb(join(dir, data, 'intake.sqlite'), { readonly: true });
      const envelopes = db.page(0, 1e6).map((e) => Uint8Array.from(e.envelope));
      db.close();
      return { r, envelopes };
    };
    const a = await make('data', 's1');
    const b = await make('data2', 's1');
    const c = await make('data3', 's2');
    expect(b.envelopes.length).toBe(a.envelopes.length);
    expect(b.envelopes.every((e, i) => Buffer.from(e).equals(a.envelopes[i]!))).toBe(true);
    expect(Buffer.from(c.envelopes[0]!).equals(a.envelopes[0]!)).toBe(false);
    expect(b.r.expected).toEqual(a.r.expected);
    expect(JSON.parse(await readFile(a.r.expectedFile, 'utf8'))).toEqual(a.r.expected);
    await expect(generate({ out: join(dir, 'data'), keys: join(dir, 'keys'), people: 10, seed: 's1', threads: 0 })).rejects.toThrow(/already holds entries/);

    const box = await readSecretKeyFile(join(dir, 'keys', 'box.key'), 'box');
    const ids = new Set<string>();
    const got = { people: 0, statements: 0, CCP: 0, rejected: { duplicate: 0, invalid: 0, undecryptable: 0 }, regions: {} as Record<string, number> };
    for (const env of a.envelopes) {
      let json: Uint8Array;
      try {
        json = openEnvelope(env, [box.secretKey]);
      } catch (err) {
        expect(isEnvelopeError(err)).toBe(true);
        got.rejected[(err as { tallyReason: 'invalid' | 'undecryptable' }).tallyReason]++;
        continue;
      }
      let k;
      try {
        k = countedKeep(parseStatement(json, { today: '2026-11-30' }));
      } catch {
        got.rejected.invalid++;
        continue;
      }
      if (ids.has(k.id)) {
        got.rejected.duplicate++;
        continue;
      }
      ids.add(k.id);
      got.statements++;
      got.people += k.people;
      got.CCP += k.ccp;
      got.regions[k.region] = (got.regions[k.region] ?? 0) + k.people;
    }
    // The tally's opener (libsodium, its fast parse and tag) agrees with the reference on every envelope.
    const keys = [{ publicKey: box.publicKey, secretKey: box.secretKey }];
    const fast = sodiumOpener(keys)!;
    for (const env of a.envelopes) {
      const r = openForTally(env, fast, '2026-11-30', true);
      expect(r).toEqual(openForTally(env, referenceOpener(keys), '2026-11-30', true));
      if (r.ok) expect(r.statement.tag).toBe(statementTag(parseStatement(openEnvelope(env, [box.secretKey]), { today: '2026-11-30' })));
    }
    const e = a.r.expected;
    expect(got).toEqual({ people: 400, statements: e.statements, CCP: e.orgs.CCP, rejected: { duplicate: 4, invalid: 5, undecryptable: 5 }, regions: Object.fromEntries(Object.entries(e.regions).map(([r, x]) => [r, x.people])) });
  });
});
