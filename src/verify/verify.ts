/**
 * `verify` as a library (issue 9, build point 4; wire spec 5): fetch the latest checkpoint over the
 * raced routes, check its signature and witness quorum, its consistency with the checkpoint kept
 * from earlier runs and with the views of the tiles sources, then each kept receipt's inclusion —
 * proofs computed from tiles where any source serves them (a server then learns only which blocks
 * of 256 leaves were read, never the index), by index from the API only when none does.
 *
 * Contract: never throws for what the log serves; every lie found is in `lies` with the notes that
 * prove it. `checkpoint` is null when no route answered with one (the caller exits 3).
 */
import { VerifyError, RouteError } from '../errors.js';
import { toHex } from '../crypto/base64.js';
import { verifyNote } from '../crypto/note.js';
import { parseReceiptText } from '../crypto/receipt.js';
import type { SignedCheckpoint } from '../log/checkpoint.js';
import { receivedLeaf } from '../log/leaf.js';
import { consistencyPlan, inclusionPlan, leafHash, ProofError, run, verifyInclusion, type Hash } from '../log/merkle.js';
import { race, type Attempt, type RaceOptions } from '../transport/race/race.js';
import { statusError } from '../transport/outcome.js';
import type { Route } from '../transport/routes/route.js';
import { acceptCheckpoint, checkConsistency, signedByLog, splitView, type LogCenter } from './checkpoints.js';
import { lie, lieFromError, type EvidenceNote, type Lie } from './lies.js';
import { apiProof, mirrorRoute, raceEntries, routeGet, TileSource, type RouteGet } from './source.js';

/** A kept receipt: its envelope id (64 hex digits) and the signed receipt note. */
export interface KeptReceipt {
  readonly id: string;
  readonly receipt: string;
}

/** A receipt's verdict: `included`, `not-yet-covered` (fine until 24 hours after its hour), or worse. */
export type ReceiptStatus = 'included' | 'not-yet-covered' | 'not-included' | 'bad-receipt' | 'unknown';

/** One receipt's verdict; `lie` when it proves one. */
export interface ReceiptVerdict {
  readonly id: string;
  readonly index: number | null;
  readonly status: ReceiptStatus;
  /** How its inclusion proof was got: computed from tiles, or asked by index from the API. */
  readonly proof?: 'tiles' | 'api';
  readonly lie?: Lie;
}

/** What {@link verifyLog} found. */
export interface LogReport {
  /** The latest checkpoint (signature and witness quorum checked); null when no route answered. */
  readonly checkpoint: SignedCheckpoint | null;
  /** The route that brought it. */
  readonly route: string | null;
  /** The race's attempts for the checkpoint. */
  readonly attempts: readonly Attempt[];
  /** True when the checkpoint may replace the kept one (no lie about checkpoints). */
  readonly acceptable: boolean;
  readonly receipts: readonly ReceiptVerdict[];
  /** Every lie found, checkpoints first. */
  readonly lies: readonly Lie[];
  /** Labels of the tiles sources that served a checkpoint (where proofs were computed from). */
  readonly tiles: readonly string[];
}

/** Options of {@link verifyLog}. */
export interface VerifyLogOptions {
  /** The center file's name, log key, witnesses, witness policy and tiles mirrors. */
  readonly center: LogCenter;
  /** The routes to race (the user's proxy rules already applied: src/transport/routes/sources.ts). */
  readonly routes: readonly Route[];
  /** The largest checkpoint seen before (src/verify/state.ts). */
  readonly kept?: SignedCheckpoint | null;
  /** Kept receipts to prove. */
  readonly receipts?: readonly KeptReceipt[];
  /** Unix ms (default Date.now()): when a receipt not covered becomes a broken promise. */
  readonly now?: number;
  /** The whole run, in ms (default 60 s). */
  readonly deadline?: number;
  readonly signal?: AbortSignal;
  /** The GET over a route (default: src/transport/request.ts). */
  readonly get?: RouteGet;
  /** Race pacing and events (the CLI's `--verbose`). */
  readonly race?: Pick<RaceOptions, 'stagger' | 'onEvent' | 'headStart'>;
}

/** A receipt not covered this long after the end of its hour is a broken promise (spec 5: 24 hours). */
export const COVER_GRACE_MS = 24 * 3_600_000;

