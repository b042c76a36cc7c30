/**
 * `sealpost log export --data <dir> --tiles <dir>` (CLI spec, wire spec 5): the received log as
 * C2SP tlog-tiles static files. Prints the tiles folder on stdout (`--json`: `{"size", "written",
 * "kept", "tiles"}`), a summary on stderr. The center code is loaded on use (src/cli/home.ts).
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { t } from '../i18n/index.js';
import { action, type Ctx } from '../context.js';
import { loadServe } from '../home.js';
import { EXIT } from '../output.js';

interface ExportFlags {
  data: string;
  tiles: string;
}

export function registerLog(program: Command, ctx: Ctx): Command {
  const cmd = program.command('log').description(t('cli.log.description'));
  cmd
    .command('export')
    .description(t('cli.log.export.description'))
    .requiredOption('--data <dir>', t('cli.log.export.opt.data'))
    .requiredOption('--tiles <dir>', t('cli.log.export.opt.tiles'))
    .action(
      action<ExportFlags>(ctx, async ({ opts, out }) => {
        const tiles = resolve(opts.tiles);
        // serve.js re-exports the exporter: one unbundled center module to load (rolldown.config.mjs).
        const { exportLog } = await loadServe();
        const r = await exportLog({ dataDir: resolve(opts.data), tilesDir: tiles });
        if (out.json) out.document({ size: r.size, written: r.written, kept: r.kept, tiles });
        else {
          out.info('cli.log.export.done', { size: r.size, dir: tiles, written: r.written, kept: r.kept });
          out.data(tiles);
        }
        return EXIT.ok;
      }),
    );
  for (const sub of cmd.commands) sub.helpOption('-h, --help', t('cli.opt.help')).exitOverride().configureOutput({ outputError: () => {} });
  return cmd;
}
