/**
 * What the tally writes to `--private` and never publishes (issue 10, points 1 and 2): likely
 * duplicates (they name people), sectors before suppression, channels, real names against
 * aliases, group sizes, a daily series, and why envelopes were rejected in detail.
 */
import { byteOrder } from '../../log/counted.js';
import type { OpenedStatement } from './open.js';
import { csv } from './report.js';

function count<K extends string | number>(m: Map<K, { statements: number; people: number }>, key: K, people: number): void {
  const c = m.get(key) ?? { statements: 0, people: 0 };
  c.statements++;
  c.people += people;
  m.set(key, c);
}

const rows = <K extends string | number>(m: Map<K, { statements: number; people: number }>, cmp: (a: K, b: K) => number) =>
  [...m].sort((a, b) => cmp(a[0], b[0]));

/** The private tables by file name (CSV) and `private.json`. */
export function privateReport(statements: Iterable<OpenedStatement>, details: Readonly<Record<string, number>>): Record<string, string> {
  const cells = new Map<string, { statements: number; people: number }>();
  const sectors = new Map<string, { statements: number; people: number }>();
  const channels = new Map<string, { statements: number; people: number }>();
  const sizes = new Map<number, { statements: number; people: number }>();
  const days = new Map<string, { statements: number; people: number }>();
  const same = new Map<string, { date: string; region: string; names: readonly string[]; tags: string[] }>();
  const groups = new Set<string>();
  let real = 0;
  let alias = 0;
  for (const s of statements) {
    count(cells, `${s.region},${s.week},${s.sector}`, s.people);
    count(sectors, s.sector, s.people);
    count(channels, s.channel, s.people);
    count(sizes, s.people, s.people);
    count(days, s.date, s.people);
    real += s.realNames;
    alias += s.people - s.realNames;
    if (s.group) groups.add(s.group.split(' ')[0]!);
    if (s.names) {
      const names = s.names.length > 1 ? [...s.names].sort(byteOrder) : s.names;
      // Same people, same place, same day, in different statements: likely one withdrawal sent twice.
      // U+0000 separates: no name, region or date holds a control character (spec 2).
      const key = `${s.date}\u0000${s.region}\u0000${names.join('\u0000')}`;
      const hit = same.get(key) ?? { date: s.date, region: s.region, names, tags: [] };
      hit.tags.push(s.tag);
      same.set(key, hit);
    }
  }
  const dupes = [...same.values()].filter((d) => d.tags.length > 1).sort((a, b) => byteOrder(a.date, b.date) || byteOrder(a.region, b.region));
  let cumulative = 0;
  const daily = rows(days, byteOrder).map(([date, c]) => [date, c.people, c.statements, (cumulative += c.people)] as const);
  const json = {
    v: 1,
    likelyDuplicates: dupes,
    sectorCells: rows(cells, byteOrder).map(([k, c]) => ({ cell: k, ...c })),
    sectors: Object.fromEntries(rows(sectors, byteOrder)),
    channels: Object.fromEntries(rows(channels, byteOrder)),
    names: { real, alias },
    groupSizes: Object.fromEntries(rows(sizes, (a, b) => a - b)),
    splitGroups: groups.size,
    daily: daily.map(([date, people, statements, cumulativePeople]) => ({ date, people, statements, cumulativePeople })),
    rejectedDetails: details,
  };
  return {
    'private.json': `${JSON.stringify(json, null, 2)}\n`,
    'likely-duplicates.csv': csv(['date', 'region', 'names', 'statements', 'tags'], dupes.map((d) => [d.date, d.region, d.names.join('; '), d.tags.length, d.tags.join(' ')])),
    'sector-cells.csv': csv(['region', 'week', 'sector', 'statements', 'people'], rows(cells, byteOrder).map(([k, c]) => [...k.split(','), c.statements, c.people])),
    'sectors.csv': csv(['sector', 'statements', 'people'], rows(sectors, byteOrder).map(([k, c]) => [k, c.statements, c.people])),
    'channels.csv': csv(['channel', 'statements', 'people'], rows(channels, byteOrder).map(([k, c]) => [k, c.statements, c.people])),
    'names.csv': csv(['kind', 'people'], [['real', real], ['alias', alias]]),
    'group-sizes.csv': csv(['people_per_statement', 'statements'], rows(sizes, (a, b) => a - b).map(([k, c]) => [k, c.statements])),
    'daily.csv': csv(['date', 'people', 'statements', 'cumulative_people'], daily),
    'rejected-details.csv': csv(['detail', 'envelopes'], Object.entries(details).sort((a, b) => byteOrder(a[0], b[0]))),
  };
}
