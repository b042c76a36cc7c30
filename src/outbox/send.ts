/**
 * Sends one queued envelope over the routes (race) and settles the outbox: delivered (receipt
 * verified) → forget the envelope and token (spec 9); otherwise it stays queued for
 * `outbox flush` (exit 3 in the CLI).
 */
import { deliver, type CenterIdentity, type Delivered, type PhaseTimeouts } from '../transport/deliver.js';
import { race, type Attempt, type RaceOptions } from '../transport/race.js';
import type { Route } from '../transport/route.js';
import type { Outbox, OutboxItem } from './outbox.js';

export interface SendOptions extends RaceOptions {
  readonly center: CenterIdentity;
  readonly timeouts?: Partial<PhaseTimeouts>;
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
  const result = await race<Delivered>(
    routes,
    (id, signal) =>
      deliver(item.envelope, item.token, byId.get(id)!, {
        center: opts.center,
        signal,
        ...(opts.timeouts ? { timeouts: opts.timeouts } : {}),
      }),
    opts,
  );
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
