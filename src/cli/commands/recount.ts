/**
 * `sealpost recount <dir>` (CLI spec, wire spec 8, issue 10): recomputes every number of
 * `<dir>/tally.note` from `<dir>/counted/entries` and checks `<dir>/counted/checkpoint` against
 * the center file's tally key. Exit 0 when all agree, 4 naming the first disagreement (`--json`:
 * `{"agrees": true, ...}` or `{"agrees": false, "code", "message"}`), 2 when a file is missing.
 * `--awk` prints the awk line that recomputes the totals without sealpost.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError, VerifyError } from '../../errors.js';
import { AWK_TOTALS_LINE, recount } from '../../log/recount.js';
import { describeError, t } from '../i18n/index.js';
import { action, type Ctx } from '../context.js';
import { loadCenter } from '../home.js';
import { EXIT } from '../output.js';

async function read(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (cause) {
    throw new InputError('unreadable', `cannot read ${file}`, { cause, key: 'cli.recount.missing', params: { file } });
  }
}

export function registerRecount(program: Command, ctx: Ctx): Command {
  return program
    .command('recount')
    .description(t('cli.recount.description'))
    .argument('[dir]', t('cli.recount.arg.dir'))
    .option('--awk', t('cli.recount.opt.awk'))
    .action(
      action<{ awk?: boolean }>(ctx, async ({ opts, out, home }, dirArg: string | undefined = '.') => {
        if (opts.awk) {
          out.data(AWK_TOTALS_LINE);
          return EXIT.ok;
        }
        const dir = resolve(dirArg);
        const files = {
          entries: await read(join(dir, 'counted', 'entries')),
          checkpoint: await read(join(dir, 'counted', 'checkpoint')),
          note: await read(join(dir, 'tally.note')),
        };
        const center = await loadCenter(opts.center, home);
        try {
          const r = recount(files, center.tallyKey);
          if (out.json) out.document({ agrees: true, counted: r.note.counted, received: r.note.received, people: r.note.people, statements: r.note.statements });
          else out.info('cli.recount.agrees', { size: r.note.counted.size, people: r.note.people, key: center.tallyKey.name });
          return EXIT.ok;
        } catch (err) {
          if (!(err instanceof VerifyError)) throw err;
          if (out.json) out.document({ agrees: false, code: err.code, message: describeError(err) });
          return out.fail(err);
        }
      }),
    );
}
