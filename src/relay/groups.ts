/**
 * Group statements and the statements of a relay import (CLI spec, CSV rules): rows with the same
 * non-empty `group` form one statement; they must agree with the group's first good row on
 * `country`, `province`, `date` and `channel` (else `group-mismatch`, rejecting only that row);
 * `city`, `sector`, `text` and `publish` come from that first row. A group over 250 people or over
 * the 16 KiB bucket is split, in row order, into parts of at most 250 people that each fit.
 */
import { MAX_PLAINTEXT } from '../crypto/padding.js';
import { LIMITS, type Person, type Statement } from '../statement/index.js';
import { canonicalJson, deriveGroupId, deriveId, deriveTagKey, keyOfGivenId, type Occurrences } from './ids.js';
import type { GoodRow, Reject, Shared } from './rows.js';

const enc = new TextEncoder();

/** One statement to seal, with the line of its first row (the outbox origin: never a name). */
export interface Planned {
  readonly statement: Statement;
  readonly line: number;
}

/** The fields that make a statement's id (everything but `v`, `kind`, `id`, `tagKey`, `group`). */
function fieldsOf(people: readonly Person[], shared: Shared): Record<string, unknown> {
  return { people, ...shared };
}

function build(id: string, tagKey: string, people: Person[], shared: Shared, group?: Statement['group']): Statement {
  // Spec 2's key order; serializeStatement validates and copies it again before sealing.
  return {
    v: 1,
    kind: 'withdrawal',
    id,
    tagKey,
    people,
    ...(group ? { group } : {}),
    region: shared.region,
    ...(shared.sector ? { sector: shared.sector } : {}),
    channel: shared.channel,
    date: shared.date,
    ...(shared.text !== undefined ? { text: shared.text } : {}),
    ...(shared.publish ? { publish: true } : {}),
  } as Statement;
}

/** The statement of a row outside any group. */
export function rowStatement(row: GoodRow, secret: Uint8Array, occ: Occurrences): Planned {
  const canonical = canonicalJson(fieldsOf([row.person], row.shared));
  const n = occ.next(canonical);
  const id = row.id ?? deriveId(secret, canonical, n);
  return { statement: build(id, row.tagKey ?? deriveTagKey(secret, id), [row.person], row.shared), line: row.line };
}

/** Collects the good rows of each group in file order; checks each against its group's first row. */
export class Groups {
  readonly #groups = new Map<string, GoodRow[]>();

  /** Adds a good row with a `group`; a `group-mismatch` Reject when it disagrees with the first. */
  add(row: GoodRow & { group: string }): Reject | null {
    const rows = this.#groups.get(row.group);
    if (rows === undefined) {
      this.#groups.set(row.group, [row]);
      return null;
    }
    const first = rows[0]!.shared;
    const differs: [string, boolean][] = [
      ['country', first.region.country !== row.shared.region.country],
      ['province', first.region.province !== row.shared.region.province],
      ['date', first.date !== row.shared.date],
      ['channel', first.channel !== row.shared.channel],
    ];
    const column = differs.find(([, d]) => d)?.[0];
    if (column !== undefined) return { code: 'group-mismatch', key: 'relay.reject.group-mismatch', params: { column } };
    rows.push(row);
    return null;
  }

  /** Each group's rows, in the order groups first appeared. */
  *all(): Generator<readonly GoodRow[]> {
    yield* this.#groups.values();
  }

  get size(): number {
    return this.#groups.size;
  }
}

/** Bytes of `{"group":{"id":"<32 hex>","part":99999,"parts":99999},` at most: room kept in each part. */
const GROUP_FIELD_BYTES = 70;

/**
 * The people of a group cut, in row order, into parts of at most `maxPeople` whose statement
 * (with its `group` field) fits `maxBytes`; one part when the whole group fits without splitting.
 */
export function splitPeople(people: readonly Person[], shared: Shared, maxPeople: number = LIMITS.people, maxBytes: number = MAX_PLAINTEXT): Person[][] {
  const base = enc.encode(JSON.stringify(build('0'.repeat(32), 'A'.repeat(43) + '=', [], shared))).length;
  const sizes = people.map((p) => enc.encode(JSON.stringify(p)).length + 1);
  const whole = base + sizes.reduce((a, b) => a + b, 0);
  if (people.length <= maxPeople && whole <= maxBytes) return [[...people]];
  const parts: Person[][] = [];
  let cur: Person[] = [];
  let bytes = base + GROUP_FIELD_BYTES;
  people.forEach((p, i) => {
    if (cur.length > 0 && (cur.length >= maxPeople || bytes + sizes[i]! > maxBytes)) {
      parts.push(cur);
      cur = [];
      bytes = base + GROUP_FIELD_BYTES;
    }
    cur.push(p);
    bytes += sizes[i]!;
  });
  parts.push(cur);
  return parts;
}

/**
 * The statements of one group: one, or its parts (`group.id`, `part`, `parts`), each with its own
 * id. The group's `id` / `tag_key` are its first row's; with an `id` given, a split group's part ids
 * and its `group.id` are keyed with that id's bytes (CLI spec).
 */
export function groupStatements(rows: readonly GoodRow[], secret: Uint8Array, occ: Occurrences, maxPeople: number = LIMITS.people): Planned[] {
  const first = rows[0]!;
  const people = rows.map((r) => r.person);
  const canonical = canonicalJson(fieldsOf(people, first.shared));
  const n = occ.next(canonical);
  const parts = splitPeople(people, first.shared, maxPeople);
  const tagKeyOf = (id: string) => first.tagKey ?? deriveTagKey(secret, id);
  if (parts.length === 1) {
    const id = first.id ?? deriveId(secret, canonical, n);
    return [{ statement: build(id, tagKeyOf(id), people, first.shared), line: first.line }];
  }
  const key = first.id ? keyOfGivenId(first.id) : secret;
  const groupId = deriveGroupId(key, canonical);
  let offset = 0;
  return parts.map((part, k) => {
    const line = rows[offset]!.line;
    offset += part.length;
    const id = deriveId(key, canonicalJson({ ...fieldsOf(part, first.shared), part: k + 1 }), n);
    return { statement: build(id, tagKeyOf(id), part, first.shared, { id: groupId, part: k + 1, parts: parts.length }), line };
  });
}
