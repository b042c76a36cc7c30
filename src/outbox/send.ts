/**
 * Sends one queued envelope over the routes (race) and settles the outbox: delivered (receipt
 * verified) → forget the envelope and token (spec 9); otherwise it stays queued for
 * `outbox flush` (exit 3 in the CLI).
 */
import { deliver, type CenterIdentity, type Delivered, type PhaseTimeouts } from '../transport/deliver.js';
import { race, type Attempt, type RaceOptions } from '../transport/race/race.js';
import type { Route } from '../transport/routes/route.js';
import { raceEntries, strategyWords, isVariant, type StrategyPlan } from '../transport/strategy/combos.js';
import type { RouteHealth } from '../transport/race/health.js';
import type { Outbox, OutboxItem } from './outbox.js';

/** Options of {@link sendItem}: the race's, and the center the receipt must be signed by. */
export interface SendOptions extends RaceOptions {
  /** The center file's name and log key: only a receipt they verify counts as delivered. */
  readonly center: CenterIdentity;
  readonly timeouts?: Partial<PhaseTimeouts>;
  /**
   * Route memory of this network: orders the routes (last good first with a head start, recent
   * successes, the rest shuffled, cooling ones last), sets the stagger, and learns from the race.
   * Without it the routes race in the order given (the demo, tests).
   */
  readonly health?: RouteHealth;
  /** Unix ms (tests): when the backoff counts from. */
  readonly now?: () => number;
  /**
   * Strategies (issue 12, wire spec 6): the center file's defaults and this run's extras. Each
   * (route, dns, tls) combination races as its own entry (src/transport/strategy/combos.ts). Without
   * it only the routes' own lists count.
   */
  readonly strategies?: StrategyPlan;
}

/** A race attempt as the CLI reports it: an entry with a strategy names it (issue 12). */
export type ReportedAttempt = Pick<Attempt, 'route' | 'outcome' | 'ms'> & { readonly strategy?: { dns: string; tls: string } };

/** The longest Retry-After among failed attempts (spec 7), for the backoff. */
export function retryAfterOf(attempts: readonly Attempt[]): number | undefined {
  const all = attempts.map((a) => a.error?.retryAfterMs).filter((n): n is number => n !== undefined);
  return all.length ? Math.max(...all) : undefined;
}

/**
 * Settles the outbox after a round: a verified receipt → delivered (the envelope and token deleted,
 * the receipt kept only with `keepReceipts`); none → the attempts and the next try (backoff).
 */
export async function settle(outbox: Outbox, item: OutboxItem, receipt: string | null, attempts: readonly Attempt[], now?: () => number): Promise<OutboxItem> {
  if (receipt !== null) return outbox.markDelivered(item, receipt, attempts.length);
  const retryAfterMs = retryAfterOf(attempts);
  return outbox.recordFailure(item, attempts.length, { ...(now ? { now: now() } : {}), ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
}

/** The `submit --json` document (CLI spec). */
export interface SendResult {
  readonly id: string;
  readonly delivered: boolean;
  readonly route: string | null;
  readonly receipt: string | null;
  readonly attempts: readonly ReportedAttempt[];
}

/**
 * Sends one queued envelope: races it over `routes` (see {@link race}), each attempt a
 * {@link deliver}, and settles the outbox — delivered (the receipt verified): the envelope and its
 * token are removed (the receipt kept with `keepReceipts`); otherwise it stays queued with its
 * attempts counted and its next try set by the backoff.
 * @param outbox the outbox that holds `item`
 * @param item the queued envelope (from {@link Outbox.add})
 * @param routes the routes to race, e.g. `center.routes.map(parseRoute)` or {@link gatherRoutes}'s
 * @param opts the center, the race's deadline and signal, route memory
 * @returns the `submit --json` document (CLI spec) and every attempt with its error (`raw`); no
 *   route getting through is `delivered: false`, not a throw
 * @throws Error only when the outbox cannot be written
 * @example
 * ```ts
 * const result = await sendItem(outbox, item, center.routes.map(parseRoute), { center, deadline: 60_000 });
 * if (!result.delivered) console.log(result.attempts.map((a) => `${a.route}: ${a.outcome}`).join('\n'));
 * ```
 */
export async function sendItem(outbox: Outbox, item: OutboxItem, routes: readonly Route[], opts: SendOptions): Promise<SendResult & { raw: readonly Attempt[] }> {
  // Every strategy combination is a race entry (issue 12); the remembered one is never cut.
  const entries = raceEntries(routes, opts.strategies, opts.health ? (all) => opts.health!.remembered(all) : undefined);
  const byId = new Map(entries.map((r) => [r.id, r]));
  const plan = opts.health?.order(entries);
  const result = await race<Delivered>(
    plan?.routes ?? entries,
    (id, signal, progress) =>
      deliver(item.envelope, item.token, byId.get(id)!, {
        center: opts.center,
        signal,
        onProgress: progress,
        ...(opts.timeouts ? { timeouts: opts.timeouts } : {}),
      }),
    plan ? { ...opts, stagger: plan.stagger, ...(plan.headStart !== undefined ? { headStart: plan.headStart } : {}) } : opts,
  );
  if (opts.health) {
    opts.health.record(result.attempts, undefined, entries);
    await opts.health.save(); // never throws: a memory failure must not fail a delivery
  }
  await settle(outbox, item, result.winner?.value.receipt ?? null, result.attempts, opts.now);
  return {
    id: item.id,
    delivered: result.winner !== null,
    route: result.winner?.route ?? null,
    receipt: result.winner?.value.receipt ?? null,
    attempts: result.attempts.map(({ route, outcome, ms }) => ({ route, outcome, ms, ...strategyOf(byId.get(route)) })),
    raw: result.attempts.map((a) => ({ ...a, ...strategyOf(byId.get(a.route)) })),
  };
}

/** `{strategy: {dns, tls}}` for an entry with a strategy other than the plain one, else nothing (issue 12). */
function strategyOf(entry: Route | undefined): { strategy?: { dns: string; tls: string } } {
  return entry?.strategy && isVariant(entry) ? { strategy: strategyWords(entry.strategy) } : {};
}
