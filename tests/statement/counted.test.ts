/** The fields kept for `verify --counted` (wire spec 9) and the ISO week of spec 8's counted entries. */
import { describe, expect, it } from 'vitest';
import { composeStatement, newStatementId, newTagKey, validateStatement } from '../../src/statement/index.js';
import { countedKeep, isCountedKeep, isoWeek } from '../../src/statement/counted.js';

describe('isoWeek (%G-W%V)', () => {
  it('follows ISO 8601, also where the week-numbering year differs from the calendar year', () => {
    const cases: [string, string][] = [
      ['2026-11-30', '2026-W49'], ['2026-11-29', '2026-W48'], ['2021-01-03', '2020-W53'], ['2024-12-30', '2025-W01'],
      ['2026-01-01', '2026-W01'], ['2027-01-01', '2026-W53'], ['2004-12-03', '2004-W49'], ['2020-12-31', '2020-W53'],
      ['2008-12-29', '2009-W01'], ['2010-01-03', '2009-W53'], ['2016-02-29', '2016-W09'],
    ];
    for (const [d, w] of cases) expect(isoWeek(d), d).toBe(w);
  });
});

describe('countedKeep', () => {
  it('keeps id, tagKey and the counted entry fields, never a name or the text', () => {
    const st = validateStatement({
      v: 1,
      kind: 'withdrawal',
      id: newStatementId(),
      tagKey: newTagKey(),
      people: [{ name: '王秀英', orgs: ['CCP', 'CYL'] }, { name: '李', orgs: ['CYP'] }, { name: '张', orgs: ['CYL'] }],
      region: { country: 'CN', province: '440000', city: '广州' },
      sector: 'education',
      channel: 'phone',
      date: '2026-11-30',
      text: '我退出',
    }, { today: '2026-11-30' });
    const k = countedKeep(st);
    expect(k).toEqual({ id: st.id, tagKey: st.tagKey, week: '2026-W49', people: 3, ccp: 1, cyl: 2, cyp: 1, region: 'CN-440000', sector: 'education' });
    expect(JSON.stringify(k)).not.toMatch(/王秀英|广州|我退出/);
    expect(isCountedKeep(k)).toBe(true);
    expect(isCountedKeep({ ...k, people: -1 })).toBe(false);
    const abroad = countedKeep(composeStatement({ name: 'a', orgs: 'CCP', country: 'TW', date: '2026-01-01' }));
    expect(abroad).toMatchObject({ region: 'TW', sector: '-', week: '2026-W01' });
  });
});
