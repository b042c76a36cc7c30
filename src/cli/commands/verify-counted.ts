/**
 * `sealpost verify --counted <dir>` (CLI spec `verify`; wire spec 8 and 9; issue 10 build point 4):
 * checks a published tally folder with the center file's tally key (src/log/recount.ts) and finds
 * the user's own kept statements in its counted log (src/verify/counted.ts). One line per
 * statement on stdout; a lie exits 4 and keeps its evidence in `<home>/evidence/...`.
 *
 * Offline by choice: the folder is self-contained (every file is signed by the tally key), and a
 * user behind a censor who checks a downloaded tally should not also announce themselves to the
 * center. The received log is checked as well only when a `--route` or `--proxy` is given on the
 * command line (src/cli/commands/verify.ts), which asks for the network in so many words.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Center } from '../../crypto/center-file.js';
import { InputError } from '../../errors.js';
import { Outbox, type OutboxItem } from '../../outbox/outbox.js';
import { keptStatements, verifyCounted, type CountedReport, type CountedStatus, type CountedVerdict } from '../../verify/counted.js';
import { writeEvidence } from '../../verify/state.js';
import type { ActionEnv } from '../context.js';
import { t } from '../i18n/index.js';
import { EXIT, table, type ExitCode } from '../output.js';
import { commandPassphrase } from '../passphrase.js';
import type { RouteFlags } from '../route-options.js';

/** What a `--counted` run found, with the folder of each lie's evidence. */
export interface CountedRun {
  readonly dir: string;
  readonly report: CountedReport;
  readonly evidence: readonly string[];
}

/** The received log is checked along with `--counted` only when the command line asks for the network. */
export function wantsLog(opts: RouteFlags): boolean {
  return opts.route.length > 0 || opts.proxy.length > 0;
}

async function read(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (cause) {
    throw new InputError('unreadable', `cannot read ${file}`, { cause, key: 'cli.verify.counted.missing', params: { file }, field: '--counted' });
  }
}

/** The kept items: all, or those whose envelope ids (or unique starts of them) are given. */
function select(env: ActionEnv<unknown>, items: readonly OutboxItem[], ids: readonly string[]): OutboxItem[] {
  const kept = items.filter((i) => i.counted !== undefined || i.receipt !== undefined);
  if (ids.length === 0) return kept.filter((i) => i.counted !== undefined);
  return ids.flatMap((given) => {
    const lower = given.toLowerCase();
    const m = /^[0-9a-f]{1,64}$/.test(lower) ? kept.filter((k) => k.id.startsWith(lower)) : [];
    if (m.length !== 1) {
      const key = m.length === 0 ? 'cli.verify.counted.no-statement' : 'cli.outbox.ambiguous';
      throw new InputError('bad-flag', `${given}: ${m.length === 0 ? 'no kept statement' : 'ambiguous'}`, { key, params: { id: given } });
    }
    if (m[0]!.counted === undefined) env.out.warning('cli.verify.counted.not-own', { id: m[0]!.id });
    return m[0]!.counted === undefined ? [] : [m[0]!];
  });
}

/**
 * Reads the folder and the kept statements, checks, and writes the evidence of each lie.
 * @throws InputError `unreadable` (a file of the folder), `bad-flag` (an id without a kept statement)
 */
export async function runCounted(env: ActionEnv<unknown>, center: Center, dirArg: string, ids: readonly string[]): Promise<CountedRun> {
  const dir = resolve(dirArg);
  const files = {
    note: await read(join(dir, 'tally.note')),
    entries: await read(join(dir, 'counted', 'entries')),
    checkpoint: await read(join(dir, 'counted', 'checkpoint')),
  };
  const outbox = new Outbox(env.home, { passphrase: await commandPassphrase(env) });
  const items = await outbox.list();
  const chosen = new Set(select(env, items, ids).map((i) => i.counted!.id));
  // Every kept envelope of a chosen statement: a statement sent twice is judged as one (spec 8 duplicates).
  const all = items.filter((i) => i.counted !== undefined && chosen.has(i.counted.id));
  const report = verifyCounted({ files, center, statements: keptStatements(all) });
  const evidence = await Promise.all(report.lies.map((l) => writeEvidence(env.home, l)));
  return { dir, report, evidence };
}

