import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { InputError } from '../../src/errors.js';
import {
  CHANNELS,
  composeStatement,
  COUNTRY_CODES,
  ORGS,
  parseStatement,
  parseStatementJson,
  PROVINCE_CODES,
  SECTORS,
  serializeStatement,
  statementIssues,
  validateStatement,
  type Statement,
} from '../../src/statement/index.js';
import { dec, enc, TODAY } from './fixtures.js';

const opts = { today: TODAY };
const cps = (s: string): number => Array.from(s).length;
const hasControl = (s: string, allowNewline: boolean): boolean =>
  Array.from(s).some((c) => {
    const n = c.codePointAt(0)!;
    return (n < 0x20 && !(allowNewline && n === 0x0a)) || (n >= 0x7f && n <= 0x9f);
  });

/** NFC text of min..max code points: any code points (astral ones included) or whole graphemes. */
function text(min: number, max: number, allowNewline = false): fc.Arbitrary<string> {
  return fc
    .oneof(
      fc.string({ unit: 'binary', minLength: min, maxLength: max }),
      fc.string({ unit: 'grapheme', minLength: min, maxLength: max }),
      fc.string({ unit: fc.constantFrom('张', '三', '😀', 'é', '\n', ' ', 'a'), minLength: min, maxLength: max }),
    )
    .map((s) => s.normalize('NFC'))
    .filter((s) => cps(s) >= min && cps(s) <= max && !hasControl(s, allowNewline));
}

const hex = (n: number) => fc.uint8Array({ minLength: n, maxLength: n }).map((b) => Buffer.from(b).toString('hex'));
const day = (min: string, max: string) =>
  fc.date({ min: new Date(`${min}T00:00:00Z`), max: new Date(`${max}T23:59:59Z`), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));

const person = fc.record(
  { name: text(1, 64), realName: fc.boolean(), orgs: fc.subarray([...ORGS], { minLength: 1 }).chain((o) => fc.shuffledSubarray(o, { minLength: o.length })) },
  { requiredKeys: ['name', 'orgs'] },
);

const group = fc.integer({ min: 1, max: 1000 }).chain((parts) => fc.record({ id: hex(16), part: fc.integer({ min: 1, max: parts }), parts: fc.constant(parts) }));

const region = fc.oneof(
  fc.record({ country: fc.constant('CN'), province: fc.constantFrom(...PROVINCE_CODES), city: text(0, 64) }, { requiredKeys: ['country', 'province'] }),
  fc.record({ country: fc.constantFrom(...COUNTRY_CODES.filter((c) => c !== 'CN')), city: text(0, 64) }, { requiredKeys: ['country'] }),
);

const statement = fc.record(
  {
    v: fc.constant(1 as const),
    kind: fc.constant('withdrawal' as const),
    id: hex(16),
    tagKey: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('base64')),
    people: fc.array(person, { minLength: 1, maxLength: 6 }),
    group,
    region,
    sector: fc.constantFrom(...SECTORS),
    channel: fc.constantFrom(...CHANNELS),
    date: day('2004-12-03', '2026-11-29'),
    text: text(0, 300, true),
    publish: fc.boolean(),
    lang: fc.constantFrom('zh', 'zh-CN', 'zh-Hant-TW', 'en', 'en-GB', 'bo', 'ug', 'yue'),
  },
  { requiredKeys: ['v', 'kind', 'id', 'tagKey', 'people', 'region', 'channel', 'date'] },
) as fc.Arbitrary<Statement>;

/** Throws unless `f` returns or throws an InputError. */
function onlyInputError(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    expect(typeof e.code).toBe('string');
    expect(typeof e.key).toBe('string');
  }
}

/** Every (container, key) of a JSON-like value, the root's container being a wrapper. */
function slots(root: { v: unknown }): [Record<string | number, unknown>, string | number][] {
  const out: [Record<string | number, unknown>, string | number][] = [[root as Record<string, unknown>, 'v']];
  const walk = (v: unknown): void => {
    if (typeof v !== 'object' || v === null) return;
    for (const k of Object.keys(v)) {
      out.push([v as Record<string, unknown>, Array.isArray(v) ? Number(k) : k]);
      walk((v as Record<string, unknown>)[k]);
    }
  };
  walk(root.v);
  return out;
}

