/**
 * After a submit that did not deliver: why each route failed, at which hop, and what to do
 * (issue 7, build point 4). A failure only the user can fix (class `config`: a proxy password, a
 * proxy on this machine that is not running, a center file whose key is not the center's) gets a
 * "fix this" hint; "try again later" is said only when some failure may pass by itself.
 */
import type { Center } from '../crypto/center-file.js';
import type { Params, RouteError } from '../errors.js';
import type { Attempt } from '../transport/race/race.js';
import { describeError } from './i18n/index.js';
import type { Output } from './output.js';

/** An attempt as `submit --json` prints it: the CLI spec's three fields, and `hop` when known. */
export function jsonAttempt(a: Attempt): { route: string; outcome: string; ms: number; hop?: string; strategy?: { dns: string; tls: string } } {
  // `strategy` (issue 12) names an entry's combination when it is not the plain one.
  return { route: a.route, outcome: a.outcome, ms: a.ms, ...(a.error?.hop ? { hop: a.error.hop } : {}), ...(a.strategy ? { strategy: { ...a.strategy } } : {}) };
}

/** A message key and its params: what the user must change. */
export interface Fix {
  readonly key: string;
  readonly params: Params;
}

/** What the user must change for a `config` failure of route `route`. */
export function fixFor(e: RouteError, route: string, center: Pick<Center, 'fingerprint'>): Fix {
  const proxy = e.params.proxy;
  if (e.outcome === 'proxy-auth' && proxy !== undefined) return { key: 'cli.fix.proxy-auth', params: { proxy } };
  if (e.outcome === 'refused' && e.hop !== 'center' && proxy !== undefined) return { key: 'cli.fix.proxy-not-running', params: { proxy } };
  if (e.outcome === 'bad-receipt') return { key: 'cli.fix.center-file', params: { fingerprint: center.fingerprint } };
  return { key: 'cli.fix.route', params: { route } };
}

/**
 * Prints one warning per failed attempt that has more to say than its outcome word (the hop and
 * the reason), then the distinct fixes, then whether retrying later can help. Cancelled attempts
 * (another route won, the deadline) say nothing.
 */
export function explainFailures(out: Output, attempts: readonly Attempt[], center: Pick<Center, 'fingerprint'>): void {
  const fixes = new Map<string, Fix>();
  let retryable = false;
  for (const a of attempts) {
    const e = a.error;
    if (!e || e.failureClass === 'cancelled') continue;
    if (e.key !== 'error.route') out.warning('cli.why', { route: a.route, why: describeError(e) });
    if (e.failureClass !== 'config') {
      retryable = true;
      continue;
    }
    const fix = fixFor(e, a.route, center);
    fixes.set(JSON.stringify(fix), fix);
  }
  for (const f of fixes.values()) out.hint(f.key, f.params);
  out.hint(fixes.size === 0 || retryable ? 'cli.hint.flush' : 'cli.hint.fix-first');
}
