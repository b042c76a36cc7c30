/**
 * `sealpost verify [<envelope id>...]` (CLI spec; wire spec 5; issue 9 build point 4): fetches the
 * latest checkpoint over the raced routes, checks it against the one kept in the home folder, then
 * proves each kept receipt (src/verify/verify.ts). One line per receipt on stdout, a summary on
 * stderr. A lie exits 4, names it, and keeps the notes proving it in `<home>/evidence/...`; no
 * route answering exits 3. `--json` prints `{"checkpoint", "receipts", "lies", "attempts", "ok"}`.
 * `--counted <dir>` (issue 10, build point 4) checks a published tally and finds one's own
 * statements in it (./verify-counted.ts), offline unless `--route` or `--proxy` is given; the
 * document then has a `counted` part, and the exit code is the worse of the two checks.
 */
import type { Command } from 'commander';
import type { Center } from '../../crypto/center-file.js';
import { InputError } from '../../errors.js';
import { Outbox } from '../../outbox/outbox.js';
import type { Route } from '../../transport/routes/route.js';
import { raceEntries } from '../../transport/strategy/combos.js';
import { toBase64 } from '../../crypto/base64.js';
import { keepCheckpoint, readKeptCheckpoint, writeEvidence, CHECKPOINT_FILE } from '../../verify/state.js';
import { verifyLog, type KeptReceipt, type LogReport, type ReceiptStatus } from '../../verify/verify.js';
import { t } from '../i18n/index.js';
import { action, type ActionEnv, type Ctx } from '../context.js';
import { commandPassphrase } from '../passphrase.js';
import { EXIT, table, type ExitCode } from '../output.js';
import { addRouteOptions, gather, positive, type RouteFlags } from '../route-options.js';
import { loadCenter } from '../home.js';
import { countedExit, countedJson, countedLiesJson, countedOk, offlineCounted, printCounted, runCounted, wantsLog } from './verify-counted.js';
import { join } from 'node:path';

type VerifyFlags = RouteFlags & { timeout?: number; counted?: string };

/** The check after `outbox flush`, in ms, when the flush has no --timeout. */
const AFTER_FLUSH_DEADLINE = 20_000;

const STATUS_KEYS: Record<ReceiptStatus, string> = {
  included: 'cli.verify.status.included',
  'not-yet-covered': 'cli.verify.status.not-yet-covered',
  'not-included': 'cli.verify.status.not-included',
  'bad-receipt': 'cli.verify.status.bad-receipt',
  unknown: 'cli.verify.status.unknown',
};

/** The kept receipts: all, or those whose ids (or unique starts of them) are given. */
async function keptReceipts(env: ActionEnv<unknown>, ids: readonly string[]): Promise<KeptReceipt[]> {
  const outbox = new Outbox(env.home, { passphrase: await commandPassphrase(env) });
  const kept = (await outbox.list()).filter((i) => i.state === 'delivered' && i.receipt !== undefined).map((i) => ({ id: i.id, receipt: i.receipt! }));
  if (ids.length === 0) return kept;
  return ids.map((given) => {
    const lower = given.toLowerCase();
    const m = /^[0-9a-f]{1,64}$/.test(lower) ? kept.filter((k) => k.id.startsWith(lower)) : [];
    if (m.length !== 1) {
      const key = m.length === 0 ? 'cli.verify.no-receipt' : 'cli.outbox.ambiguous';
      throw new InputError('bad-flag', `${given}: ${m.length === 0 ? 'no kept receipt' : 'ambiguous'}`, { key, params: { id: given } });
    }
    return m[0]!;
  });
}

/** Runs the check, keeps the checkpoint when it may be kept, writes the evidence of each lie. */
async function check(env: ActionEnv<VerifyFlags>, center: Center, routes: readonly Route[], receipts: readonly KeptReceipt[], deadline?: number) {
  const { home, out } = env;
  const kept = await readKeptCheckpoint(home, center);
  if (kept.problem) out.warning('cli.verify.kept-unreadable', { file: join(home, CHECKPOINT_FILE) });
  const report = await verifyLog({
    center,
    routes,
    kept: kept.checkpoint,
    receipts,
    ...(env.opts.timeout !== undefined ? { deadline: Math.round(env.opts.timeout * 1000) } : deadline !== undefined ? { deadline } : {}),
    ...(out.verbose ? { race: { onEvent: (e) => e.type === 'end' && out.text(`${e.attempt.route}: ${e.attempt.outcome} (${e.attempt.ms} ms)`) } } : {}),
  });
  // Never a smaller one (spec 5): a larger accepted checkpoint replaces the kept one.
  if (report.checkpoint && report.acceptable && (!kept.checkpoint || report.checkpoint.size >= kept.checkpoint.size)) await keepCheckpoint(home, report.checkpoint);
  const evidence = await Promise.all(report.lies.map((l) => writeEvidence(home, l)));
  return { report, evidence, kept: kept.checkpoint };
}

function attemptsJson(r: LogReport) {
  const word = (o: string) => (o === 'delivered' ? 'fetched' : o === 'bad-receipt' ? 'bad-checkpoint' : o);
  return r.attempts.map((a) => ({ route: a.route, outcome: word(a.outcome), ms: a.ms }));
}

/** Prints each lie (in the user's language) and where its evidence is. */
function explainLies(env: ActionEnv<unknown>, r: LogReport, evidence: readonly string[]): void {
  r.lies.forEach((l, i) => {
    env.out.error('cli.verify.lie', { what: t(l.error.key, l.error.params) });
    env.out.hint('cli.verify.evidence', { dir: evidence[i]! });
  });
}