type Mutation = { at: number; op: 'set' | 'delete' | 'add'; value: unknown; key: string };
const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  op: fc.constantFrom('set', 'delete', 'add'),
  value: fc.oneof(fc.jsonValue(), fc.string({ unit: 'binary' }), fc.constantFrom('\ud800', 'A\u030a', 2 ** 53, -0, 1.5, '2004-12-02')),
  key: fc.oneof(fc.constantFrom('v', 'name', 'orgs', 'province', 'country', 'part', 'parts', '__proto__'), fc.string()),
});

function mutate(st: Statement, ms: Mutation[]): unknown {
  const root = { v: JSON.parse(JSON.stringify(st)) as unknown };
  for (const m of ms) {
    const all = slots(root);
    const [obj, key] = all[m.at % all.length]!;
    if (m.op === 'set') obj[key] = m.value;
    else if (m.op === 'delete') delete obj[key];
    else {
      const target = obj[key];
      if (typeof target === 'object' && target !== null) Object.defineProperty(target, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
    }
  }
  return root.v;
}

describe('properties', () => {
  test.prop([statement])('random valid statements validate and round-trip byte-identically', (st) => {
    expect(statementIssues(st, opts)).toEqual([]);
    const bytes = serializeStatement(st, opts);
    const back = parseStatement(bytes, opts);
    expect(back).toEqual(validateStatement(st, opts));
    expect(serializeStatement(back, opts)).toEqual(bytes);
    expect(JSON.parse(dec(bytes))).toEqual(back);
  });

  test.prop([statement, fc.array(mutation, { minLength: 1, maxLength: 4 })])('mutated statements only ever fail with InputError', (st, ms) => {
    const v = mutate(st, ms);
    const issues = statementIssues(v, opts);
    let validated: Statement | undefined;
    onlyInputError(() => (validated = validateStatement(v, opts)));
    // validateStatement throws exactly when statementIssues finds something
    expect(validated === undefined).toBe(issues.length > 0);
    onlyInputError(() => serializeStatement(v as Statement, opts));
    onlyInputError(() => parseStatement(enc(JSON.stringify(v) ?? ''), opts));
  });

  test.prop([statement, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('flip', 'insert', 'delete')), { minLength: 1, maxLength: 4 })])(
    'corrupted bytes only ever fail with InputError',
    (st, edits) => {
      const bytes = [...serializeStatement(st, opts)];
      for (const [at, b, op] of edits) {
        const i = at % (bytes.length + 1);
        if (op === 'flip') bytes[i % bytes.length] = b;
        else if (op === 'insert') bytes.splice(i, 0, b);
        else bytes.splice(i % bytes.length, 1);
      }
      onlyInputError(() => parseStatement(new Uint8Array(bytes), opts));
    },
  );

  test.prop([fc.uint8Array({ maxLength: 200 })])('random bytes only ever fail with InputError', (b) => {
    onlyInputError(() => parseStatement(b, opts));
  });

  test.prop([fc.json({ maxDepth: 6 })])('the strict parser agrees with JSON.parse on JSON without duplicate keys', (s) => {
    expect(parseStatementJson(enc(s))).toEqual(JSON.parse(s));
  });

  test.prop([
    fc.record({
      name: fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 3 })),
      orgs: fc.oneof(fc.string(), fc.constantFrom('CCP', 'cyl|cyp', '党')),
      country: fc.oneof(fc.string(), fc.constantFrom('cn', 'HK', '香港')),
      province: fc.option(fc.oneof(fc.string(), fc.constantFrom('北京', '110000')), { nil: undefined }),
      city: fc.option(fc.string({ unit: 'binary' }), { nil: undefined }),
      text: fc.option(fc.string({ unit: 'binary' }), { nil: undefined }),
      date: fc.option(fc.string(), { nil: undefined }),
      lang: fc.option(fc.string(), { nil: undefined }),
    }),
  ])('composeStatement returns a valid statement or throws InputError', (fields) => {
    let st: Statement | undefined;
    onlyInputError(() => (st = composeStatement(fields, opts)));
    if (st !== undefined) expect(statementIssues(st, opts)).toEqual([]);
  });
});
