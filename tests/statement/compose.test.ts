import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { t } from '../../src/cli/i18n/index.js';
import {
  composeStatement,
  newStatementId,
  newTagKey,
  serializeStatement,
  statementIssues,
  validateStatement,
  type ComposeFields,
} from '../../src/statement/index.js';
import { TODAY } from './fixtures.js';

const opts = { today: TODAY };
const base: ComposeFields = { name: '王五', orgs: 'CCP', country: 'US' };

function composeError(fields: Partial<ComposeFields>): InputError {
  try {
    composeStatement({ ...base, ...fields } as ComposeFields, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected composeStatement to throw');
}

describe('newStatementId / newTagKey', () => {
  it('draw fresh random values of the right shape', () => {
    const ids = new Set(Array.from({ length: 100 }, newStatementId));
    const keys = new Set(Array.from({ length: 100 }, newTagKey));
    expect(ids.size).toBe(100);
    expect(keys.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/);
    for (const k of keys) expect(Buffer.from(k, 'base64')).toHaveLength(32);
    for (const k of keys) expect(k).toMatch(/^[A-Za-z0-9+/]{43}=$/);
  });
});

describe('composeStatement', () => {
  it('fills v, kind, a fresh id and tagKey, date = today, channel = internet', () => {
    const a = composeStatement(base, opts);
    const b = composeStatement(base, opts);
    expect(a).toMatchObject({ v: 1, kind: 'withdrawal', date: TODAY, channel: 'internet', people: [{ name: '王五', orgs: ['CCP'] }] });
    expect(a.id).not.toBe(b.id);
    expect(a.tagKey).not.toBe(b.tagKey);
    expect(statementIssues(a, opts)).toEqual([]);
    // defaults leave out realName/publish and every absent optional field
    expect(Object.keys(a)).toEqual(['v', 'kind', 'id', 'tagKey', 'people', 'region', 'channel', 'date']);
    expect(Object.keys(a.people[0]!)).toEqual(['name', 'orgs']);
  });

  it('defaults the date to the local day without opts.today', () => {
    const st = composeStatement(base);
    const now = new Date();
    const local = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
    const after = new Date();
    const localAfter = `${after.getFullYear()}-${String(after.getMonth() + 1).padStart(2, '0')}-${String(after.getDate()).padStart(2, '0')}`;
    expect([local, localAfter]).toContain(st.date);
  });

  it('keeps all given fields and one person per name', () => {
    const st = composeStatement(
      {
        name: ['张三', 'Li Si'],
        realName: true,
        orgs: 'ccp, cyl',
        country: 'cn',
        province: '广东',
        city: ' 深圳 ',
        sector: 'Public_Security',
        channel: 'In Person',
        date: '2026-11-01',
        text: 'line 1\r\nline 2\rline 3',
        publish: true,
        lang: 'zh_cn',
        group: { id: 'f'.repeat(32), part: 2, parts: 3 },
        id: 'a'.repeat(32),
        tagKey: Buffer.alloc(32, 7).toString('base64'),
      },
      opts,
    );
    expect(st).toEqual({
      v: 1,
      kind: 'withdrawal',
      id: 'a'.repeat(32),
      tagKey: Buffer.alloc(32, 7).toString('base64'),
      people: [
        { name: '张三', realName: true, orgs: ['CCP', 'CYL'] },
        { name: 'Li Si', realName: true, orgs: ['CCP', 'CYL'] },
      ],
      group: { id: 'f'.repeat(32), part: 2, parts: 3 },
      region: { country: 'CN', province: '440000', city: '深圳' },
      sector: 'public-security',
      channel: 'in-person',
      date: '2026-11-01',
      text: 'line 1\nline 2\nline 3',
      publish: true,
      lang: 'zh-CN',
    });
    expect(st.people[0]!.orgs).not.toBe(st.people[1]!.orgs);
  });

  it('reads orgs in any case and separator, in Chinese too, and puts them in spec order without duplicates', () => {
    const orgs = (o: ComposeFields['orgs']) => composeStatement({ ...base, orgs: o }, opts).people[0]!.orgs;
    expect(orgs('cyp|CCP')).toEqual(['CCP', 'CYP']);
    expect(orgs('CYL CYL ccp')).toEqual(['CCP', 'CYL']);
    expect(orgs('党、团、队')).toEqual(['CCP', 'CYL', 'CYP']);
    expect(orgs('共青团，少先队')).toEqual(['CYL', 'CYP']);
    expect(orgs(['CYP', 'cyl'])).toEqual(['CYL', 'CYP']);
  });

  it('resolves country names and province names to codes', () => {
    expect(composeStatement({ ...base, country: '香港' }, opts).region).toEqual({ country: 'HK' });
    expect(composeStatement({ ...base, country: 'Taiwan' }, opts).region).toEqual({ country: 'TW' });
    expect(composeStatement({ ...base, country: 'China', province: 'Beijing' }, opts).region).toEqual({ country: 'CN', province: '110000' });
    expect(composeStatement({ ...base, country: 'CN', province: '新疆维吾尔自治区' }, opts).region.province).toBe('650000');
    expect(composeStatement({ ...base, country: 'CN', province: '650000' }, opts).region.province).toBe('650000');
  });

  it('NFC-normalises what it is given (parsing would refuse it)', () => {
    const st = composeStatement({ ...base, name: 'Jose\u0301', city: 'Mu\u0308nchen', country: 'DE', text: 'cafe\u0301' }, opts);
    expect(st.people[0]!.name).toBe('José');
    expect(st.region.city).toBe('München');
    expect(st.text).toBe('café');
    expect(validateStatement(st, opts)).toEqual(st);
  });

  it('drops empty optional strings', () => {
    const st = composeStatement({ ...base, city: ' ', text: '', sector: '', lang: '', channel: '' }, opts);
    expect(st.region).toEqual({ country: 'US' });
    expect(st).not.toHaveProperty('text');
    expect(st).not.toHaveProperty('sector');
    expect(st).not.toHaveProperty('lang');
    expect(st.channel).toBe('internet');
  });

  it('output serialises and re-parses unchanged', () => {
    const st = composeStatement({ ...base, name: ['a', 'b'], text: 'x\ny' }, opts);
    expect(validateStatement(JSON.parse(new TextDecoder().decode(serializeStatement(st, opts))), opts)).toEqual(st);
  });

  it.each([
    ['no name', { name: [] }, '--name', 'required'],
    ['a blank name', { name: '  ' }, '--name', 'min-length'],
    ['the second name too long', { name: ['ok', '😀'.repeat(65)] }, '--name', 'max-length'],
    ['empty orgs', { orgs: ' , ' }, '--orgs', 'empty'],
    ['an unknown org', { orgs: 'CCP,KMT' }, '--orgs', 'enum'],
    ['no country', { country: '' }, '--country', 'required'],
    ['an unknown country', { country: 'Atlantis' }, '--country', 'country'],
    ['CN without province', { country: 'CN' }, '--province', 'province-required'],
    ['an unknown province', { country: 'CN', province: 'Gotham' }, '--province', 'province'],
    ['a province outside CN', { country: 'HK', province: '北京' }, '--province', 'province-forbidden'],
    ['a long city', { city: 'c'.repeat(65) }, '--city', 'max-length'],
    ['a bad sector', { sector: 'police' }, '--sector', 'enum'],
    ['a bad channel', { channel: 'pigeon' }, '--channel', 'enum'],
    ['a bad date', { date: '2026-02-30' }, '--date', 'date-format'],
    ['a future date', { date: '2026-12-01' }, '--date', 'date-max'],
    ['an old date', { date: '2000-01-01' }, '--date', 'date-min'],
    ['a tab in text', { text: 'a\tb' }, '--text', 'control-char-text'],
    ['a long text', { text: 'x'.repeat(4001) }, '--text', 'max-length'],
    ['a bad lang', { lang: 'not a tag' }, '--text-lang', 'lang'],
    ['a bad group', { group: { id: 'x', part: 1, parts: 1 } }, '--group', 'hex32'],
    ['a bad id', { id: 'x' }, '--id', 'hex32'],
    ['a bad tag key', { tagKey: 'x' }, '--tag-key', 'tag-key'],
  ] as [string, Partial<ComposeFields>, string, string][])('names the flag for %s', (_, fields, flag, rule) => {
    const e = composeError(fields);
    expect([e.code, e.field, e.key]).toEqual(['invalid-statement', flag, `statement.rule.${rule}`]);
    expect(e.params.field).toBe(flag);
    expect(e.message).toBe(t(e.key, e.params, 'en'));
    expect(e.message).toContain(flag);
    expect(t(e.key, e.params, 'zh-CN')).toContain(flag);
  });
});
