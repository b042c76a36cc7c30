/**
 * The tally's record of one counted statement: one line of tab-separated fields, made by the
 * opening threads and kept as it is by the journal, the run files and the commit (a bench/tally
 * finding: a million statements as objects cost more to clone, journal, hold and collect than to
 * open). Fixed offsets put the week and the tag first, so that the plain string order of records is
 * the counted log's (week, tag) byte order (spec 8), and dedup reads the id and tag without parsing:
 *
 *   <week>\t<tag>\t<id>\t<region>\t<sector>\t<people>\t<ccp>\t<cyl>\t<cyp>\t<channel>\t<realNames>\t<group|->\t<date>[\t<name>…]
 *
 * week `%G-W%V` (8 characters: dates are 4-digit years, spec 2), tag 64 and id 32 hex digits.
 * Names (only with `--private`) are sorted and hold no control character (spec 2), so no tab or
 * newline; the record's tail from the date on is then, with the region, the key of likely
 * duplicates (same day, region and people).
 */
import type { OpenedStatement } from './open.js';

const WEEK_END = 8;
const TAG_AT = 9;
const TAG_END = 73;
const ID_AT = 74;
const ID_END = 106;

/** The record's tag (64 hex digits). */
export const recordTag = (r: string): string => r.slice(TAG_AT, TAG_END);
/** The record's statement id (32 hex digits). */
export const recordId = (r: string): string => r.slice(ID_AT, ID_END);

/** A statement's record (see the file comment). */
export function formatRecord(s: OpenedStatement): string {
  if (s.week.length !== WEEK_END || s.tag.length !== TAG_END - TAG_AT || s.id.length !== ID_END - ID_AT) {
    throw new Error(`tally record: week ${s.week}, tag or id of an unexpected length`);
  }
  const head = `${s.week}\t${s.tag}\t${s.id}\t${s.region}\t${s.sector}\t${s.people}\t${s.ccp}\t${s.cyl}\t${s.cyp}\t${s.channel}\t${s.realNames}\t${s.group ?? '-'}\t${s.date}`;
  if (!s.names || s.names.length === 0) return head;
  // The default sort: UTF-16 code unit order, byteOrder's.
  return `${head}\t${(s.names.length > 1 ? [...s.names].sort() : s.names).join('\t')}`;
}

/** The statement a record holds (names only when the record has them, sorted). */
export function parseRecord(r: string): OpenedStatement {
  const f = r.split('\t');
  if (f.length < 13) throw new Error(`tally record of ${f.length} fields: ${r.slice(0, ID_END)}`);
  return {
    week: f[0]!,
    tag: f[1]!,
    id: f[2]!,
    region: f[3]!,
    sector: f[4]!,
    people: Number(f[5]),
    ccp: Number(f[6]),
    cyl: Number(f[7]),
    cyp: Number(f[8]),
    channel: f[9]!,
    realNames: Number(f[10]),
    ...(f[11] !== '-' ? { group: f[11]! } : {}),
    date: f[12]!,
    ...(f.length > 13 ? { names: f.slice(13) } : {}),
  };
}

/** Where a record's fields 3 to 8 end (the tab after each), found without splitting it. */
function tabs(r: string): [number, number, number, number, number, number] {
  const t3 = r.indexOf('\t', ID_END + 1);
  const t4 = r.indexOf('\t', t3 + 1);
  const t5 = r.indexOf('\t', t4 + 1);
  const t6 = r.indexOf('\t', t5 + 1);
  const t7 = r.indexOf('\t', t6 + 1);
  const t8 = r.indexOf('\t', t7 + 1);
  return [t3, t4, t5, t6, t7, t8];
}

/**
 * The counted entry's line (spec 8) of a record, its sector published or `-` as `published`
 * says of the record's week and `<region>\t<sector>`.
 */
export function countedLine(r: string, published: (week: string, regionSector: string) => boolean): string {
  const [t3, t4, t5, t6, t7, t8] = tabs(r);
  const week = r.slice(0, WEEK_END);
  const sector = r.slice(t3 + 1, t4);
  const shown = sector !== '-' && published(week, r.slice(ID_END + 1, t4)) ? sector : '-';
  return `${r.slice(TAG_AT, TAG_END)} week=${week} people=${r.slice(t4 + 1, t5)} ccp=${r.slice(t5 + 1, t6)} cyl=${r.slice(t6 + 1, t7)} cyp=${r.slice(t7 + 1, t8)} region=${r.slice(ID_END + 1, t3)} sector=${shown}`;
}

/**
 * The key of likely duplicates of a record with names, as [region, `<date>\t<names sorted>`];
 * undefined for a record without names.
 */
export function likelyKey(r: string): [region: string, tail: string] | undefined {
  const [t3] = tabs(r);
  // t3 is the 4th tab; the date (field 12) follows the 12th.
  let at = t3;
  for (let n = 5; n <= 12; n++) at = r.indexOf('\t', at + 1);
  // date (10 characters), then names: without names there is no tab after the date.
  return r.length > at + 11 ? [r.slice(ID_END + 1, t3), r.slice(at + 1)] : undefined;
}
