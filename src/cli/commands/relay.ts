/**
 * `sealpost relay import <file>` and `sealpost relay report` (issue 8, build point 2; CLI spec);
 * `relay accept` is in relay-accept.ts.
 *
 * `import` exits 0 when every good row is queued (or already was), printing the number of rows
 * rejected, and 2 when no row was good (CLI spec). `report` prints `file,line,envelope,index,hour`
 * for each delivered row whose receipt was kept (`--keep-receipts`), or `--json` with the receipts.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../../errors.js';
import { Outbox } from '../../outbox/outbox.js';
import { importRelayFile } from '../../relay/import.js';
import { englishText } from '../../relay/messages.js';
import { relayReport, reportCsv } from '../../relay/report.js';
import { loadRelaySecret, SECRET_FILE } from '../../relay/secret.js';
import { t } from '../i18n/index.js';
import { action, type Ctx } from '../context.js';
import { loadCenter } from '../home.js';
import { EXIT } from '../output.js';
import { commandPassphrase } from '../passphrase.js';
import { registerRelayAccept } from './relay-accept.js';

async function readable(file: string): Promise<void> {
  try {
    await access(file, constants.R_OK);
  } catch (cause) {
    throw new InputError('unreadable', `cannot read ${file}`, { key: 'cli.unreadable', params: { file }, field: '<file>', cause });
  }
}

function registerImport(relay: Command, ctx: Ctx): void {
  relay
    .command('import')
    .description(t('cli.relay.import.description'))
    .argument('<file>', t('cli.relay.import.arg.file'))
    .action(
      action<object>(ctx, async ({ opts, out, home, io }, arg: string) => {
        const file = resolve(arg);
        await readable(file);
        const center = await loadCenter(opts.center, home);
        // Wire spec 9: the first relay.secret (or a kept receipt) is the first thing kept: offer a passphrase.
        const newSecret = !(await stat(join(home, SECRET_FILE)).catch(() => null));
        const passphrase = await commandPassphrase({ out, home, io }, { keeping: newSecret || Boolean(opts.keepReceipts) });
        const secret = await loadRelaySecret(home, { passphrase });
        const outbox = new Outbox(home, { passphrase, keepReceipts: Boolean(opts.keepReceipts) });
        const r = await importRelayFile({ file, outbox, boxKey: center.boxKey, secret, describe: (x) => t(x.key, x.params) });
        if (r.rejectsFile !== null) out.warning('cli.relay.import.rejected', { rejected: r.rejected, rejects: r.rejectsFile });
        if (r.good === 0) {
          throw new InputError('no-good-rows', englishText('relay.no-good-rows', { file }), { key: 'relay.no-good-rows', params: { file } });
        }
        if (opts.json) {
          out.document({ file, rows: r.rows, good: r.good, rejected: r.rejected, statements: r.statements, queued: r.queued, skipped: r.skipped, rejects: r.rejectsFile });
        } else {
          out.info('cli.relay.import.done', { rows: r.rows, good: r.good, rejected: r.rejected, queued: r.queued, skipped: r.skipped });
          if (r.queued > 0) out.hint('cli.relay.import.hint-flush');
        }
        return EXIT.ok;
      }),
    );
}

function registerReport(relay: Command, ctx: Ctx): void {
  relay
    .command('report')
    .description(t('cli.relay.report.description'))
    .action(
      action<object>(ctx, async ({ opts, out, home, io }) => {
        const outbox = new Outbox(home, { passphrase: await commandPassphrase({ out, home, io }), keepReceipts: true });
        const report = relayReport(await outbox.list());
        if (opts.json) {
          out.document({ rows: report.rows, waiting: report.waiting });
          return EXIT.ok;
        }
        out.data(reportCsv(report.rows));
        out.info('cli.relay.report.summary', { delivered: report.rows.length, waiting: report.waiting });
        if (report.rows.length === 0) out.hint('cli.relay.report.hint-keep');
        return EXIT.ok;
      }),
    );
}

/** `relay` and its subcommands. */
export function registerRelay(program: Command, ctx: Ctx): Command {
  const relay = program.command('relay').description(t('cli.relay.description')).helpCommand(false);
  registerImport(relay, ctx);
  registerReport(relay, ctx);
  registerRelayAccept(relay, ctx);
  return relay;
}
