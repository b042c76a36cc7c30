/**
 * `outbox flush` (issue 8, build point 1): delivers every pending envelope. The first envelope
 * races the routes (src/transport/race); once a route delivers, the others go over that route,
 * a bounded number at once (a route that works now may be gone in an hour). A route that then
 * fails sends the next envelope back to racing; a race that delivers nothing ends the round,
 * since the same routes would fail the next envelope the same second.
 */
import { deliver, type Delivered } from '../transport/deliver.js';
import { classify } from '../transport/outcome.js';
import { RouteSession } from '../transport/session.js';
import { VerifyPool } from '../crypto/verify-pool.js';
import type { Attempt } from '../transport/race/race.js';
import type { Route } from '../transport/routes/route.js';
import type { Outbox, OutboxItem } from './outbox.js';
import { sendItem, settle, type SendOptions } from './send.js';
import { entryById } from '../transport/strategy/combos.js';

/**
 * Envelopes delivered at once over a route that works: each worker keeps one keep-alive session
 * (src/transport/session.ts) over it, so at most this many connections (the center caps 64 per client).
 */
export const FLUSH_PARALLEL = 32;
/**
 * Deliveries whose outbox write may still be running while the workers go on. Settling a delivery
 * need not hold up the next one: an envelope whose deletion (or kept receipt) a crash loses is
 * sent again with the same token and gets the same receipt (spec 3).
 */
const SETTLING = 256;
/**
 * From this many pending envelopes on, receipts over the sticky route are verified on a worker
 * thread (src/crypto/verify-pool.ts): ~120 µs of Ed25519 a receipt was a quarter of the flush's
 * main thread (bench/relay profile). Below it, starting a thread costs more than it saves.
 */
const POOL_FROM = 256;

/** What a flush reports as it goes (the CLI's progress line). */
export type FlushEvent =
  | { readonly type: 'start'; readonly route: string }
  | { readonly type: 'end'; readonly attempt: Attempt }
  | { readonly type: 'settled'; readonly item: OutboxItem };

/** Options of {@link flushOutbox}: the race's (center, deadline per race, health, signal) and the pace. */
export interface FlushOptions extends Omit<SendOptions, 'onEvent'> {
  /** Envelopes in flight at once over a route that works (default {@link FLUSH_PARALLEL}). */
  readonly parallel?: number;
  /** Only envelopes whose backoff has passed (`--watch`); a one-off flush tries every pending one. */
  readonly dueOnly?: boolean;
  /** A route to try first, alone (one that just delivered in this process: `submit`). */
  readonly preferred?: Route;
  /** The outbox's items as the caller has just listed them (saves reading every file twice); default: listed here. */
  readonly items?: readonly OutboxItem[];
  readonly onEvent?: (e: FlushEvent) => void;
}

/** The result of one round. */
export interface FlushRound {
  /** The items this round touched, as they are now. */
  readonly items: readonly OutboxItem[];
  readonly delivered: number;
  /** True when a race delivered nothing (no route works now) and the round stopped early. */
  readonly stalled: boolean;
}

/**
 * The attempt's deadline under the caller's signal: what AbortSignal.any([signal, timeout]) gives,
 * for a few µs instead of ~25 (two signals, weak references and listeners per envelope showed in
 * the bench/relay profile). The timeout's reason is the same TimeoutError DOMException.
 */
function attemptDeadline(ms: number, parent: AbortSignal | undefined, live: Set<AbortController>): { signal: AbortSignal; done(): void } {
  const ctl = new AbortController();
  if (parent?.aborted) ctl.abort(parent.reason);
  else live.add(ctl);
  const timer = setTimeout(() => ctl.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), ms);
  timer.unref(); // as AbortSignal.timeout: a deadline alone keeps no process alive
  return {
    signal: ctl.signal,
    done() {
      clearTimeout(timer);
      live.delete(ctl);
    },
  };
}

/** One attempt over one route, outside a race: the route is known to work. */
async function overRoute(item: OutboxItem, route: Route, session: RouteSession, opts: FlushOptions, pool: VerifyPool | null, live: Set<AbortController>): Promise<{ value: Delivered | null; attempt: Attempt }> {
  const started = Date.now();
  opts.onEvent?.({ type: 'start', route: route.id });
  const deadline = attemptDeadline(opts.deadline ?? 120_000, opts.signal, live);
  try {
    const value = await deliver(item.envelope, item.token, route, {
      center: opts.center,
      signal: deadline.signal,
      session,
      ...(opts.timeouts ? { timeouts: opts.timeouts } : {}),
      ...(pool ? { verify: (k: Uint8Array, m: Uint8Array, s: Uint8Array) => pool.verify(k, m, s) } : {}),
    });
    const attempt: Attempt = { route: route.id, outcome: 'delivered', ms: Date.now() - started };
    opts.onEvent?.({ type: 'end', attempt });
    return { value, attempt };
  } catch (err) {
    const error = classify(err, 'deliver');
    const attempt: Attempt = { route: route.id, outcome: error.outcome, ms: Date.now() - started, error };
    opts.onEvent?.({ type: 'end', attempt });
    return { value: null, attempt };
  } finally {
    deadline.done();
  }
}

