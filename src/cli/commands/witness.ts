/**
 * `sealpost witness serve --keys <dir> --data <dir> [--listen 127.0.0.1:8090] --log <center file>...
 * [--log-key <vkey>...]` (CLI spec, wire spec 5): a C2SP tlog-witness. Prints `listening on <url>`
 * on stdout when ready (as `serve`), the witness's vkey and followed logs on stderr; stops on
 * SIGINT/SIGTERM after the requests in flight.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { t } from '../i18n/index.js';
import { action, type Ctx } from '../context.js';
import { EXIT } from '../output.js';
import { collect } from '../route-options.js';

interface WitnessServeFlags {
  keys: string;
  data: string;
  listen: string;
  log: string[];
  logKey: string[];
}

export function registerWitness(program: Command, ctx: Ctx): Command {
  const cmd = program.command('witness').description(t('cli.witness.description'));
  cmd
    .command('serve')
    .description(t('cli.witness.serve.description'))
    .requiredOption('--keys <dir>', t('cli.witness.serve.opt.keys'))
    .requiredOption('--data <dir>', t('cli.witness.serve.opt.data'))
    .option('--listen <host:port>', t('cli.witness.serve.opt.listen'), '127.0.0.1:8090')
    .option('--log <file>', t('cli.witness.serve.opt.log'), collect, [])
    .option('--log-key <vkey>', t('cli.witness.serve.opt.log-key'), collect, [])
    .action(
      action<WitnessServeFlags>(ctx, async ({ opts, out }) => {
        // Loaded on use: the other commands do not pay for the witness's modules.
        const { startWitness } = await import('../../center/witness/serve.js');
        const w = await startWitness({
          keysDir: resolve(opts.keys),
          dataDir: resolve(opts.data),
          listen: opts.listen,
          centerFiles: opts.log.map((f) => resolve(f)),
          logKeys: opts.logKey,
        });
        // Exactly this line on stdout when ready (CLI spec, as serve): scripts and tests wait for it.
        out.data(`listening on ${w.url.toString()}`);
        out.info('cli.witness.serve.ready', { vkey: w.verifierKey, logs: w.origins.join(', ') });
        await new Promise<void>((done) => {
          const stop = () => {
            process.off('SIGINT', stop);
            process.off('SIGTERM', stop);
            void w.close().then(done, done);
          };
          process.on('SIGINT', stop);
          process.on('SIGTERM', stop);
        });
        return EXIT.ok;
      }),
    );
  for (const sub of cmd.commands) sub.helpOption('-h, --help', t('cli.opt.help')).exitOverride().configureOutput({ outputError: () => {} });
  return cmd;
}
