/**
 * The counted log's entries and the tally note (wire spec 8): their exact text, strict parsing,
 * and the figures both carry. Pure and client-safe: the tally writes with these functions and
 * `recount` / `verify --counted` read with them, so the two can never disagree on a format.
 *
 *   <tag> week=<%G-W%V> people=<n> ccp=<n> cyl=<n> cyp=<n> region=<CN-<code>|<country>> sector=<sector|->
 */
import type { CountedFields } from '../statement/counted.js';
import { VerifyError } from '../errors.js';
import { SECTORS } from '../statement/types.js';
import { english } from '../english.js';

/**
 * The English of the counted log's and the recount's messages (the zh-CN is in
 * src/cli/catalog/tally.ts).
 */
export const countedMessages = {
  'log.counted.entry-form': 'counted entry {line} is malformed: it is not of the form <tag> week= people= ccp= cyl= cyp= region= sector=',
  'log.counted.entry-number': 'counted entry {line} is malformed: the number {value} is not canonical',
  'log.counted.entry-orgs': 'counted entry {line} is malformed: an organisation count exceeds its people',
  'log.counted.entry-sector': 'counted entry {line} is malformed: unknown sector {value}',
  'log.counted.entry-newline': 'counted entry {line} is malformed: the file does not end in a newline',
  'log.counted.note-expected': 'tally note line {line} is malformed: expected {value}',
  'log.counted.note-number': 'tally note line {line} is malformed: the number {value} is not canonical',
  'log.counted.note-newline': 'tally note line {line} is malformed: the note does not end in a newline',
  'log.counted.note-extra': 'tally note line {line} is malformed: a line spec 8 does not have',
  'log.counted.dropped': 'the counted log has {size} entries but its checkpoint covers {expected}: entries were dropped',
  'log.counted.added': 'the counted log has {size} entries but its checkpoint covers {expected}: entries were added',
  'log.counted.changed': 'the counted entries do not hash to the checkpoint\'s root: an entry was changed',
  'log.counted.note-counted': 'the tally note\'s counted line ({note}) does not match the checkpoint ({checkpoint})',
  'log.counted.note-center': 'the tally note names center {note}, the checkpoint {checkpoint}',
  'log.counted.note-differs': 'the tally note says "{note}" where the counted entries give "{recount}"',
  'log.counted.note-balance': 'the tally note\'s statements and rejected envelopes add up to {sum}, not its received size {received}',
  'log.counted.repeated-tag': 'tag {tag} appears twice in the counted log (entries {first} and {second})',
} as const;

/** English text of a counted-log message key. */
export const countedText = english(countedMessages);

/** One counted entry (spec 8). `sector` is `-` when suppressed or absent. */
export interface CountedEntry extends CountedFields {
  /** The statement's tag, 64 lowercase hex digits. */
  readonly tag: string;
}

/** Rejected reasons, in the note's order (spec 8: stable words). */
export const REJECTED_REASONS = ['duplicate', 'invalid', 'undecryptable'] as const;
/** Why the tally did not count an envelope (spec 8's stable words). */
export type RejectedReason = (typeof REJECTED_REASONS)[number];

/** The default `--milestone-step` (spec 8). */
export const DEFAULT_MILESTONE_STEP = 1_000_000;

/** Every number of a tally note that the counted entries determine (spec 8). */
export interface CountedFigures {
  readonly statements: number;
  readonly people: number;
  readonly orgs: { readonly CCP: number; readonly CYL: number; readonly CYP: number };
  /** People per region code, codes in byte order. */
  readonly regions: ReadonlyArray<readonly [string, number]>;
  /** People per published (not suppressed) sector, names in byte order. */
  readonly sectors: ReadonlyArray<readonly [string, number]>;
  /** People per week, weeks ascending. */
  readonly weeks: ReadonlyArray<readonly [string, number]>;
  /** `[k × step, week]`: the first week whose running total of people reaches k × step. */
  readonly milestones: ReadonlyArray<readonly [number, string]>;
}

/** A tally note's fields (spec 8). */
export interface TallyNote extends CountedFigures {
  readonly center: string;
  readonly counted: { readonly size: number; readonly root: string };
  readonly received: { readonly size: number; readonly root: string };
  readonly rejected: Readonly<Record<RejectedReason, number>>;
  readonly milestoneStep: number;
}

const NAT = /^(0|[1-9][0-9]{0,15})$/;
const ENTRY =
  /^([0-9a-f]{64}) week=(\d{4}-W(?:0[1-9]|[1-4][0-9]|5[0-3])) people=(\d+) ccp=(\d+) cyl=(\d+) cyp=(\d+) region=(CN-\d{6}|[A-Z]{2}) sector=([a-z-]+)$/;