/**
 * One round over the pending envelopes of `outbox`.
 * @param routes the routes to race (as for {@link sendItem})
 * @returns the touched items, the number delivered, and whether it stopped for want of a route
 * @throws Error only when the outbox cannot be read or written
 */
export async function flushOutbox(outbox: Outbox, routes: readonly Route[], opts: FlushOptions): Promise<FlushRound> {
  const now = opts.now ?? Date.now;
  const queue = (opts.items ?? (await outbox.list())).filter((i) => i.state === 'pending' && (!opts.dueOnly || (i.nextAt ?? 0) <= now()));
  const touched = new Map<string, OutboxItem>();
  let delivered = 0;
  let stalled = false;
  let sticky: Route | null = opts.preferred ?? null;
  let racing: Promise<void> | null = null;
  const settling = new Set<Promise<unknown>>();
  let settleError: unknown = null;
  const note = (item: OutboxItem) => {
    touched.set(item.id, item);
    if (item.state === 'delivered') delivered++;
    opts.onEvent?.({ type: 'settled', item });
  };
  const race = async (item: OutboxItem): Promise<void> => {
    const r = await sendItem(outbox, item, routes, { ...opts, onEvent: (e) => opts.onEvent?.(e) });
    const after = r.delivered ? { ...item, state: 'delivered' as const, receipt: r.receipt!, attempts: item.attempts + r.attempts.length } : await outbox.get(item.id);
    note(after ?? item);
    // The winner may be a strategy entry (issue 12): rebuilt from its route and combination.
    if (r.delivered) sticky = entryById(routes, r.route!, opts.strategies) ?? null;
    else stalled = true;
  };
  // One keep-alive session per worker over the sticky route (issue 8, bench/relay): a new
  // connection and TLS handshake per envelope was most of the flush's CPU. The race itself still
  // opens one connection per attempt.
  const worker = async (): Promise<void> => {
    let session: RouteSession | null = null;
    try {
      await work((route) => {
        if (session?.route !== route) {
          session?.close();
          session = new RouteSession(route, opts.timeouts);
        }
        return session;
      });
    } finally {
      (session as RouteSession | null)?.close();
    }
  };
  const work = async (sessionFor: (route: Route) => RouteSession): Promise<void> => {
    for (;;) {
      if (stalled || opts.signal?.aborted) return;
      const item = queue.shift();
      if (!item) return;
      const route = sticky;
      if (route) {
        const { value, attempt } = await overRoute(item, route, sessionFor(route), opts, pool, live);
        // A busy center (503, 429) is not a broken route: back this envelope off, keep the route.
        if (value) {
          const p = settle(outbox, item, value.receipt, [attempt], opts.now).then(note, (e: unknown) => void (settleError ??= e));
          settling.add(p);
          void p.finally(() => settling.delete(p));
          while (settling.size >= SETTLING) await Promise.race(settling);
          continue;
        }
        if (attempt.error?.failureClass === 'server' || attempt.outcome === 'cancelled') {
          note(await settle(outbox, item, null, [attempt], opts.now));
          continue;
        }
        if (sticky === route) sticky = null;
      }
      // One race at a time: when it finds a route, the waiting workers use it.
      while (racing) await racing;
      if (stalled) {
        queue.unshift(item);
        return;
      }
      if (sticky) {
        queue.unshift(item);
        continue;
      }
      racing = race(item).finally(() => {
        racing = null;
      });
      await racing;
    }
  };
  const n = Math.max(1, Math.min(opts.parallel ?? FLUSH_PARALLEL, queue.length));
  const pool = queue.length >= POOL_FROM ? new VerifyPool() : null;
  // The attempts in flight over the sticky route: one listener on the caller's signal for all.
  const live = new Set<AbortController>();
  const cancel = () => live.forEach((c) => c.abort(opts.signal!.reason));
  opts.signal?.addEventListener('abort', cancel, { once: true });
  try {
    await Promise.all(Array.from({ length: n }, worker));
  } finally {
    opts.signal?.removeEventListener('abort', cancel);
    pool?.close();
  }
  await Promise.all(settling);
  if (settleError) throw settleError;
  return { items: [...touched.values()], delivered, stalled };
}
