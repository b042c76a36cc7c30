/**
 * One run's batch of the counted log (wire spec 8): the statements new since the last run as
 * counted entries, sectors of small cells suppressed, sorted by (week, tag) in byte order so that
 * the order says nothing about arrival.
 */
import { byteOrder, type CountedEntry } from '../../log/counted.js';
import type { OpenedStatement } from './open.js';

/** Spec 8: a sector is published only when at least this many entries of the batch share region, sector and week. */
export const SECTOR_CELL_MIN = 10;

/** The (region, sector, week) cell of a statement, for suppression. */
export function sectorCell(s: Pick<OpenedStatement, 'region' | 'sector' | 'week'>): string {
  return `${s.region} ${s.sector} ${s.week}`;
}

/** The batch's entries in log order. */
export function buildBatch(statements: readonly OpenedStatement[]): CountedEntry[] {
  const cells = new Map<string, number>();
  for (const s of statements) if (s.sector !== '-') cells.set(sectorCell(s), (cells.get(sectorCell(s)) ?? 0) + 1);
  const entries = statements.map(
    (s): CountedEntry => ({
      tag: s.tag,
      week: s.week,
      people: s.people,
      ccp: s.ccp,
      cyl: s.cyl,
      cyp: s.cyp,
      region: s.region,
      sector: s.sector !== '-' && (cells.get(sectorCell(s)) ?? 0) >= SECTOR_CELL_MIN ? s.sector : '-',
    }),
  );
  return entries.sort((a, b) => byteOrder(a.week, b.week) || byteOrder(a.tag, b.tag));
}
