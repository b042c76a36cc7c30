import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { t } from '../../src/cli/i18n/index.js';
import { statementIssues, validateStatement, type Statement } from '../../src/statement/index.js';
import { full, loose, minimal, TODAY } from './fixtures.js';

const opts = { today: TODAY };
type Loose = Record<string, any>;

/** [what, edit of a valid statement, expected field, expected rule, expected params (subset)] */
const cases: [string, (s: Loose) => void, string, string, Record<string, unknown>?][] = [
  ['unknown top-level key', (s) => (s.extra = 1), 'extra', 'unknown-key'],
  ['unknown key in a person', (s) => (s.people[1].age = 30), 'people[1].age', 'unknown-key'],
  ['unknown key in region', (s) => (s.region.district = 'x'), 'region.district', 'unknown-key'],
  ['unknown key in group', (s) => (s.group.total = 3), 'group.total', 'unknown-key'],
  ['odd unknown key, quoted', (s) => (s['a b'] = 1), '["a b"]', 'unknown-key'],
  ['long unknown key, cut', (s) => (s['k'.repeat(50)] = 1), `["${'k'.repeat(40)}…"]`, 'unknown-key'],
  ['v missing', (s) => delete s.v, 'v', 'required'],
  ['v = 2', (s) => (s.v = 2), 'v', 'const', { expected: '1' }],
  ['v = "1"', (s) => (s.v = '1'), 'v', 'const'],
  ['kind wrong', (s) => (s.kind = 'join'), 'kind', 'const', { expected: 'withdrawal' }],
  ['id missing', (s) => delete s.id, 'id', 'required'],
  ['id upper case', (s) => (s.id = s.id.toUpperCase()), 'id', 'hex32'],
  ['id 31 digits', (s) => (s.id = s.id.slice(1)), 'id', 'hex32'],
  ['id number', (s) => (s.id = 5), 'id', 'type-string'],
  ['tagKey without padding', (s) => (s.tagKey = s.tagKey.slice(0, 43)), 'tagKey', 'tag-key'],
  ['tagKey of 33 bytes', (s) => (s.tagKey = Buffer.alloc(33).toString('base64')), 'tagKey', 'tag-key'],
  ['tagKey base64url', (s) => (s.tagKey = '_'.repeat(43) + '='), 'tagKey', 'tag-key'],
  ['tagKey non-canonical bits', (s) => (s.tagKey = s.tagKey.slice(0, 42) + 'z='), 'tagKey', 'tag-key'],
  ['people missing', (s) => delete s.people, 'people', 'required'],
  ['people empty', (s) => (s.people = []), 'people', 'empty'],
  ['people 251', (s) => (s.people = Array.from({ length: 251 }, () => ({ name: 'x', orgs: ['CCP'] }))), 'people', 'max-items', { max: 250 }],
  ['people not array', (s) => (s.people = { name: 'x' }), 'people', 'type-array'],
  ['person not object', (s) => (s.people[1] = 'x'), 'people[1]', 'type-object'],
  ['name missing', (s) => delete s.people[1].name, 'people[1].name', 'required'],
  ['name empty', (s) => (s.people[1].name = ''), 'people[1].name', 'min-length', { min: 1 }],
  ['name 65 chars', (s) => (s.people[1].name = 'x'.repeat(65)), 'people[1].name', 'max-length', { max: 64 }],
  ['name with newline', (s) => (s.people[1].name = 'a\nb'), 'people[1].name', 'control-char', { char: 'U+000A' }],
  ['name with C1 control', (s) => (s.people[1].name = 'a\u0085'), 'people[1].name', 'control-char', { char: 'U+0085' }],
  ['name with DEL', (s) => (s.people[1].name = 'a\u007f'), 'people[1].name', 'control-char', { char: 'U+007F' }],
  ['name lone surrogate', (s) => (s.people[1].name = 'a\ud800'), 'people[1].name', 'well-formed'],
  ['name not NFC', (s) => (s.people[1].name = 'A\u030a'), 'people[1].name', 'nfc'],
  ['realName string', (s) => (s.people[0].realName = 'yes'), 'people[0].realName', 'type-boolean'],
  ['orgs missing', (s) => delete s.people[1].orgs, 'people[1].orgs', 'required'],
  ['orgs empty', (s) => (s.people[1].orgs = []), 'people[1].orgs', 'empty'],
  ['orgs a string', (s) => (s.people[1].orgs = 'CCP'), 'people[1].orgs', 'type-array'],
  ['orgs lower case', (s) => (s.people[1].orgs = ['ccp']), 'people[1].orgs[0]', 'enum', { allowed: 'CCP, CYL, CYP' }],
  ['orgs unknown', (s) => (s.people[1].orgs = ['CYP', 'KMT']), 'people[1].orgs[1]', 'enum'],
  ['orgs duplicate', (s) => (s.people[1].orgs = ['CYP', 'CCP', 'CYP']), 'people[1].orgs', 'duplicate-item', { value: 'CYP' }],
  ['group not object', (s) => (s.group = 'g'), 'group', 'type-object'],
  ['group id bad', (s) => (s.group.id = 'g'), 'group.id', 'hex32'],
  ['group part missing', (s) => delete s.group.part, 'group.part', 'required'],
  ['group part 0', (s) => (s.group.part = 0), 'group.part', 'range', { min: 1, max: 2 }],
  ['group part > parts', (s) => (s.group.part = 3), 'group.part', 'range', { min: 1, max: 2 }],
  ['group part 1.5', (s) => (s.group.part = 1.5), 'group.part', 'type-integer'],
  ['group parts 0', (s) => ((s.group.parts = 0), (s.group.part = 1)), 'group.parts', 'min', { min: 1 }],
  ['group parts string', (s) => (s.group.parts = '2'), 'group.parts', 'type-integer'],
  ['group parts huge', (s) => (s.group.parts = 2 ** 60), 'group.parts', 'type-integer'],
  ['region missing', (s) => delete s.region, 'region', 'required'],
  ['region an array', (s) => (s.region = ['CN']), 'region', 'type-object'],
  ['country missing', (s) => (s.region = {}), 'region.country', 'required'],
  ['country lower case', (s) => (s.region = { country: 'us' }), 'region.country', 'country'],
  ['country unassigned', (s) => (s.region = { country: 'XK' }), 'region.country', 'country'],
  ['country alpha-3', (s) => (s.region = { country: 'CHN', province: '110000' }), 'region.country', 'country'],
  ['CN without province', (s) => delete s.region.province, 'region.province', 'province-required'],
  ['HK with province', (s) => (s.region = { country: 'HK', province: '810000' }), 'region.province', 'province-forbidden'],
  ['TW with a mainland province', (s) => (s.region = { country: 'TW', province: '110000' }), 'region.province', 'province-forbidden'],
  ['province a number', (s) => (s.region.province = 440000), 'region.province', 'type-string'],
  ['province a city code', (s) => (s.region.province = '440300'), 'region.province', 'province'],
  ['province HK code', (s) => (s.region.province = '810000'), 'region.province', 'province'],
  ['city 65 chars', (s) => (s.region.city = '城'.repeat(65)), 'region.city', 'max-length', { max: 64 }],
  ['city with tab', (s) => (s.region.city = 'a\tb'), 'region.city', 'control-char', { char: 'U+0009' }],
  ['sector unknown', (s) => (s.sector = 'police'), 'sector', 'enum'],
  ['channel missing', (s) => delete s.channel, 'channel', 'required'],
  ['channel unknown', (s) => (s.channel = 'pigeon'), 'channel', 'enum'],
  ['date missing', (s) => delete s.date, 'date', 'required'],
  ['date with time', (s) => (s.date = '2026-11-27T10:00:00Z'), 'date', 'date-format'],
  ['date not zero-padded', (s) => (s.date = '2026-1-27'), 'date', 'date-format'],
  ['date 30 Feb', (s) => (s.date = '2024-02-30'), 'date', 'date-format'],
  ['date 29 Feb non-leap', (s) => (s.date = '2023-02-29'), 'date', 'date-format'],
  ['date month 13', (s) => (s.date = '2023-13-01'), 'date', 'date-format'],
  ['date 2004-12-02', (s) => (s.date = '2004-12-02'), 'date', 'date-min', { min: '2004-12-03' }],
  ['date today + 2', (s) => (s.date = '2026-11-30'), 'date', 'date-max', { max: '2026-11-29' }],
  ['text 4001 chars', (s) => (s.text = '字'.repeat(4001)), 'text', 'max-length', { max: 4000 }],
  ['text with CR', (s) => (s.text = 'a\r\nb'), 'text', 'control-char-text', { char: 'U+000D' }],
  ['text with NUL', (s) => (s.text = 'a\u0000'), 'text', 'control-char-text', { char: 'U+0000' }],
  ['text not NFC', (s) => (s.text = '\u1100\u1161'), 'text', 'nfc'],
  ['publish a number', (s) => (s.publish = 1), 'publish', 'type-boolean'],
  ['lang underscore', (s) => (s.lang = 'zh_CN'), 'lang', 'lang'],
  ['lang empty', (s) => (s.lang = ''), 'lang', 'lang'],
  ['lang private-use only', (s) => (s.lang = 'x-foo'), 'lang', 'lang'],
  ['lang number', (s) => (s.lang = 7), 'lang', 'type-string'],
];

