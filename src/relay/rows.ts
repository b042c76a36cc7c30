/**
 * From a row's columns to the validated fields of a one-person statement (CLI spec, CSV rules for
 * `relay import`): `orgs` as `CCP|CYL|CYP`, booleans `true/false/1/0/yes/no` in any case (empty is
 * the default), an empty `channel` is `relay`, country codes in any case. Validation is the
 * statement validator's, through the compose helpers (src/statement/compose.ts), so that a row is
 * held to exactly the rules of a statement typed with `compose`.
 */
import { InputError, type Params } from '../errors.js';
import { composeStatement, type Person, type Statement } from '../statement/index.js';

/** Every column the CLI spec names; `id` and `tag_key` are optional. */
export const COLUMNS = ['name', 'real_name', 'orgs', 'country', 'province', 'city', 'sector', 'channel', 'date', 'text', 'publish', 'group', 'id', 'tag_key'] as const;
export type Column = (typeof COLUMNS)[number];

/**
 * The columns a header must name. The others may be left out (empty in every row); `date` is
 * required because a derived id hashes the row's fields, and "today" would give new ids on another
 * day (issue 8: a re-import must queue nothing new).
 */
export const REQUIRED_COLUMNS: readonly Column[] = ['name', 'orgs', 'country', 'date'];

/**
 * Why a row is rejected: the stable `code` of the rejects file (`missing-field:orgs`,
 * `bad-value:date`, `group-mismatch`, ...) and the message `key` + `params` of its text.
 */
export interface Reject {
  readonly code: string;
  readonly key: string;
  readonly params: Params;
}

/** The fields a statement takes from its row (or, for a group, from its first good row). */
export interface Shared {
  readonly region: Statement['region'];
  readonly sector?: Statement['sector'];
  readonly channel: Statement['channel'];
  readonly date: string;
  readonly text?: string;
  readonly publish?: boolean;
}

/** A good row: its person, the statement fields it brings, its group label and given id / tag key. */
export interface GoodRow {
  readonly line: number;
  readonly person: Person;
  readonly shared: Shared;
  readonly group?: string;
  readonly id?: string;
  readonly tagKey?: string;
}

/** A header problem: the file as a whole is refused (exit 2). */
export class HeaderError extends InputError {
  constructor(key: 'relay.header.missing' | 'relay.header.unknown' | 'relay.header.duplicate', column: string, file: string, message: string) {
    super('bad-header', message, { key, params: { column, file } });
  }
}

/** How a header cell names a column: any case, spaces trimmed, `-` for `_` (`Real-Name`). */
export function columnOf(cell: string): string {
  return cell.trim().toLowerCase().replace(/-/g, '_');
}

/**
 * Checks a header: every required column, no unknown or repeated column.
 * @returns the column of each position
 * @throws HeaderError naming the first column at fault
 */
export function readHeader(cells: readonly string[], file: string): Column[] {
  const cols = cells.map(columnOf);
  const seen = new Set<string>();
  for (const c of cols) {
    if (!(COLUMNS as readonly string[]).includes(c)) throw new HeaderError('relay.header.unknown', c, file, `the header of ${file} names an unknown column ${c}`);
    if (seen.has(c)) throw new HeaderError('relay.header.duplicate', c, file, `the header of ${file} names the column ${c} twice`);
    seen.add(c);
  }
  for (const c of REQUIRED_COLUMNS) if (!seen.has(c)) throw new HeaderError('relay.header.missing', c, file, `the header of ${file} has no ${c} column`);
  return cols as Column[];
}

const missing = (column: string): Reject => ({ code: `missing-field:${column}`, key: 'relay.reject.missing-field', params: { column } });

/** `true/false/1/0/yes/no` in any case; empty is the default (false). */
function parseBool(v: string | undefined, column: string): boolean | Reject {
  const s = (v ?? '').trim().toLowerCase();
  if (s === '' || s === 'false' || s === '0' || s === 'no') return false;
  if (s === 'true' || s === '1' || s === 'yes') return true;
  return { code: `bad-value:${column}`, key: 'relay.reject.bad-boolean', params: { column } };
}

const isReject = (x: unknown): x is Reject => typeof x === 'object' && x !== null && 'code' in x;

/** The column a compose flag stands for (composeStatement names the flag at fault). */
const FLAG_COLUMN: Readonly<Record<string, string>> = {
  '--name': 'name',
  '--real-name': 'real_name',
  '--orgs': 'orgs',
  '--country': 'country',
  '--province': 'province',
  '--city': 'city',
  '--sector': 'sector',
  '--channel': 'channel',
  '--date': 'date',
  '--text': 'text',
  '--publish': 'publish',
  '--id': 'id',
  '--tag-key': 'tag_key',
};

/** Placeholders that let a row pass the validator before its id and tag key are derived. */
const PLACEHOLDER_ID = '0'.repeat(32);
const PLACEHOLDER_TAG_KEY = 'A'.repeat(43) + '=';

/**
 * A row's values (column -> text) as a good row, or why it is rejected.
 * @param today `YYYY-MM-DD`, the sealing day (the validator's date limit); default today in UTC
 */
export function readRow(values: Readonly<Partial<Record<Column, string>>>, line: number, today?: string): GoodRow | Reject {
  const v = (c: Column): string => (values[c] ?? '').trim();
  for (const c of ['name', 'orgs', 'country', 'date'] as const) if (v(c) === '') return missing(c);
  const realName = parseBool(values.real_name, 'real_name');
  if (isReject(realName)) return realName;
  const publish = parseBool(values.publish, 'publish');
  if (isReject(publish)) return publish;
  const id = v('id') || undefined;
  const tagKey = v('tag_key') || undefined;
  let st: Statement;
  try {
    st = composeStatement(
      {
        name: values.name ?? '',
        realName,
        orgs: v('orgs'),
        country: v('country'),
        province: v('province') || undefined,
        city: values.city,
        sector: values.sector,
        // CLI spec: an empty channel means relay.
        channel: v('channel') || 'relay',
        date: v('date'),
        text: values.text,
        publish,
        id: id ?? PLACEHOLDER_ID,
        tagKey: tagKey ?? PLACEHOLDER_TAG_KEY,
      },
      today === undefined ? {} : { today },
    );
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    const column = FLAG_COLUMN[err.field ?? ''] ?? err.field ?? 'row';
    const rule = /^statement\.rule\.(.*)$/.exec(err.key)?.[1];
    if (rule === 'required' || rule === 'province-required') return missing(column);
    return { code: `bad-value:${column}`, key: err.key, params: { ...err.params, field: column } };
  }
  const shared: Shared = {
    region: st.region,
    ...(st.sector ? { sector: st.sector } : {}),
    channel: st.channel,
    date: st.date,
    ...(st.text !== undefined ? { text: st.text } : {}),
    ...(st.publish ? { publish: true } : {}),
  };
  const group = v('group');
  return {
    line,
    person: st.people[0]!,
    shared,
    ...(group ? { group } : {}),
    ...(id ? { id } : {}),
    ...(tagKey ? { tagKey } : {}),
  };
}

/** True when `r` is a rejection rather than a good row. */
export function isRejected(r: GoodRow | Reject): r is Reject {
  return isReject(r);
}