/** Fetches, checks and proves; see the file comment. */
export async function verifyLog(opts: VerifyLogOptions): Promise<LogReport> {
  const { center, routes } = opts;
  const get = opts.get ?? routeGet;
  const deadline = opts.deadline ?? 60_000;
  const signal = opts.signal ? AbortSignal.any([opts.signal, AbortSignal.timeout(deadline)]) : AbortSignal.timeout(deadline);
  const entries = raceEntries(routes, center.tiles);
  const byId = new Map(entries.map((e) => [e.id, e]));
  const refused: { note: string; error: VerifyError }[] = [];
  const r = await race(
    entries,
    async (id, sig) => {
      const e = byId.get(id)!;
      const a = await get(e.route, e.mirror === undefined ? 'v1/checkpoint' : 'checkpoint', sig);
      if (a.status !== 200) throw statusError(a.status);
      const note = Buffer.from(a.body).toString('utf8');
      try {
        return acceptCheckpoint(note, center);
      } catch (err) {
        if (!(err instanceof VerifyError)) throw err;
        // A checkpoint that does not verify makes this route a liar; the race goes on (as `routes update`).
        refused.push({ note, error: err });
        throw new RouteError('bad-receipt', 'blocked', err.message, { cause: err });
      }
    },
    { ...opts.race, deadline, signal },
  );
  const base = { attempts: r.attempts, tiles: [] as string[] };
  if (!r.winner) {
    const lies = refused.slice(0, 1).map((x) => lieFromError(x.error, [{ name: 'checkpoint', text: x.note }]));
    return { ...base, checkpoint: null, route: null, acceptable: false, receipts: [], lies };
  }
  const main = r.winner.value;
  const won = byId.get(r.winner.route)!;
  // Everything else is read over the tunnel that brought the checkpoint: the route's own tiles and
  // API, or (when a mirror won, the center being out of reach) the mirrors alone.
  const route = won.base;
  const own = won.mirror === undefined ? [new TileSource(route.id, route, 'v1/log/', get, signal)] : [];
  const mirrors = center.tiles.map((u, i) => new TileSource(`${route.id} ${u}`, mirrorRoute(route, u, i + 1), '', get, signal));
  if (won.mirror !== undefined) mirrors.unshift(...mirrors.splice(won.mirror, 1));
  const views = await Promise.all([...own, ...mirrors].map(async (s) => ({ s, note: await s.checkpoint().catch(() => null) })));
  const sources = views.filter((v) => v.note !== null);
  const ctx: Ctx = { main, api: won.mirror === undefined ? route : null, get, signal, sources: sources.map((v) => v.s) };
  const lies: Lie[] = [];
  const kept = opts.kept && opts.kept.origin === main.origin ? opts.kept : null;
  if (kept) {
    const l = await compare(ctx, kept, main, ['kept-checkpoint', 'checkpoint']);
    if (l) lies.push(l);
  }
  for (const v of sources) {
    const c = signedByLog(v.note!, center);
    if (!c || c.note === main.note) continue;
    const l = await compare(ctx, c, main, [`checkpoint-${v.s.route.id}`, 'checkpoint'], v.s);
    if (l && !lies.some((x) => x.kind === l.kind)) lies.push(l);
  }
  const acceptable = lies.length === 0;
  const receipts: ReceiptVerdict[] = [];
  for (const k of opts.receipts ?? []) {
    const v = acceptable ? await proveReceipt(ctx, center, k, opts.now ?? Date.now()) : { id: k.id, index: null, status: 'unknown' as const };
    receipts.push(v);
    if (v.lie) lies.push(v.lie);
  }
  return { ...base, checkpoint: main, route: won.id, acceptable, receipts, lies, tiles: ctx.sources.map((s) => s.label) };
}

interface Ctx {
  readonly main: SignedCheckpoint;
  /** The route whose API answers proofs by index; null when a mirror brought the checkpoint. */
  readonly api: Route | null;
  readonly get: RouteGet;
  readonly signal: AbortSignal;
  /** Tiles sources that serve a checkpoint, the route's own first. */
  readonly sources: readonly TileSource[];
}

/**
 * How `a` relates to `b` (either may be the larger): a smaller main checkpoint than the kept one
 * is a rollback; one size with two roots a split view; else a consistency proof must verify.
 */
async function compare(ctx: Ctx, a: SignedCheckpoint, b: SignedCheckpoint, names: [string, string], own?: TileSource): Promise<Lie | null> {
  if (a.size === b.size) return splitView(a, b, names);
  if (names[0] === 'kept-checkpoint' && b.size < a.size) {
    return lie('smaller-checkpoint', { size: b.size, kept: a.size }, [
      { name: names[0], text: a.note },
      { name: names[1], text: b.note },
    ]);
  }
  const [older, newer, on] = a.size < b.size ? ([a, b, names] as const) : ([b, a, [names[1], names[0]] as [string, string]] as const);
  if (older.size === 0) return null;
  // Tiles of the larger tree: a mirror's larger view is read from that mirror.
  const sources = own && newer === a ? [own] : ctx.sources;
  const proof = await consistencyProof(ctx, older.size, newer.size, sources);
  if (!proof) return null;
  return checkConsistency(older, newer, proof, on);
}