const SECTOR_WORDS: ReadonlySet<string> = new Set([...SECTORS, '-']);

/** Byte order of ASCII strings (spec 8: codes and (week, tag) sort "in byte order"). */
export function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The entry's line, without its newline: the bytes of a leaf of the counted log. */
export function formatCountedEntry(e: CountedEntry): string {
  return `${e.tag} week=${e.week} people=${e.people} ccp=${e.ccp} cyl=${e.cyl} cyp=${e.cyp} region=${e.region} sector=${e.sector}`;
}

type EntryProblem = 'entry-form' | 'entry-number' | 'entry-orgs' | 'entry-sector' | 'entry-newline';

function badEntry(line: number, problem: EntryProblem, value = ''): VerifyError {
  const key = `log.counted.${problem}` as const;
  return new VerifyError('bad-counted-entry', countedText(key, { line, value }), { key, params: { line, value } });
}

/**
 * Parses one counted entry strictly: the line must be exactly what {@link formatCountedEntry}
 * writes. `line` (1-based) names it in the error.
 * @throws VerifyError `bad-counted-entry`
 */
export function parseCountedEntry(text: string, line = 1): CountedEntry {
  const m = ENTRY.exec(text);
  if (!m) throw badEntry(line, 'entry-form');
  const [people, ccp, cyl, cyp] = [m[3], m[4], m[5], m[6]].map((n) => {
    if (!NAT.test(n!)) throw badEntry(line, 'entry-number', n);
    return Number(n);
  }) as [number, number, number, number];
  if (people < 1 || ccp > people || cyl > people || cyp > people) throw badEntry(line, 'entry-orgs');
  if (!SECTOR_WORDS.has(m[8]!)) throw badEntry(line, 'entry-sector', m[8]);
  return { tag: m[1]!, week: m[2]!, people, ccp, cyl, cyp, region: m[7]!, sector: m[8]! };
}

/**
 * Splits the text of a `counted/entries` file into entries: one per line, each ending in a newline.
 * @throws VerifyError `bad-counted-entry`
 */
export function parseCountedEntries(text: string): CountedEntry[] {
  if (text === '') return [];
  if (!text.endsWith('\n')) throw badEntry(text.split('\n').length, 'entry-newline');
  return text.slice(0, -1).split('\n').map((l, i) => parseCountedEntry(l, i + 1));
}

function addTo(map: Map<string, number>, key: string, n: number): void {
  map.set(key, (map.get(key) ?? 0) + n);
}

const sorted = (m: Map<string, number>): Array<readonly [string, number]> => [...m].sort((a, b) => byteOrder(a[0], b[0]));

/**
 * The figures of a counted log (spec 8), from its entries in any order. An item with `statements`
 * stands for that many entries of the same fields, its numbers their sums (the tally's cells).
 * @param milestoneStep the step of the milestone lines (a positive safe integer)
 */
export function countedFigures(entries: Iterable<CountedFields & { readonly statements?: number }>, milestoneStep: number = DEFAULT_MILESTONE_STEP): CountedFigures {
  if (!Number.isSafeInteger(milestoneStep) || milestoneStep < 1) throw new RangeError(`milestoneStep must be a positive integer, got ${milestoneStep}`);
  let statements = 0;
  let people = 0;
  const orgs = { CCP: 0, CYL: 0, CYP: 0 };
  const regions = new Map<string, number>();
  const sectors = new Map<string, number>();
  const weeks = new Map<string, number>();
  for (const e of entries) {
    statements += e.statements ?? 1;
    people += e.people;
    orgs.CCP += e.ccp;
    orgs.CYL += e.cyl;
    orgs.CYP += e.cyp;
    addTo(regions, e.region, e.people);
    if (e.sector !== '-') addTo(sectors, e.sector, e.people);
    addTo(weeks, e.week, e.people);
  }
  const weekList = sorted(weeks);
  const milestones: Array<readonly [number, string]> = [];
  let running = 0;
  for (const [week, n] of weekList) {
    running += n;
    // One week may cross several milestones at once.
    while ((milestones.length + 1) * milestoneStep <= running) milestones.push([(milestones.length + 1) * milestoneStep, week]);
  }
  return { statements, people, orgs, regions: sorted(regions), sectors: sorted(sectors), weeks: weekList, milestones };
}

