/**
 * Races delivery attempts over routes (RFC 8305-style staggering, as Outline does): start the
 * first, start the next after the stagger delay or at once when one fails; the first success wins
 * and every other attempt is cancelled (their sockets destroyed) before `race` resolves. An
 * overall deadline bounds the whole race.
 *
 * Blackholing is the censor's cheapest tool (issue 6, finding 3: four routes that accepted and
 * never answered held every slot for 10 s, five for 30 s), so silence is not allowed to hold the
 * race up:
 * - an attempt is *heard* when it reports progress (the far end answered, e.g. the TLS handshake
 *   with the center completed) and *silent* once a whole stagger has passed since it started or
 *   was last heard;
 * - only attempts heard within the last stagger hold one of the `maxInFlight` slots; an attempt
 *   never heard from is paced by the stagger alone;
 * - at most `maxOpen` attempts are open at all; when the next is due at that cap, the attempt
 *   silent the longest is cancelled (outcome `cancelled`, so route memory learns nothing from it)
 *   to make room, and the next starts once it has let go of its socket;
 * - every stagger that passes with no attempt heard makes the next delay 4 times shorter, down to
 *   a tenth of the stagger (the CLI spec: "it may shorten while attempts stay silent, since that
 *   looks like a blackhole"); any progress restores it.
 * With the 250 ms default and nothing heard, attempts start at 0, 250, 313, 338, 363 ms and then
 * every 25 ms up to 8 open; a working route behind five hanging ones starts at 388 ms, behind
 * twelve at 613 ms (tests/transport/race-starve.test.ts).
 *
 * Adding a route kind never touches this loop (STYLE habit 1): it only sees `attempt()`.
 */
import { RouteError, type RouteOutcome } from '../../errors.js';
import { PhaseTimeout } from '../deadline.js';
import { Cancelled, classify } from '../outcome.js';

/** Attempts heard from within the last stagger that may run at once. */
export const MAX_IN_FLIGHT = 4;
/** The hard cap on attempts (sockets) open at once, heard or silent (issue 6, finding 3). */
export const MAX_OPEN = 8;
/** Each stagger that passes with nothing heard divides the next delay by this. */
const SHORTEN = 4;
/** The shortened delay stays at least this fraction of the stagger (25 ms at the default). */
const MIN_FRACTION = 0.1;

/** One attempt of a race: its route, its outcome word, how long it took, and its error when it failed. */
export interface Attempt {
  /** The route's id. */
  readonly route: string;
  /** The CLI spec's word: `delivered`, or the RouteError's outcome. */
  readonly outcome: RouteOutcome;
  /** Milliseconds from its start to its end. */
  readonly ms: number;
  /** Why it failed (none when it delivered). */
  readonly error?: RouteError;
  /** The entry's strategy combination when it is not the plain one (issue 12), as the CLI names it. */
  readonly strategy?: { readonly dns: string; readonly tls: string };
}

/**
 * One attempt over `route`. It must settle soon after `signal` aborts, having closed its sockets.
 * It may call `progress()` whenever the far end shows it is alive (optional: an attempt that never
 * calls it is treated as silent until it settles, which only makes the race start others sooner).
 */
export type AttemptFn<T> = (route: string, signal: AbortSignal, progress: () => void) => Promise<T>;

/** Options of {@link race}: pacing, caps, the deadline and the caller's signal. */
export interface RaceOptions {
  /** Delay before starting the next attempt (RFC 8305: 250 ms default, clamped to 100 ms..2 s). */
  readonly stagger?: number;
  /** Attempts heard from within the last stagger that may run at once (default 4). */
  readonly maxInFlight?: number;
  /** Attempts open at once, heard or silent (default 8). */
  readonly maxOpen?: number;
  /**
   * Delay before the second attempt when it differs from `stagger`: the remembered last good route
   * gets a head start (1 s, as Psiphon gives its last good server). Not clamped, not shortened.
   */
  readonly headStart?: number;
  /** The whole race, in ms (default 120 s). */
  readonly deadline?: number;
  /** The caller's signal: aborting it cancels every attempt. */
  readonly signal?: AbortSignal;
  /** Called as attempts start and end (for `--verbose` and the progress line). */
  readonly onEvent?: (e: { type: 'start'; route: string } | { type: 'end'; attempt: Attempt }) => void;
}

/** The race's winner (null when no attempt succeeded) and every attempt, in the order they started. */
export interface RaceResult<T> {
  /** The route that won and what its attempt resolved with. */
  readonly winner: { route: string; value: T } | null;
  readonly attempts: readonly Attempt[];
}

export function clampStagger(ms: number): number {
  return Math.min(2000, Math.max(100, ms));
}

/** The delay before the next start after `streak` staggers in a row with nothing heard. */
export function shortenedStagger(stagger: number, streak: number): number {
  return Math.max(stagger * MIN_FRACTION, stagger / SHORTEN ** streak);
}