/** A consistency proof from tiles, else from the API; null when nothing answered. */
async function consistencyProof(ctx: Ctx, from: number, to: number, sources: readonly TileSource[]): Promise<Hash[] | null> {
  for (const s of sources) {
    try {
      return await run(consistencyPlan(from, to), s.reader(to));
    } catch {
      // This source cannot give it (tiles missing, unreachable): the next one.
    }
  }
  if (!ctx.api) return null;
  try {
    return await apiProof(ctx.get, ctx.api, `v1/proof/consistency?from=${from}&to=${to}`, ctx.signal);
  } catch {
    return null;
  }
}

async function proveReceipt(ctx: Ctx, center: LogCenter, k: KeptReceipt, now: number): Promise<ReceiptVerdict> {
  const { main } = ctx;
  let f: ReturnType<typeof parseReceiptText>;
  try {
    f = parseReceiptText(verifyNote(k.receipt, center.logKey));
    if (f.center !== center.name || toHex(f.eh) !== k.id) throw new VerifyError('bad-receipt', 'bad receipt: not this envelope', { key: 'crypto.bad-receipt', params: { what: 'envelope id' } });
  } catch (err) {
    if (!(err instanceof VerifyError)) throw err;
    return { id: k.id, index: null, status: 'bad-receipt', lie: lieFromError(err, [{ name: `receipt-${k.id}`, text: k.receipt }], k.id) };
  }
  const evidence: EvidenceNote[] = [
    { name: `receipt-${k.id}`, text: k.receipt },
    { name: 'checkpoint', text: main.note },
  ];
  const params = { id: k.id.slice(0, 16), index: f.index, size: main.size };
  if (f.index >= main.size) {
    const overdue = now >= (f.hour + 1) * 3_600_000 + COVER_GRACE_MS;
    return { id: k.id, index: f.index, status: overdue ? 'not-included' : 'not-yet-covered', ...(overdue ? { lie: lie('not-covered', params, evidence, k.id) } : {}) };
  }
  const leaf = leafHash(receivedLeaf(f.blind, f.eh, f.hour));
  let failed = false;
  for (const s of ctx.sources) {
    try {
      verifyInclusion(f.index, main.size, leaf, await run(inclusionPlan(f.index, main.size), s.reader(main.size)), main.root);
      return { id: k.id, index: f.index, status: 'included', proof: 'tiles' };
    } catch (err) {
      if (err instanceof ProofError) failed = true;
    }
  }
  if (!failed && ctx.sources.length === 0 && ctx.api) {
    // No tiles anywhere: the proof must be asked by index, which tells the route which receipt is held.
    try {
      const proof = await apiProof(ctx.get, ctx.api, `v1/proof/inclusion?index=${f.index}&size=${main.size}`, ctx.signal);
      verifyInclusion(f.index, main.size, leaf, proof, main.root);
      return { id: k.id, index: f.index, status: 'included', proof: 'api' };
    } catch (err) {
      if (!(err instanceof ProofError)) return { id: k.id, index: f.index, status: 'unknown' };
      return { id: k.id, index: f.index, status: 'not-included', proof: 'api', lie: lie('not-included', params, evidence, k.id) };
    }
  }
  if (!failed) return { id: k.id, index: f.index, status: 'unknown' };
  return { id: k.id, index: f.index, status: 'not-included', proof: 'tiles', lie: await diagnose(ctx, f.index, leaf, params, evidence, k.id) };
}

/**
 * Names the lie of a receipt whose proof failed, from the entry bundle around its index (the block
 * of 256 leaves, no more than the tiles tell): its entry moved (an earlier one was dropped), another
 * entry in its place (rewritten, or its own dropped), or the hashes disagree with the entries.
 */
async function diagnose(ctx: Ctx, index: number, leaf: Hash, params: Record<string, string | number>, evidence: EvidenceNote[], id: string): Promise<Lie> {
  for (const s of ctx.sources) {
    let b: Awaited<ReturnType<TileSource['bundle']>>;
    try {
      b = await s.bundle(index, ctx.main.size);
    } catch {
      continue;
    }
    const hashes = b.leaves.map((l) => Buffer.from(leafHash(l)));
    const at = hashes.findIndex((h) => h.equals(leaf));
    if (at >= 0 && b.first + at !== index) return lie('entry-dropped', { ...params, at: b.first + at }, evidence, id);
    if (at < 0 && index - b.first < hashes.length) return lie('entry-rewritten', params, evidence, id);
    break;
  }
  return lie('not-included', params, evidence, id);
}
