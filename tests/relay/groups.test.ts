/**
 * Group statements (CLI spec, CSV rules): agreement on country, province, date and channel with the
 * group's first good row; city, sector, text and publish from that row; splitting over 250 people
 * or over the 16 KiB bucket into parts with group.id / part / parts, each part its own id; and the
 * row mapping (booleans, orgs with |, channel relay by default, country in any case).
 */
import { describe, expect, it } from 'vitest';
import { MAX_PLAINTEXT } from '../../src/crypto/padding.js';
import { serializeStatement, statementIssues } from '../../src/statement/index.js';
import { groupStatements, Groups, rowStatement, splitPeople } from '../../src/relay/groups.js';
import { Occurrences } from '../../src/relay/ids.js';
import { isRejected, readHeader, readRow, type GoodRow } from '../../src/relay/rows.js';

const secret = new Uint8Array(32).fill(7);
const TODAY = '2025-01-01';
const base = { orgs: 'CCP|CYL', country: 'cn', province: '110000', date: '2024-06-04' };

function good(values: Record<string, string>, line = 2): GoodRow {
  const r = readRow(values, line, TODAY);
  if (isRejected(r)) throw new Error(`rejected: ${r.code}`);
  return r;
}

describe('rows', () => {
  it('maps the columns: orgs with |, booleans in any case, empty channel = relay, country in any case', () => {
    const r = good({ ...base, name: ' 小李 ', real_name: 'YES', publish: '0', channel: '', city: '', text: 'a\r\nb' });
    expect(r.person).toEqual({ name: '小李', realName: true, orgs: ['CCP', 'CYL'] });
    expect(r.shared).toEqual({ region: { country: 'CN', province: '110000' }, channel: 'relay', date: '2024-06-04', text: 'a\nb' });
  });

  it('names the column and a stable code for each bad value', () => {
    const code = (v: Record<string, string>) => {
      const r = readRow({ name: 'x', ...base, ...v }, 2, TODAY);
      return isRejected(r) ? r.code : 'good';
    };
    expect(code({ orgs: '' })).toBe('missing-field:orgs');
    expect(code({ name: '' })).toBe('missing-field:name');
    expect(code({ province: '' })).toBe('missing-field:province');
    expect(code({ orgs: 'CCP|XYZ' })).toBe('bad-value:orgs');
    expect(code({ publish: 'maybe' })).toBe('bad-value:publish');
    expect(code({ date: '2024-13-01' })).toBe('bad-value:date');
    expect(code({ sector: 'spies' })).toBe('bad-value:sector');
    expect(code({ country: 'HK' })).toBe('bad-value:province');
    expect(code({ id: 'nothex' })).toBe('bad-value:id');
    expect(code({ channel: 'PHONE' })).toBe('good');
  });

  it('refuses a header without a required column, with an unknown or a repeated one', () => {
    expect(readHeader(['Name', 'ORGS', 'country', 'date', 'Real-Name'], 'f')).toEqual(['name', 'orgs', 'country', 'date', 'real_name']);
    expect(() => readHeader(['name', 'orgs', 'country'], 'f')).toThrow(/no date column/);
    expect(() => readHeader(['name', 'orgs', 'country', 'date', 'provence'], 'f')).toThrow(/unknown column provence/);
    expect(() => readHeader(['name', 'orgs', 'country', 'date', 'name'], 'f')).toThrow(/twice/);
  });
});