async function verify(env: ActionEnv<VerifyFlags>, ids: string[] = []): Promise<ExitCode> {
  const { out } = env;
  if (env.opts.counted !== undefined && !wantsLog(env.opts)) {
    const center = await loadCenter(env.opts.center, env.home);
    return offlineCounted(env, await runCounted(env, center, env.opts.counted, ids), center);
  }
  const { center, g, plan } = await gather(env);
  const counted = env.opts.counted !== undefined ? await runCounted(env, center, env.opts.counted, ids) : null;
  const receipts = await keptReceipts(env, ids);
  if (g.routes.length === 0) {
    out.warning('cli.no-routes');
    out.hint('cli.hint.route');
  }
  // Each strategy combination is a race entry (issue 12), as for a delivery.
  const { report: r, evidence, kept } = await check(env, center, raceEntries(g.routes, plan), receipts);
  const count = (s: ReceiptStatus) => r.receipts.filter((v) => v.status === s).length;
  const unknown = count('unknown');
  const ok = r.checkpoint !== null && r.lies.length === 0 && unknown === 0;
  const logCode: ExitCode = r.lies.length > 0 ? EXIT.verify : ok ? EXIT.ok : EXIT.queued;
  // A lie in either log decides; else the received log's answer (3 when no route answered).
  const code: ExitCode = counted && countedExit(counted) === EXIT.verify ? EXIT.verify : logCode;
  if (out.json) {
    out.document({
      checkpoint: r.checkpoint ? { size: r.checkpoint.size, root: toBase64(r.checkpoint.root), route: r.route } : null,
      receipts: r.receipts.map((v) => ({ id: v.id, index: v.index, status: v.status, ...(v.proof ? { proof: v.proof } : {}) })),
      lies: [
        ...r.lies.map((l, i) => ({ kind: l.kind, message: t(l.error.key, l.error.params), ...(l.receipt ? { receipt: l.receipt } : {}), evidence: evidence[i] })),
        ...(counted ? countedLiesJson(counted) : []),
      ],
      attempts: attemptsJson(r),
      ok: ok && (counted ? countedOk(counted) : true),
      ...(counted ? { counted: countedJson(counted) } : {}),
    });
  } else if (r.receipts.length > 0) {
    out.data(table([[t('cli.verify.table.id'), t('cli.verify.table.index'), t('cli.verify.table.verdict')], ...r.receipts.map((v) => [v.id, v.index === null ? '-' : String(v.index), t(STATUS_KEYS[v.status])])]));
  }
  explainLies(env, r, evidence);
  if (counted) printCounted(env, counted, center);
  if (!r.checkpoint) {
    if (r.lies.length === 0) out.error('cli.verify.no-route');
    return code;
  }
  // A route that brought a checkpoint the log key did not sign lies (or someone on it does); another route's counted.
  for (const a of r.attempts) if (a.outcome === 'bad-receipt') out.warning('cli.verify.refused-checkpoint', { route: a.route });
  out.info('cli.verify.checkpoint', { size: r.checkpoint.size, route: r.route! });
  if (r.lies.length === 0) {
    if (kept && kept.origin === r.checkpoint.origin && kept.size < r.checkpoint.size) out.info('cli.verify.consistent', { kept: kept.size });
    else if (!kept) out.info('cli.verify.first', { size: r.checkpoint.size });
  }
  if (r.receipts.some((v) => v.proof === 'api')) out.warning('cli.verify.api-fallback', { route: r.route! });
  if (receipts.length === 0) {
    out.info('cli.verify.no-receipts');
    out.hint('cli.verify.hint.keep');
  } else {
    out.info('cli.verify.summary', { included: count('included'), pending: count('not-yet-covered'), bad: count('not-included') + count('bad-receipt'), unknown });
    if (count('not-yet-covered') > 0) out.info('cli.verify.pending-note');
  }
  return code;
}

/**
 * After `outbox flush` delivered `items` with receipts kept (issue 9, build point 4): the same check,
 * quiet unless the log lies — a receipt no checkpoint covers yet is fine (nothing waits for one),
 * and a route that does not answer changes nothing. Returns 4 on a lie, else null.
 */
export async function verifyAfterFlush(
  env: ActionEnv<VerifyFlags>,
  center: Center,
  routes: readonly Route[],
  items: readonly { id: string; state: string; receipt?: string }[],
): Promise<ExitCode | null> {
  const receipts = items.filter((i) => i.state === 'delivered' && i.receipt !== undefined).map((i) => ({ id: i.id, receipt: i.receipt! }));
  if (receipts.length === 0 || routes.length === 0) return null;
  // A flush that delivered is not held up long by a check it did not ask for.
  const { report, evidence } = await check(env, center, routes, receipts, AFTER_FLUSH_DEADLINE);
  if (report.lies.length === 0) return null;
  explainLies(env, report, evidence);
  return EXIT.verify;
}

export function registerVerify(program: Command, ctx: Ctx): Command {
  const cmd = program
    .command('verify')
    .description(t('cli.verify.description'))
    .argument('[ids...]', t('cli.verify.arg.ids'))
    .option('--timeout <seconds>', t('cli.verify.opt.timeout'), positive('--timeout'))
    .option('--counted <dir>', t('cli.verify.opt.counted'));
  addRouteOptions(cmd);
  return cmd.action(action<VerifyFlags>(ctx, verify));
}
