/**
 * What the tally writes to `--private` and never publishes (issue 10, points 1 and 2): likely
 * duplicates (they name people), sectors before suppression, channels, real names against
 * aliases, group sizes, a daily series, and why envelopes were rejected in detail.
 */
import { byteOrder } from '../../log/counted.js';
import { csv } from './report.js';
import type { Count, Sums } from './sums.js';
import type { LikelyGroup } from './counted-set.js';

const rows = <K extends string | number>(m: ReadonlyMap<K, Count>, cmp: (a: K, b: K) => number) =>
  [...m].filter(([, c]) => c.statements !== 0).sort((a, b) => cmp(a[0], b[0]));

/**
 * The private tables by file name (CSV) and `private.json`, from every run's sums and the groups
 * of likely duplicates (`counted-set.ts`).
 */
export function privateReport(sums: Sums, likely: readonly LikelyGroup[], details: Readonly<Record<string, number>>): Record<string, string> {
  const cells = new Map<string, Count>();
  const sectors = new Map<string, Count>();
  for (const [key, c] of sums.cells) {
    if (c.statements === 0) continue;
    const [week, region, sector] = key.split('\t') as [string, string, string];
    const cell = `${region},${week},${sector}`;
    const a = cells.get(cell) ?? { statements: 0, people: 0 };
    a.statements += c.statements;
    a.people += c.people;
    cells.set(cell, a);
    const b = sectors.get(sector) ?? { statements: 0, people: 0 };
    b.statements += c.statements;
    b.people += c.people;
    sectors.set(sector, b);
  }
  const { channels, sizes, days, real, alias } = sums;
  const groups = [...sums.groups.values()].filter((n) => n > 0).length;
  // Same people, same place, same day, in different statements: likely one withdrawal sent twice.
  const same: Array<{ date: string; region: string; names: readonly string[]; tags: readonly string[] }> = [];
  for (const { region, tail, tags } of likely) {
    const [date, ...names] = tail.split('\t') as [string, ...string[]];
    same.push({ date, region, names, tags });
  }
  const dupes = same.sort((a, b) => byteOrder(a.date, b.date) || byteOrder(a.region, b.region));
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
    splitGroups: groups,
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