describe('groups', () => {
  it('rejects a row that disagrees with the first good row, and takes city, sector, text and publish from that row', () => {
    const g = new Groups();
    const first = good({ ...base, name: 'A', group: 'g', city: 'Beijing', text: 'first', publish: 'true' }, 2);
    expect(g.add(first as GoodRow & { group: string })).toBeNull();
    for (const [col, v] of [['country', 'TW'], ['province', '120000'], ['date', '2024-06-05'], ['channel', 'phone']] as const) {
      const vals = { ...base, name: 'B', group: 'g', [col]: v, ...(col === 'country' ? { province: '' } : {}) };
      expect(g.add(good(vals) as GoodRow & { group: string })).toMatchObject({ code: 'group-mismatch', params: { column: col } });
    }
    expect(g.add(good({ ...base, name: 'C', group: 'g', city: 'Other', text: 'ignored', sector: 'education' }, 9) as GoodRow & { group: string })).toBeNull();
    const rows = [...g.all()][0]!;
    const [p] = groupStatements(rows, secret, new Occurrences());
    expect(p!.line).toBe(2);
    expect(p!.statement.people.map((x) => x.name)).toEqual(['A', 'C']);
    expect(p!.statement).toMatchObject({ region: { city: 'Beijing' }, text: 'first', publish: true });
    expect(p!.statement.sector).toBeUndefined();
    expect(p!.statement.group).toBeUndefined();
    expect(statementIssues(p!.statement, { today: TODAY })).toEqual([]);
  });

  it('splits a 600-person group into 3 parts of at most 250, in row order, each with its own id and one group id', () => {
    const rows = Array.from({ length: 600 }, (_, i) => good({ ...base, name: `p${i}`, group: 'big' }, i + 2));
    const parts = groupStatements(rows, secret, new Occurrences());
    expect(parts.map((p) => p.statement.people.length)).toEqual([250, 250, 100]);
    expect(parts.map((p) => p.line)).toEqual([2, 252, 502]);
    expect(parts.map((p) => p.statement.people[0]!.name)).toEqual(['p0', 'p250', 'p500']);
    const gid = parts[0]!.statement.group!.id;
    expect(parts.map((p) => p.statement.group)).toEqual([1, 2, 3].map((part) => ({ id: gid, part, parts: 3 })));
    expect(new Set(parts.map((p) => p.statement.id)).size).toBe(3);
    for (const p of parts) expect(serializeStatement(p.statement, { today: TODAY }).length).toBeLessThanOrEqual(MAX_PLAINTEXT);
    // The same group again gives the same ids (re-import); a second identical group in the file other ids.
    const again = groupStatements(rows, secret, new Occurrences());
    expect(again.map((p) => p.statement.id)).toEqual(parts.map((p) => p.statement.id));
    const occ = new Occurrences();
    groupStatements(rows, secret, occ);
    expect(groupStatements(rows, secret, occ)[0]!.statement.id).not.toBe(parts[0]!.statement.id);
  });

  it('splits by bytes when 250 people do not fit the 16 KiB bucket', () => {
    const long = 'é'.repeat(60);
    const rows = Array.from({ length: 200 }, (_, i) => good({ ...base, name: `${long}${i}`, group: 'g' }));
    const parts = splitPeople(rows.map((r) => r.person), rows[0]!.shared);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.flat().length).toBe(200);
    for (const p of groupStatements(rows, secret, new Occurrences())) expect(serializeStatement(p.statement, { today: TODAY }).length).toBeLessThanOrEqual(MAX_PLAINTEXT);
  });

  it('keys a split group by the id given in the first row, and uses a given id and tag key as they are', () => {
    const id = '00112233445566778899aabbccddeeff';
    const tagKey = Buffer.alloc(32, 1).toString('base64');
    const single = rowStatement(good({ ...base, name: 'x', id, tag_key: tagKey }), secret, new Occurrences());
    expect(single.statement).toMatchObject({ id, tagKey });
    const rows = Array.from({ length: 300 }, (_, i) => good({ ...base, name: `p${i}`, group: 'g', ...(i === 0 ? { id } : {}) }));
    const withId = groupStatements(rows, secret, new Occurrences());
    const otherSecret = groupStatements(rows, new Uint8Array(32), new Occurrences());
    expect(withId.map((p) => p.statement.id)).toEqual(otherSecret.map((p) => p.statement.id));
    expect(withId[0]!.statement.group!.id).toBe(otherSecret[0]!.statement.group!.id);
  });
});
