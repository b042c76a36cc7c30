/**
 * Sends one queued envelope over the routes (race) and settles the outbox: delivered (receipt
 * verified) → forget the envelope and token (spec 9); otherwise it stays queued for
 * `outbox flush` (exit 3 in the CLI).
 */
import { deliver, type CenterIdentity, type Delivered, type PhaseTimeouts } from '../transport/deliver.js';
import { race, type Attempt, type RaceOptions } from '../transport/race/race.js';
import type { Route } from '../transport/routes/route.js';
import type { RouteHealth } from '../transport/race/health.js';
import type { Outbox, OutboxItem } from './outbox.js';

export interface SendOptions extends RaceOptions {
  readonly center: CenterIdentity;
  readonly timeouts?: Partial<PhaseTimeouts>;
  /**
   * Route memory of this network: orders the routes (last good first with a head start, recent
   * successes, the rest shuffled, cooling ones last), sets the stagger, and learns from the race.
   * Without it the routes race in the order given (the demo, tests).
   */
  readonly health?: RouteHealth;
}

/** The `submit --json` document (CLI spec). */
export interface SendResult {
  readonly id: string;
  readonly delivered: boolean;
  readonly route: string | null;
  readonly receipt: string | null;
  readonly attempts: readonly Pick<Attempt, 'route' | 'outcome' | 'ms'>[];
}

export async function sendItem(outbox: Outbox, item: OutboxItem, routes: readonly Route[], opts: SendOptions): Promise<SendResult & { raw: readonly Attempt[] }> {
  const byId = new Map(routes.map((r) => [r.id, r]));
  const plan = opts.health?.order(routes);
  const result = await race<Delivered>(
    plan?.routes ?? routes,
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
    opts.health.record(result.attempts, undefined, routes);
    await opts.health.save(); // never throws: a memory failure must not fail a delivery
  }
  if (result.winner) await outbox.remove(item.id);
  else await outbox.recordAttempts(item.id, result.attempts.length);
  return {
    id: item.id,
    delivered: result.winner !== null,
    route: result.winner?.route ?? null,
    receipt: result.winner?.value.receipt ?? null,
    attempts: result.attempts.map(({ route, outcome, ms }) => ({ route, outcome, ms })),
    raw: result.attempts,
  };
}
