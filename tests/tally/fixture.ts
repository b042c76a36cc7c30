/**
 * A real intake data folder for tally tests: fresh center keys, and envelopes appended through
 * the SQLite store (the same path `serve` takes), good and bad, with a ledger of what a correct
 * tally must count. Statements are generated from a seed so that a failure repeats.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { boxKeyPair, envelopeId, sealEnvelope } from '../../src/crypto/envelope.js';
import { generateCenterKeys, readSecretKeyFile } from '../../src/crypto/keys.js';
import { parseCenterFile, type Center } from '../../src/crypto/center-file.js';
import { openSqliteStore, type SqliteStore } from '../../src/center/sqlite-store.js';
import { serializeStatement } from '../../src/statement/codec.js';
import { countedKeep } from '../../src/statement/counted.js';
import { statementTag } from '../../src/statement/tag.js';
import { PROVINCE_CODES } from '../../src/statement/regions.js';
import type { Statement } from '../../src/statement/types.js';
import { seeded } from '../harness/prng.js';

export interface DataFolder {
  readonly dir: string;
  readonly keysDir: string;
  readonly dataDir: string;
  readonly center: Center;
  readonly boxKey: Uint8Array;
  readonly store: SqliteStore;
  /** Appends raw envelope bytes with a fresh token (a new entry each time). */
  append(envelope: Uint8Array): Promise<void>;
}

export async function makeDataFolder(name = 'center.test'): Promise<DataFolder> {
  const dir = await mkdtemp(join(tmpdir(), 'sealpost-tally-'));
  const keysDir = join(dir, 'keys');
  const dataDir = join(dir, 'data');
  await generateCenterKeys(name, keysDir);
  const center = parseCenterFile(await readFile(join(keysDir, 'center.json')));
  const box = await readSecretKeyFile(join(keysDir, 'box.key'), 'box');
  const { mkdir } = await import('node:fs/promises');
  await mkdir(dataDir, { recursive: true });
  const store = await openSqliteStore({ path: join(dataDir, 'intake.sqlite'), thread: 'main' });
  return {
    dir,
    keysDir,
    dataDir,
    center,
    boxKey: box.publicKey,
    store,
    append: async (envelope) => {
      const eh = envelopeId(envelope);
      const idem = new Uint8Array(createHash('sha256').update(randomBytes(16)).update(eh).digest());
      await store.append({ idem, eh, envelope });
    },
  };
}

const SECTORS = ['government', 'education', 'enterprise', 'military'] as const;
const ABROAD = ['HK', 'MO', 'TW', 'US', 'CA', 'DE'] as const;

/** A valid statement from a seeded generator; `opts` pins fields (to fill sector cells). */
export function makeStatement(rand: () => number, opts: Partial<Statement> = {}): Statement {
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(rand() * 16).toString(16)).join('');
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const n = rand() < 0.8 ? 1 : 2 + Math.floor(rand() * 6);
  const people = Array.from({ length: n }, (_, i) => ({
    name: `person-${hex(4)}-${i}`,
    realName: rand() < 0.3,
    orgs: rand() < 0.6 ? (['CCP'] as const) : rand() < 0.5 ? (['CYL', 'CYP'] as const) : (['CCP', 'CYL'] as const),
  }));
  const mainland = rand() < 0.8;
  const day = 1 + Math.floor(rand() * 60);
  const date = new Date(Date.UTC(2026, 0, day)).toISOString().slice(0, 10);
  const st: Statement = {
    v: 1,
    kind: 'withdrawal',
    id: hex(32),
    tagKey: Buffer.from(Array.from({ length: 32 }, () => Math.floor(rand() * 256))).toString('base64'),
    people: people.map((p) => ({ ...p, orgs: [...p.orgs] })),
    region: mainland ? { country: 'CN', province: pick(PROVINCE_CODES.slice(0, 6)) } : { country: pick(ABROAD) },
    ...(rand() < 0.7 ? { sector: pick(SECTORS) } : {}),
    channel: rand() < 0.5 ? 'internet' : 'relay',
    date,
    ...opts,
  } as Statement;
  return st;
}

export const seal = (st: Statement, boxKey: Uint8Array): Uint8Array => sealEnvelope(serializeStatement(st, { today: '2026-11-30' }), boxKey);

/** What a correct tally counts: the good statements (first of each id/tag) and the rejected. */
export interface Ledger {
  readonly counted: Statement[];
  readonly rejected: { duplicate: number; invalid: number; undecryptable: number };
}

/** Expected totals of a set of counted statements. */
export function expectedTotals(sts: readonly Statement[]) {
  const k = sts.map(countedKeep);
  return {
    statements: k.length,
    people: k.reduce((a, x) => a + x.people, 0),
    CCP: k.reduce((a, x) => a + x.ccp, 0),
    CYL: k.reduce((a, x) => a + x.cyl, 0),
    CYP: k.reduce((a, x) => a + x.cyp, 0),
    tags: new Set(sts.map(statementTag)),
  };
}

/**
 * Fills `f` with `good` valid statements plus every kind of bad envelope, in a seeded order:
 * corrupt (a flipped byte), sealed to another key, wrong length, invalid statements (bad JSON, a
 * wrong field, non-zero padding is covered by the opener test), the same statement re-sealed, and
 * the same envelope posted with another token. Twelve statements share one sector cell so that
 * the cell reaches spec 8's threshold and is published.
 */
export async function fill(f: DataFolder, seed: number, good: number, ledger: Ledger): Promise<void> {
  const rand = seeded(seed);
  const other = boxKeyPair().publicKey;
  const cell = { region: { country: 'CN' as const, province: '110000' as const }, sector: 'court' as const, date: '2026-02-11' };
  for (let i = 0; i < good; i++) {
    const st = makeStatement(rand, i < 12 ? cell : {});
    const env = seal(st, f.boxKey);
    await f.append(env);
    ledger.counted.push(st);
    const r = rand();
    if (r < 0.05) {
      await f.append(seal(st, f.boxKey)); // the same statement sealed again
      ledger.rejected.duplicate++;
    } else if (r < 0.1) {
      await f.append(env); // the same envelope with another token
      ledger.rejected.duplicate++;
    } else if (r < 0.13) {
      await f.append(seal({ ...makeStatement(rand), id: st.id }, f.boxKey)); // another statement, same id
      ledger.rejected.duplicate++;
    } else if (r < 0.17) {
      const bad = Uint8Array.from(env);
      bad[100 + Math.floor(rand() * 900)]! ^= 1 << Math.floor(rand() * 8);
      await f.append(bad);
      ledger.rejected.undecryptable++;
    } else if (r < 0.2) {
      await f.append(seal(makeStatement(rand), other));
      ledger.rejected.undecryptable++;
    } else if (r < 0.23) {
      await f.append(sealEnvelope(new TextEncoder().encode('{"v":1,'), f.boxKey));
      ledger.rejected.invalid++;
    } else if (r < 0.26) {
      const json = JSON.parse(new TextDecoder().decode(serializeStatement(makeStatement(rand), { today: '2026-11-30' })));
      json.people[0].orgs = ['KMT'];
      await f.append(sealEnvelope(new TextEncoder().encode(JSON.stringify(json)), f.boxKey));
      ledger.rejected.invalid++;
    }
  }
}

export const newLedger = (): Ledger => ({ counted: [], rejected: { duplicate: 0, invalid: 0, undecryptable: 0 } });
