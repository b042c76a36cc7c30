/**
 * What a submitter keeps of their own statement to find it later in the published counted log
 * (wire spec 9, `verify --counted`; spec 8 counted entries): the statement's `id` and `tagKey`
 * and the fields of its counted entry — ISO week, people, per-organisation counts, region,
 * sector. Never names or text. Kept only with `--keep-receipts`, sealed under the passphrase.
 */
import type { Statement } from './types.js';

/** The fields of a counted entry (spec 8) but its tag. `sector` is `-` when the statement names none (or it is suppressed). */
export interface CountedFields {
  /** `%G-W%V` of the statement's date, e.g. `2026-W48`. */
  readonly week: string;
  readonly people: number;
  readonly ccp: number;
  readonly cyl: number;
  readonly cyp: number;
  /** `CN-<province code>` for the mainland, else the country code. */
  readonly region: string;
  readonly sector: string;
}

/** The kept fields (spec 9): the statement's id and tag key, and its counted-entry fields. */
export interface CountedKeep extends CountedFields {
  readonly id: string;
  readonly tagKey: string;
}

/** ISO 8601 week of a `YYYY-MM-DD` day, as `%G-W%V` (the week-numbering year may differ from the calendar year). */
export function isoWeek(date: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  // The Thursday of the same week decides the year (ISO 8601).
  const monday0 = (d.getUTCDay() + 6) % 7;
  d.setUTCDate(d.getUTCDate() - monday0 + 3);
  const year = d.getUTCFullYear();
  // Week 1 holds the year's first Thursday, so the Thursday's day of the year gives the week.
  const week = 1 + Math.floor((d.getTime() - Date.UTC(year, 0, 1)) / 86_400_000 / 7);
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** Weeks of days seen (a tally asks for the same few thousand days millions of times). */
const weeks = new Map<string, string>();

function weekOf(date: string): string {
  let w = weeks.get(date);
  if (w === undefined) {
    w = isoWeek(date);
    if (weeks.size < 100_000) weeks.set(date, w);
  }
  return w;
}

/** The kept fields of a validated statement. */
export function countedKeep(st: Statement): CountedKeep {
  let ccp = 0;
  let cyl = 0;
  let cyp = 0;
  // One pass over the people (validated: each org at most once per person).
  for (const p of st.people) {
    for (const o of p.orgs) {
      if (o === 'CCP') ccp++;
      else if (o === 'CYL') cyl++;
      else if (o === 'CYP') cyp++;
    }
  }
  return {
    id: st.id,
    tagKey: st.tagKey,
    week: weekOf(st.date),
    people: st.people.length,
    ccp,
    cyl,
    cyp,
    region: st.region.country === 'CN' ? `CN-${st.region.province}` : st.region.country,
    sector: st.sector ?? '-',
  };
}

/** Whether `x` has the shape of {@link CountedKeep} (read back from a kept outbox item). */
export function isCountedKeep(x: unknown): x is CountedKeep {
  if (!x || typeof x !== 'object') return false;
  const c = x as Record<string, unknown>;
  const nat = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
  return (
    typeof c.id === 'string' && /^[0-9a-f]{32}$/.test(c.id) &&
    typeof c.tagKey === 'string' && c.tagKey.length === 44 &&
    typeof c.week === 'string' && /^\d{4}-W\d{2}$/.test(c.week) &&
    nat(c.people) && nat(c.ccp) && nat(c.cyl) && nat(c.cyp) &&
    typeof c.region === 'string' && typeof c.sector === 'string'
  );
}
