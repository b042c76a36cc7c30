import { resolve } from 'node:path';
import type { Command } from 'commander';
import { t } from '../../i18n/index.js';
import { action, type Ctx } from '../context.js';
import { loadServe } from '../home.js';
import { EXIT } from '../output.js';

export function registerServe(program: Command, ctx: Ctx): Command {
  return program
    .command('serve')
    .description(t('cli.serve.description'))
    .requiredOption('--keys <dir>', t('cli.serve.opt.keys'))
    .requiredOption('--data <dir>', t('cli.serve.opt.data'))
    .option('--listen <host:port>', t('cli.serve.opt.listen'), '127.0.0.1:8080')
    .option('--tls-cert <file>', t('cli.serve.opt.tls-cert'))
    .option('--tls-key <file>', t('cli.serve.opt.tls-key'))
    .option('--routes <file>', t('cli.serve.opt.routes'))
    .action(
      action<{ keys: string; data: string; listen: string; tlsCert?: string; tlsKey?: string; routes?: string }>(ctx, async ({ opts, out }) => {
        // Loaded on use: the CLI starts fast for the commands that do not need SQLite.
        const { startServe } = await loadServe();
        const server = await startServe({
          keysDir: resolve(opts.keys),
          dataDir: resolve(opts.data),
          listen: opts.listen,
          ...(opts.tlsCert ? { tlsCert: resolve(opts.tlsCert) } : {}),
          ...(opts.tlsKey ? { tlsKey: resolve(opts.tlsKey) } : {}),
          ...(opts.routes ? { routes: resolve(opts.routes) } : {}),
        });
        // Exactly this line on stdout when ready (CLI spec): scripts and tests wait for it.
        out.data(`listening on ${server.url.toString()}`);
        await new Promise<void>((done) => {
          const stop = () => {
            process.off('SIGINT', stop);
            process.off('SIGTERM', stop);
            void server.close().then(done, done);
          };
          process.on('SIGINT', stop);
          process.on('SIGTERM', stop);
        });
        return EXIT.ok;
      }),
    );
}
