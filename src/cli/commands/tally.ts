/**
 * `sealpost tally --keys <dir> --data <dir> --out <dir> [--private <dir>] [--milestone-step <n>]`
 * (CLI spec, wire spec 8, issue 10). Prints the signed tally note on stdout (`--json`: the
 * report of tally.json with what the run did), a summary on stderr; exits 0 when it finished,
 * however many envelopes it rejected. An interrupted run continues where it stopped.
 *
 * The tally is loaded from the unbundled build, as `serve` is (src/cli/home.ts): its opening
 * threads are files beside it.
 */
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { InputError } from '../../errors.js';
import { loadSqlite } from '../../center/deps.js';
import { t } from '../i18n/index.js';
import { action, type Ctx } from '../context.js';
import { packageRoot } from '../home.js';
import { EXIT } from '../output.js';

interface TallyFlags {
  keys: string;
  data: string;
  out: string;
  private?: string;
  milestoneStep?: string;
  state?: string;
  threads?: string;
}

function whole(flag: string, v: string | undefined, min: number, max: number, key: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new InputError('bad-flag', `bad ${flag}`, { key, params: { flag }, field: flag });
  }
  return n;
}

async function loadTally(): Promise<typeof import('../../center/tally/isolated.js')> {
  loadSqlite();
  // On a thread of its own with a heap sized to the machine (src/center/tally/isolated.ts).
  const url = pathToFileURL(join(packageRoot(), 'dist', 'src', 'center', 'tally', 'isolated.js')).href;
  return (await import(url)) as typeof import('../../center/tally/isolated.js');
}

export function registerTally(program: Command, ctx: Ctx): Command {
  return program
    .command('tally')
    .description(t('cli.tally.description'))
    .requiredOption('--keys <dir>', t('cli.tally.opt.keys'))
    .requiredOption('--data <dir>', t('cli.tally.opt.data'))
    .requiredOption('--out <dir>', t('cli.tally.opt.out'))
    .option('--private <dir>', t('cli.tally.opt.private'))
    .option('--milestone-step <n>', t('cli.tally.opt.milestone-step'))
    .option('--state <dir>', t('cli.tally.opt.state'))
    .option('--threads <n>', t('cli.tally.opt.threads'))
    .action(
      action<TallyFlags>(ctx, async ({ opts, out }) => {
        const milestoneStep = whole('--milestone-step', opts.milestoneStep, 1, Number.MAX_SAFE_INTEGER, 'cli.tally.bad-step');
        const threads = whole('--threads', opts.threads, 0, 256, 'cli.tally.bad-threads');
        const { runTallyIsolated } = await loadTally();
        const tty = Boolean((out.io.stderr as { isTTY?: boolean }).isTTY) && !out.json;
        let shown = 0;
        const r = await runTallyIsolated({
          keysDir: resolve(opts.keys),
          dataDir: resolve(opts.data),
          outDir: resolve(opts.out),
          ...(opts.private !== undefined ? { privateDir: resolve(opts.private) } : {}),
          ...(opts.state !== undefined ? { stateDir: resolve(opts.state) } : {}),
          ...(milestoneStep !== undefined ? { milestoneStep } : {}),
          ...(threads !== undefined ? { threads } : {}),
          onProgress: (done, end) => {
            // At most one redraw a second, on a terminal only (CLI output rules).
            if (!tty || Date.now() - shown < 1000) return;
            shown = Date.now();
            out.io.stderr.write(`\r${t('cli.tally.progress', { done, end })}\u001b[K`);
          },
        });
        if (shown) out.io.stderr.write('\r\u001b[K');
        const rep = r.report;
        if (out.json) {
          out.document({ ...rep, appended: r.appended, tallied: r.tallied, resumed: r.resumed, threads: r.threads, opener: r.opener, out: resolve(opts.out), state: r.stateDir });
          return EXIT.ok;
        }
        if (r.resumed) out.info('cli.tally.resumed', { from: rep.received.size - r.tallied });
        out.info('cli.tally.done', {
          tallied: r.tallied,
          appended: r.appended,
          size: rep.counted.size,
          people: rep.totals.people,
          statements: rep.totals.statements,
          ...rep.rejected,
        });
        const priv = opts.private !== undefined ? t('cli.tally.written-private', { dir: resolve(opts.private) }) : '';
        out.info('cli.tally.written', { out: resolve(opts.out), private: priv, state: r.stateDir });
        out.data(r.note);
        return EXIT.ok;
      }),
    );
}
