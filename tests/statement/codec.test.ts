import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { parseStatement, parseStatementJson, serializeStatement, type Statement } from '../../src/statement/index.js';
import { dec, enc, full, loose, minimal, TODAY } from './fixtures.js';

const opts = { today: TODAY };

function parseError(bytes: Uint8Array | string): InputError {
  try {
    parseStatement(typeof bytes === 'string' ? enc(bytes) : bytes, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected parseStatement to throw');
}

describe('serializeStatement', () => {
  it('writes canonical bytes: spec 2 key order, no whitespace, absent fields omitted', () => {
    expect(dec(serializeStatement(full(), opts))).toBe(
      '{"v":1,"kind":"withdrawal","id":"0123456789abcdef0123456789abcdef",' +
        '"tagKey":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",' +
        '"people":[{"name":"张三","realName":true,"orgs":["CCP","CYL"]},{"name":"Li Si","orgs":["CYP"]}],' +
        '"group":{"id":"fedcba9876543210fedcba9876543210","part":1,"parts":2},' +
        '"region":{"country":"CN","province":"440000","city":"深圳"},' +
        '"sector":"education","channel":"internet","date":"2026-11-27",' +
        '"text":"我声明退出。\\n第二行","publish":false,"lang":"zh-CN"}',
    );
    expect(dec(serializeStatement(minimal(), opts))).toBe(
      '{"v":1,"kind":"withdrawal","id":"00000000000000000000000000000000",' +
        '"tagKey":"//////////////////////////////////////////8=","people":[{"name":"a","orgs":["CCP"]}],' +
        '"region":{"country":"HK"},"channel":"paper","date":"2004-12-03"}',
    );
  });

  it('does not depend on the key order of its input', () => {
    const st = full();
    const shuffled = Object.fromEntries(Object.entries(st).reverse()) as unknown as Statement;
    shuffled.region = { city: '深圳', province: '440000', country: 'CN' };
    expect(dec(serializeStatement(shuffled, opts))).toBe(dec(serializeStatement(st, opts)));
  });

  it('omits optional fields that are undefined', () => {
    const st = { ...minimal(), sector: undefined, text: undefined } as unknown as Statement;
    expect(dec(serializeStatement(st, opts))).not.toContain('sector');
  });

  it('NFC-normalises strings before validating', () => {
    const st = full();
    st.people[0]!.name = 'Jose\u0301'; // e + combining acute
    st.text = 'cafe\u0301';
    const out = dec(serializeStatement(st, opts));
    expect(out).toContain('"name":"José"');
    expect(out).toContain('"text":"café"');
  });

  it('refuses an invalid statement', () => {
    const st = loose(minimal());
    st.channel = 'pigeon';
    expect(() => serializeStatement(st as Statement, opts)).toThrow(expect.objectContaining({ code: 'invalid-statement', field: 'channel' }));
  });
});

describe('parseStatement', () => {
  it('round-trips byte-identically', () => {
    for (const st of [full(), minimal()]) {
      const bytes = serializeStatement(st, opts);
      const back = parseStatement(bytes, opts);
      expect(back).toEqual(JSON.parse(dec(bytes)));
      expect(serializeStatement(back, opts)).toEqual(bytes);
    }
  });

  it('accepts any key order and insignificant whitespace', () => {
    const text = JSON.stringify(loose(full()), null, 2).replace('"v": 1', '"v" :\t1');
    expect(serializeStatement(parseStatement(enc(text), opts), opts)).toEqual(serializeStatement(full(), opts));
  });

  it.each([
    ['top level', '{"v":1,"v":1}', 'v'],
    ['a person', '{"people":[{"name":"a","orgs":["CCP"],"name":"b"}]}', 'people[0].name'],
    ['the third person', '{"people":[{},{},{"orgs":[],"orgs":[]}]}', 'people[2].orgs'],
    ['region', '{"region":{"country":"CN","province":"110000","country":"HK"}}', 'region.country'],
    ['group', '{"group":{"id":"x","part":1,"part":2}}', 'group.part'],
    ['an unknown nested object', '{"x":{"y":{"z":1,"z":1}}}', 'x.y.z'],
    ['a key equal after escape decoding', '{"v":1,"\\u0076":1}', 'v'],
  ])('rejects a duplicate key in %s', (_, json, field) => {
    const e = parseError(json);
    expect(e.code).toBe('duplicate-key');
    expect(e.field).toBe(field);
    expect(e.key).toBe('statement.json.duplicate-key');
  });

  it('rejects duplicate keys even where the last value would be valid (JSON.parse would accept)', () => {
    const text = dec(serializeStatement(minimal(), opts)).replace('"channel":"paper"', '"channel":"bogus","channel":"paper"');
    expect(() => JSON.parse(text)).not.toThrow();
    expect(parseError(text).code).toBe('duplicate-key');
  });

  it.each([
    ['a value', (s: string) => s.replace('"name":"a"', '"name":"a\\ud800"'), 'people[0].name'],
    ['a low surrogate alone', (s: string) => s.replace('"name":"a"', '"name":"\\udc00a"'), 'people[0].name'],
    ['a reversed pair', (s: string) => s.replace('"name":"a"', '"name":"\\udc00\\ud800"'), 'people[0].name'],
    ['a key', (s: string) => s.replace('"channel"', '"\\ud800x":1,"channel"'), '["\\ud800x"]'],
  ])('rejects an escaped lone surrogate in %s', (_, edit, field) => {
    const e = parseError(edit(dec(serializeStatement(minimal(), opts))));
    expect(e.code).toBe('bad-json');
    expect(e.key).toBe('statement.json.lone-surrogate');
    expect(e.field).toBe(field);
  });

  it('accepts an escaped surrogate pair as one code point', () => {
    const text = dec(serializeStatement(minimal(), opts)).replace('"name":"a"', '"name":"\\ud83d\\ude00"');
    expect(parseStatement(enc(text), opts).people[0]!.name).toBe('😀');
  });

  it('rejects a raw (UTF-8 encoded) lone surrogate and other bad UTF-8 as bad-utf8', () => {
    const good = serializeStatement(minimal(), opts);
    const at = dec(good).indexOf('"a"') + 1;
    for (const bad of [[0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xff], [0xe4, 0xb8]]) {
      const bytes = new Uint8Array([...good.slice(0, at), ...bad, ...good.slice(at + 1)]);
      const e = parseError(bytes);
      expect(e.code).toBe('bad-utf8');
      expect(e.key).toBe('statement.utf8');
    }
  });

  it('rejects non-NFC text instead of normalising it', () => {
    const text = dec(serializeStatement(minimal(), opts)).replace('"name":"a"', '"name":"Jose\u0301"');
    const e = parseError(text);
    expect([e.code, e.field, e.key]).toEqual(['invalid-statement', 'people[0].name', 'statement.rule.nfc']);
  });

  it('rejects a byte order mark', () => {
    const e = parseError(new Uint8Array([0xef, 0xbb, 0xbf, ...serializeStatement(minimal(), opts)]));
    expect([e.code, e.key]).toEqual(['bad-json', 'statement.json.bom']);
  });

  it.each([
    ['empty input', ''],
    ['only whitespace', ' \n'],
    ['a trailing comma', '{"v":1,}'],
    ['a trailing comma in an array', '{"a":[1,]}'],
    ['single quotes', "{'v':1}"],
    ['an unquoted key', '{v:1}'],
    ['a comment', '{"v":1 /* c */}'],
    ['NaN', '{"v":NaN}'],
    ['a leading zero', '{"v":01}'],
    ['a leading plus', '{"v":+1}'],
    ['a bare decimal point', '{"v":1.}'],
    ['hex', '{"v":0x1}'],
    ['an unescaped newline in a string', '{"text":"a\nb"}'],
    ['an unescaped tab in a string', '{"text":"a\tb"}'],
    ['a bad escape', '{"text":"\\x41"}'],
    ['a short unicode escape', '{"text":"\\u12"}'],
    ['an unterminated string', '{"text":"abc'],
    ['an unterminated object', '{"v":1'],
    ['a missing colon', '{"v" 1}'],
    ['two values', '{"v":1} {"v":1}'],
    ['trailing garbage', '{"v":1}x'],
    ['a capitalised literal', '{"publish":True}'],
    ['non-JSON whitespace (NBSP)', '{"v":1}\u00a0'],
    ['a vertical tab', '{\u000b"v":1}'],
  ])('rejects %s as bad-json', (_, text) => {
    const e = parseError(text);
    expect([e.code, e.key]).toEqual(['bad-json', 'statement.json.syntax']);
    expect(typeof e.params.line).toBe('number');
  });

  it('points at the line and column of a syntax error', () => {
    const e = parseError('{\n  "v": 1,\n  "kind" "withdrawal"\n}');
    expect(e.params).toMatchObject({ line: 3, column: 10 });
  });

  it('rejects deep nesting without overflowing the stack', () => {
    const e = parseError('['.repeat(100_000));
    expect([e.code, e.key]).toEqual(['bad-json', 'statement.json.too-deep']);
  });

  it('treats a __proto__ key as an unknown key, not a prototype', () => {
    const text = dec(serializeStatement(minimal(), opts)).replace('{"v":1', '{"__proto__":{"x":1},"v":1');
    const e = parseError(text);
    expect([e.code, e.field, e.key]).toEqual(['invalid-statement', '__proto__', 'statement.rule.unknown-key']);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('rejects valid JSON that is not an object', () => {
    for (const text of ['[]', '"x"', '1', 'null', '"\\ud800"']) {
      const e = parseError(text);
      expect([e.code, e.field, e.key]).toEqual(['invalid-statement', '', 'statement.rule.root-object']);
    }
  });

  it('reads numbers as JSON numbers (1.0 is 1, 1e0 is 1)', () => {
    const text = dec(serializeStatement(full(), opts)).replace('"v":1', '"v":1.0').replace('"parts":2', '"parts":2e0');
    expect(parseStatement(enc(text), opts)).toEqual(full());
  });

  it('parseStatementJson parses without validating', () => {
    expect(parseStatementJson(enc('{"a":[1,2,{"b":null}]}'))).toEqual({ a: [1, 2, { b: null }] });
    expect(() => parseStatementJson(enc('{"a":1,"a":2}'))).toThrow(expect.objectContaining({ code: 'duplicate-key' }));
    expect(() => parseStatementJson('{}' as unknown as Uint8Array)).toThrow(TypeError);
  });
});
