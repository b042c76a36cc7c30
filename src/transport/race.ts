/**
 * Races delivery attempts over routes (RFC 8305-style staggering, as Outline does): start the
 * first, start the next after `stagger` ms or at once when one fails, at most `maxInFlight` at a
 * time; the first success wins and every other attempt is cancelled (their sockets destroyed)
 * before `race` resolves. An overall deadline bounds the whole race.
 *
 * Adding a route kind never touches this loop (STYLE habit 1): it only sees `attempt()`.
 */
import { RouteError } from '../errors.js';
import { PhaseTimeout } from './deadline.js';
import { Cancelled, classify } from './outcome.js';

export interface Attempt {
  readonly route: string;
  readonly outcome: string;
  readonly ms: number;
  readonly error?: RouteError;
}

export interface RaceOptions {
  /** Delay before starting the next attempt (RFC 8305: 250 ms default, clamped to 100 ms..2 s). */
  readonly stagger?: number;
  readonly maxInFlight?: number;
  /**
   * Delay before the second attempt when it differs from `stagger`: the remembered last good route
   * gets a head start (1 s, as Psiphon gives its last good server). Not clamped.
   */
  readonly headStart?: number;
  /** The whole race, in ms (default 120 s). */
  readonly deadline?: number;
  readonly signal?: AbortSignal;
  /** Called as attempts start and end (for `--verbose` and the progress line). */
  readonly onEvent?: (e: { type: 'start'; route: string } | { type: 'end'; attempt: Attempt }) => void;
}

export interface RaceResult<T> {
  readonly winner: { route: string; value: T } | null;
  readonly attempts: readonly Attempt[];
}

export function clampStagger(ms: number): number {
  return Math.min(2000, Math.max(100, ms));
}

export async function race<T>(
  routes: readonly { id: string }[],
  attempt: (route: string, signal: AbortSignal) => Promise<T>,
  opts: RaceOptions = {},
): Promise<RaceResult<T>> {
  const stagger = clampStagger(opts.stagger ?? 250);
  const maxInFlight = Math.max(1, opts.maxInFlight ?? 4);
  const queue = routes.map((r) => r.id);
  /** In the order the attempts started (only started routes are listed: CLI spec). */
  const attempts: Attempt[] = [];
  let started = 0;
  const running = new Map<string, { ctl: AbortController; done: Promise<void> }>();
  const overall = new AbortController();
  let winner: RaceResult<T>['winner'] = null;
  let staggerTimer: NodeJS.Timeout | undefined;
  let finish!: () => void;
  const finished = new Promise<void>((r) => (finish = r));

  const deadline = setTimeout(() => overall.abort(new PhaseTimeout('race', opts.deadline ?? 120_000)), opts.deadline ?? 120_000);
  const onOuter = () => overall.abort(opts.signal?.reason ?? new Cancelled());
  opts.signal?.addEventListener('abort', onOuter, { once: true });
  if (opts.signal?.aborted) onOuter();
  overall.signal.addEventListener('abort', () => {
    queue.length = 0;
    for (const r of running.values()) r.ctl.abort(overall.signal.reason);
  });

  const settleIfIdle = () => {
    if (running.size === 0 && (queue.length === 0 || winner || overall.signal.aborted)) finish();
  };

  const startNext = (): void => {
    clearTimeout(staggerTimer);
    if (winner || overall.signal.aborted) return settleIfIdle();
    if (running.size >= maxInFlight) return;
    const id = queue.shift();
    if (id === undefined) return settleIfIdle();
    const ctl = new AbortController();
    const onOverall = () => ctl.abort(overall.signal.reason);
    overall.signal.addEventListener('abort', onOverall, { once: true });
    const t0 = performance.now();
    const slot = started++;
    opts.onEvent?.({ type: 'start', route: id });
    const done = attempt(id, ctl.signal).then(
      (value) => {
        const a = { route: id, outcome: 'delivered', ms: Math.round(performance.now() - t0) };
        attempts[slot] = a;
        opts.onEvent?.({ type: 'end', attempt: a });
        if (!winner) {
          winner = { route: id, value };
          for (const [other, r] of running) if (other !== id) r.ctl.abort(new Cancelled('another route won'));
        }
      },
      (err: unknown) => {
        const e = classify(ctl.signal.aborted ? ctl.signal.reason : err, 'attempt');
        const a = { route: id, outcome: e.outcome, ms: Math.round(performance.now() - t0), error: e };
        attempts[slot] = a;
        opts.onEvent?.({ type: 'end', attempt: a });
      },
    ).finally(() => {
      overall.signal.removeEventListener('abort', onOverall);
      running.delete(id);
      // A failure starts the next attempt at once (RFC 8305 section 5).
      startNext();
      settleIfIdle();
    });
    running.set(id, { ctl, done });
    if (queue.length > 0) {
      staggerTimer = setTimeout(startNext, slot === 0 && opts.headStart !== undefined ? opts.headStart : stagger);
    }
  };

  startNext();
  await finished;
  clearTimeout(staggerTimer);
  clearTimeout(deadline);
  opts.signal?.removeEventListener('abort', onOuter);
  return { winner, attempts };
}
