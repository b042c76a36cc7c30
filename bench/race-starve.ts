/**
 * The starvation mix of bench/race (issue 6, finding 3): five routes that accept and never answer
 * and the working one, cold (a fresh home, so no route memory: sealpost shuffles them itself),
 * in random order. The acceptance: every run reaches a verified receipt within the working route
 * alone + 0.6 s. Each run prints its time, where the working route came in the race, and its
 * ratio to that limit (<= 1.00 meets it).
 */
export const HANG_PORTS = [8450, 8451, 8452, 8453, 8454];
/** The margin over the working route alone that every run must stay within (issue 6 acceptance). */
export const STARVE_MARGIN_MS = 600;

/** The hanging routes: right name and trust, but the server takes the connection and says nothing. */
export function hangingRoutes(srv: string, ca: string): Record<string, string>[] {
  return HANG_PORTS.map((port, i) => ({ id: `hang-${i + 1}`, kind: 'mirror', url: `https://center.test:${port}/`, connect: `${srv}:${port}`, ca }));
}

export interface StarveRun {
  readonly ms: number;
  /** 1-based place of the working route among the attempts started. */
  readonly place: number;
  readonly started: number;
}

/** Per-run lines and a verdict against `limitMs` + 0.6 s. */
export function starveReport(runs: readonly StarveRun[], limitMs: number): { lines: string[]; met: boolean } {
  const bound = limitMs + STARVE_MARGIN_MS;
  const fmt = (ms: number) => `${(ms / 1000).toFixed(3)} s`;
  const lines = runs.map(
    (r, i) =>
      `  run ${String(i + 1).padStart(2)}: ${fmt(r.ms)}  working route was attempt ${r.place} of ${r.started}  ` +
      `limit ${r.ms >= limitMs ? '+' : '-'} ${(Math.abs(r.ms - limitMs) / 1000).toFixed(3)} s  ${(r.ms / bound).toFixed(2)} x (limit + 0.6 s)${r.ms <= bound ? '' : '  MISSED'}`,
  );
  return { lines, met: runs.every((r) => r.ms <= bound) };
}