/** The tally note's body (spec 8: exactly these lines, in this order), ready to sign. */
export function tallyNoteBody(n: Omit<TallyNote, 'weeks'>): string {
  const lines = [
    'sealpost/tally/v1',
    n.center,
    `counted ${n.counted.size} ${n.counted.root}`,
    `received ${n.received.size} ${n.received.root}`,
    `total statements ${n.statements}`,
    `total people ${n.people}`,
    `org CCP ${n.orgs.CCP}`,
    `org CYL ${n.orgs.CYL}`,
    `org CYP ${n.orgs.CYP}`,
    ...n.regions.map(([code, k]) => `region ${code} ${k}`),
    ...n.sectors.map(([name, k]) => `sector ${name} ${k}`),
    ...REJECTED_REASONS.map((r) => `rejected ${r} ${n.rejected[r]}`),
    `milestone-step ${n.milestoneStep}`,
    ...n.milestones.map(([k, week]) => `milestone ${k} ${week}`),
  ];
  return `${lines.join('\n')}\n`;
}

type NoteProblem = 'note-expected' | 'note-number' | 'note-newline' | 'note-extra';

function badNote(line: number, problem: NoteProblem, value = ''): VerifyError {
  const key = `log.counted.${problem}` as const;
  return new VerifyError('bad-tally-note', countedText(key, { line, value }), { key, params: { line, value } });
}

/**
 * Parses a tally note's text (its signature checked by the caller), strictly in spec 8's order.
 * @throws VerifyError `bad-tally-note`
 */
export function parseTallyNote(text: string): Omit<TallyNote, 'weeks'> {
  const lines = text.split('\n');
  if (lines.pop() !== '') throw badNote(lines.length + 1, 'note-newline');
  let i = 0;
  const take = (re: RegExp, what: string): RegExpExecArray => {
    const m = re.exec(lines[i] ?? '');
    if (!m) throw badNote(i + 1, 'note-expected', what);
    i++;
    return m;
  };
  const num = (s: string): number => {
    if (!NAT.test(s)) throw badNote(i, 'note-number', s);
    return Number(s);
  };
  take(/^sealpost\/tally\/v1$/, 'sealpost/tally/v1');
  const center = take(/^([a-z0-9.-]+)$/, 'the center name')[1]!;
  const root = '([A-Za-z0-9+/]{43}=)';
  const c = take(new RegExp(`^counted (\\d+) ${root}$`), 'counted <size> <root>');
  const r = take(new RegExp(`^received (\\d+) ${root}$`), 'received <size> <root>');
  const statements = num(take(/^total statements (\d+)$/, 'total statements')[1]!);
  const people = num(take(/^total people (\d+)$/, 'total people')[1]!);
  const orgs = { CCP: 0, CYL: 0, CYP: 0 };
  for (const o of ['CCP', 'CYL', 'CYP'] as const) orgs[o] = num(take(new RegExp(`^org ${o} (\\d+)$`), `org ${o}`)[1]!);
  const list = <K>(re: RegExp, key: (s: string) => K): Array<readonly [K, number]> => {
    const out: Array<readonly [K, number]> = [];
    for (let m = re.exec(lines[i] ?? ''); m; m = re.exec(lines[i] ?? '')) {
      i++;
      out.push([key(m[1]!), num(m[2]!)]);
    }
    return out;
  };
  const regions = list(/^region (CN-\d{6}|[A-Z]{2}) (\d+)$/, (s) => s);
  const sectors = list(/^sector ([a-z-]+) (\d+)$/, (s) => s);
  const rejected = { duplicate: 0, invalid: 0, undecryptable: 0 };
  for (const reason of REJECTED_REASONS) rejected[reason] = num(take(new RegExp(`^rejected ${reason} (\\d+)$`), `rejected ${reason}`)[1]!);
  const milestoneStep = num(take(/^milestone-step (\d+)$/, 'milestone-step')[1]!);
  const milestones: Array<readonly [number, string]> = [];
  for (let m = /^milestone (\d+) (\d{4}-W\d{2})$/.exec(lines[i] ?? ''); m; m = /^milestone (\d+) (\d{4}-W\d{2})$/.exec(lines[i] ?? '')) {
    i++;
    milestones.push([num(m[1]!), m[2]!]);
  }
  if (i !== lines.length) throw badNote(i + 1, 'note-extra');
  return {
    center,
    counted: { size: num(c[1]!), root: c[2]! },
    received: { size: num(r[1]!), root: r[2]! },
    statements,
    people,
    orgs,
    regions,
    sectors,
    rejected,
    milestoneStep,
    milestones,
  };
}