describe('validateStatement: one rule at a time', () => {
  it.each(cases)('%s', (what, edit, field, rule, params) => {
    const value = loose(full());
    edit(value);

    const issues = statementIssues(value, opts);
    expect(issues, what).toHaveLength(1);
    expect(issues[0]).toMatchObject({ field, rule, key: `statement.rule.${rule}`, params: { field, ...params } });

    let err: unknown;
    try {
      validateStatement(value, opts);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    const e = err as InputError;
    expect([e.code, e.field, e.key]).toEqual(['invalid-statement', field, `statement.rule.${rule}`]);
    // The message names the field in both languages, and no placeholder is left unfilled.
    for (const lang of ['en', 'zh-CN'] as const) {
      const text = t(e.key, e.params, lang);
      expect(text).not.toMatch(/\{\w+\}/);
      expect(text).toContain(field);
    }
    expect(e.message).toBe(t(e.key, e.params, 'en'));
  });
});

describe('validateStatement: valid statements', () => {
  it('rejects anything but an object at the root', () => {
    for (const v of [['statement'], 'x', 1, null, undefined, true]) {
      expect(statementIssues(v, opts)).toEqual([{ field: '', rule: 'root-object', key: 'statement.rule.root-object', params: { field: '' } }]);
      expect(() => validateStatement(v, opts)).toThrow(expect.objectContaining({ code: 'invalid-statement', field: '' }));
    }
  });

  it('accepts the fixtures and returns a canonical copy sharing nothing with the input', () => {
    const input = full();
    const out = validateStatement(input, opts);
    expect(out).toEqual(input);
    expect(out).not.toBe(input);
    expect(out.people[0]).not.toBe(input.people[0]);
    expect(out.people[0]!.orgs).not.toBe(input.people[0]!.orgs);
    expect(out.region).not.toBe(input.region);
    expect(Object.keys(out)).toEqual(['v', 'kind', 'id', 'tagKey', 'people', 'group', 'region', 'sector', 'channel', 'date', 'text', 'publish', 'lang']);
    expect(validateStatement(minimal(), opts)).toEqual(minimal());
  });

  it('counts code points, not UTF-16 units: 64 emoji are a valid name, 65 are not', () => {
    const st = loose(minimal());
    st.people[0].name = '😀'.repeat(64);
    expect(st.people[0].name.length).toBe(128);
    expect(statementIssues(st, opts)).toEqual([]);
    st.people[0].name = '😀'.repeat(65);
    expect(statementIssues(st, opts)).toMatchObject([{ field: 'people[0].name', rule: 'max-length' }]);
    st.people[0].name = '𠀀'.repeat(64); // CJK Extension B, outside the BMP
    expect(statementIssues(st, opts)).toEqual([]);
    st.text = '😀'.repeat(4000);
    st.region.city = '😀'.repeat(64);
    expect(statementIssues(st, opts)).toEqual([]);
  });

  it('accepts the date bounds: 2004-12-03 and today + 1 (and a leap day)', () => {
    for (const date of ['2004-12-03', '2024-02-29', '2026-11-28', '2026-11-29']) {
      expect(statementIssues({ ...minimal(), date }, opts), date).toEqual([]);
    }
    // today + 1 across a month and a year end
    expect(statementIssues({ ...minimal(), date: '2027-01-01' }, { today: '2026-12-31' })).toEqual([]);
    expect(statementIssues({ ...minimal(), date: '2027-01-02' }, { today: '2026-12-31' })).toMatchObject([{ rule: 'date-max', params: { max: '2027-01-01' } }]);
  });

  it('defaults today to the UTC day', () => {
    const now = new Date();
    const plus = (d: number) => new Date(now.getTime() + d * 86_400_000).toISOString().slice(0, 10);
    expect(statementIssues({ ...minimal(), date: plus(1) })).toEqual([]);
    // Two days ahead is refused whatever the clock reads between now and the check.
    expect(statementIssues({ ...minimal(), date: plus(3) })).toMatchObject([{ rule: 'date-max' }]);
  });

  it('rejects a malformed opts.today as a caller bug', () => {
    expect(() => validateStatement(minimal(), { today: '28.11.2026' })).toThrow(RangeError);
  });

  it('accepts every channel and sector and HK/MO/TW without a province', () => {
    for (const channel of ['internet', 'phone', 'fax', 'email', 'paper', 'in-person', 'relay']) {
      expect(statementIssues({ ...minimal(), channel }, opts)).toEqual([]);
    }
    for (const country of ['HK', 'MO', 'TW', 'US', 'AQ']) {
      expect(statementIssues({ ...minimal(), region: { country } }, opts)).toEqual([]);
    }
  });

  it('accepts BCP 47 tags Intl accepts, in any case', () => {
    for (const lang of ['zh', 'zh-CN', 'zh-Hans-CN', 'zh-hant-tw', 'en-GB', 'ug', 'bo', 'yue-HK']) {
      expect(statementIssues({ ...minimal(), lang }, opts), lang).toEqual([]);
    }
  });

  it('treats JavaScript undefined as absent', () => {
    const st = { ...minimal(), sector: undefined, bogus: undefined, region: { country: 'HK', province: undefined } };
    expect(statementIssues(st, opts)).toEqual([]);
    expect(Object.keys(validateStatement(st, opts))).not.toContain('sector');
  });

  it('accepts newlines in text', () => {
    expect(statementIssues({ ...minimal(), text: 'a\nb\n\nc' }, opts)).toEqual([]);
  });
});

describe('statementIssues lists every problem at once', () => {
  it('reports each broken field once, in field order', () => {
    const s = loose(full());
    s.extra = true;
    s.id = 'nope';
    s.people[0].orgs = [];
    s.people[1].name = '';
    s.region = { country: 'CN' };
    s.date = '2004-01-01';
    s.lang = 'zh_CN';
    expect(statementIssues(s, opts).map((i) => `${i.field}:${i.rule}`)).toEqual([
      'extra:unknown-key',
      'id:hex32',
      'people[0].orgs:empty',
      'people[1].name:min-length',
      'region.province:province-required',
      'date:date-min',
      'lang:lang',
    ]);
  });

  it('lists problems of people past the 250 limit too', () => {
    const s = loose(minimal());
    s.people = Array.from({ length: 260 }, (_, i) => ({ name: i === 255 ? '' : 'x', orgs: ['CCP'] }));
    expect(statementIssues(s, opts).map((i) => `${i.field}:${i.rule}`)).toEqual(['people:max-items', 'people[255].name:min-length']);
  });

  it('never throws for odd values', () => {
    for (const v of [undefined, null, 0, '', [], () => 1, new Date(), Object.create(null), { people: [null, [], 1] }]) {
      expect(Array.isArray(statementIssues(v, opts))).toBe(true);
    }
  });
});

it('the validated type is the Statement type', () => {
  const st: Statement = validateStatement(full(), opts);
  expect(st.v).toBe(1);
});