interface Running {
  readonly ctl: AbortController;
  /** When it started or was last heard from (performance.now()). */
  last: number;
  heard: boolean;
}

/**
 * Races attempts over routes (the loop is described at the top of src/transport/race/race.ts):
 * staggered starts, the first success wins, every other attempt is cancelled and has closed its
 * sockets before this resolves.
 * @param routes the routes, in the order to try them (only `id` is read)
 * @param attempt one attempt over a route; it must settle soon after its signal aborts
 * @param opts stagger, caps, the overall deadline and the caller's signal
 * @returns the winner, or null when every attempt failed or the deadline passed; never rejects
 *   because an attempt failed
 * @example Race deliveries over the center file's routes
 * ```ts
 * const routes = center.routes.map(parseRoute);
 * const byId = new Map(routes.map((r) => [r.id, r]));
 * const token = newDeliveryToken();
 * const { winner, attempts } = await race(routes, (id, signal, progress) =>
 *   deliver(envelope, token, byId.get(id)!, { center, signal, onProgress: progress }), { deadline: 60_000 });
 * ```
 */
export async function race<T>(routes: readonly { id: string }[], attempt: AttemptFn<T>, opts: RaceOptions = {}): Promise<RaceResult<T>> {
  const stagger = clampStagger(opts.stagger ?? 250);
  const maxInFlight = Math.max(1, opts.maxInFlight ?? MAX_IN_FLIGHT);
  const maxOpen = Math.max(maxInFlight, opts.maxOpen ?? MAX_OPEN);
  const queue = routes.map((r) => r.id);
  /** In the order the attempts started (only started routes are listed: CLI spec). */
  const attempts: Attempt[] = [];
  let started = 0;
  /** Staggers in a row that passed with no attempt heard from. */
  let streak = 0;
  const running = new Map<string, Running>();
  const overall = new AbortController();
  let winner: RaceResult<T>['winner'] = null;
  let timer: NodeJS.Timeout | undefined;
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
  const silent = (r: Running, now: number) => now - r.last >= stagger;
  const talking = (r: Running, now: number) => r.heard && !silent(r, now);
  const later = (ms: number) => {
    clearTimeout(timer);
    timer = setTimeout(() => next(true), Math.max(1, Math.ceil(ms)));
  };

  /** Starts the next attempt if one is due and there is room; `timed` when a delay ran out. */
  const next = (timed: boolean): void => {
    clearTimeout(timer);
    if (winner || overall.signal.aborted || queue.length === 0) return settleIfIdle();
    const now = performance.now();
    const open = [...running.values()];
    if (timed) streak = open.some((r) => talking(r, now)) ? 0 : streak + 1;
    const busy = open.filter((r) => talking(r, now)).length >= maxInFlight;
    if (busy || open.length >= maxOpen) {
      // One already cancelled to make room is awaited: its settling calls next() again.
      if (open.some((r) => r.ctl.signal.aborted)) return;
      const victim = busy ? undefined : open.filter((r) => silent(r, now)).sort((a, b) => a.last - b.last)[0];
      if (victim) return victim.ctl.abort(new Cancelled('silent for longer than the stagger: another route takes its place'));
      // Woken when the first of them falls silent (or sooner, when one ends).
      return later(Math.min(...open.filter((r) => !silent(r, now)).map((r) => r.last + stagger)) - now);
    }
    start(queue.shift()!, now);
    if (queue.length > 0) later(started === 1 && opts.headStart !== undefined ? opts.headStart : shortenedStagger(stagger, streak));
  };

  const start = (id: string, t0: number): void => {
    const ctl = new AbortController();
    const onOverall = () => ctl.abort(overall.signal.reason);
    overall.signal.addEventListener('abort', onOverall, { once: true });
    const slot = started++;
    const entry: Running = { ctl, last: t0, heard: false };
    const progress = () => {
      if (running.get(id) !== entry || ctl.signal.aborted) return;
      entry.heard = true;
      entry.last = performance.now();
      streak = 0;
    };
    running.set(id, entry);
    opts.onEvent?.({ type: 'start', route: id });
    void attempt(id, ctl.signal, progress)
      .then(
        (value) => {
          const a = { route: id, outcome: 'delivered' as const, ms: Math.round(performance.now() - t0) };
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
      )
      .finally(() => {
        overall.signal.removeEventListener('abort', onOverall);
        running.delete(id);
        // A failure starts the next attempt at once (RFC 8305 section 5), as does a silent one
        // cancelled to make room.
        next(false);
        settleIfIdle();
      });
  };

  next(false);
  await finished;
  clearTimeout(timer);
  clearTimeout(deadline);
  opts.signal?.removeEventListener('abort', onOuter);
  return { winner, attempts };
}