const STATUS_KEYS: Record<CountedStatus, string> = {
  counted: 'cli.verify.counted.status.counted',
  differs: 'cli.verify.counted.status.differs',
  'not-counted': 'cli.verify.counted.status.not-counted',
  'not-yet': 'cli.verify.counted.status.not-yet',
  unknown: 'cli.verify.counted.status.unknown',
};

const verdictText = (v: CountedVerdict): string => t(v.suppressed ? 'cli.verify.counted.status.suppressed' : STATUS_KEYS[v.status]);

/** The lies of the run, as in verify's `lies` array. */
export function countedLiesJson(r: CountedRun) {
  return r.report.lies.map((l, i) => ({ kind: l.kind, message: t(l.error.key, l.error.params), ...(l.receipt ? { receipt: l.receipt } : {}), evidence: r.evidence[i] }));
}

/** Whether the tally verified and no statement proves a lie. */
export const countedOk = (r: CountedRun): boolean => r.report.tally !== null && r.report.lies.length === 0;

/**
 * verify's `counted` part: `{"dir", "tally": {"center", "counted": {size, root}, "received": {size, root}}
 * | null, "statements": [{"tag", "envelopes", "status", "entry"?, "fields"?, "suppressed"?, "index"?}],
 * "ok"}`. No statement id nor tag key: the tag finds the entry, the envelope ids the user's items.
 */
export function countedJson(r: CountedRun) {
  const n = r.report.tally?.note;
  return {
    dir: r.dir,
    tally: n ? { center: n.center, counted: n.counted, received: n.received } : null,
    statements: r.report.statements.map((v) => ({
      tag: v.tag,
      envelopes: v.envelopes,
      status: v.status,
      ...(v.entry !== undefined ? { entry: v.entry } : {}),
      ...(v.fields ? { fields: v.fields } : {}),
      ...(v.suppressed ? { suppressed: true } : {}),
      ...(v.index !== undefined ? { index: v.index } : {}),
    })),
    ok: countedOk(r),
  };
}

/** Prints the run for people: the table on stdout, the tally, the lies and a summary on stderr. */
export function printCounted(env: ActionEnv<unknown>, r: CountedRun, center: Center): void {
  const { out } = env;
  const { report } = r;
  if (!out.json && report.statements.length > 0) {
    const rows = report.statements.map((v) => [v.envelopes[0]! + (v.envelopes.length > 1 ? ` (+${v.envelopes.length - 1})` : ''), v.entry === undefined ? '-' : String(v.entry), verdictText(v)]);
    out.data(table([[t('cli.verify.table.id'), t('cli.verify.counted.table.entry'), t('cli.verify.table.verdict')], ...rows]));
  }
  report.lies.forEach((l, i) => {
    out.error(report.tally ? 'cli.verify.counted.lie' : 'cli.verify.counted.bad-tally', { what: t(l.error.key, l.error.params) });
    out.hint('cli.verify.evidence', { dir: r.evidence[i]! });
  });
  if (!report.tally) return;
  const n = report.tally.note;
  out.info('cli.verify.counted.tally', { center: center.name, size: n.counted.size, received: n.received.size });
  const count = (s: CountedStatus) => report.statements.filter((v) => v.status === s).length;
  if (report.statements.length === 0) {
    out.info('cli.verify.counted.none');
    out.hint('cli.verify.hint.keep');
    return;
  }
  out.info('cli.verify.counted.summary', { counted: count('counted'), differs: count('differs'), missing: count('not-counted'), pending: count('not-yet') });
  if (count('not-yet') > 0) out.info('cli.verify.counted.pending-note');
  if (report.statements.some((v) => v.suppressed)) out.info('cli.verify.counted.suppressed-note');
}

/** `verify --counted` without the network: the document of verify with the log's parts empty. */
export function offlineCounted(env: ActionEnv<unknown>, r: CountedRun, center: Center): ExitCode {
  const { out } = env;
  if (out.json) {
    out.document({ checkpoint: null, receipts: [], lies: countedLiesJson(r), attempts: [], ok: countedOk(r), counted: countedJson(r) });
  }
  printCounted(env, r, center);
  out.info('cli.verify.counted.offline');
  return countedExit(r);
}

/** 4 when the tally lies (or does not verify), else 0. */
export const countedExit = (r: CountedRun): ExitCode => (r.report.lies.length > 0 ? EXIT.verify : EXIT.ok);

