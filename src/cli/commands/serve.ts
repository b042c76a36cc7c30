import { resolve } from 'node:path';
import type { Command } from 'commander';
import { t } from '../i18n/index.js';
import { action, type Ctx } from '../context.js';
import { loadServe } from '../home.js';
import { InputError } from '../../errors.js';
import { EXIT, UsageError } from '../output.js';

/**
 * A whole number of at least `min` for `flag`, or undefined when not given; a wrong one is bad
 * input naming the flag (exit 2, issue 7).
 */
function count(flag: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < min) {
    throw new InputError('bad-flag', `bad ${flag}`, { key: 'cli.serve.bad-count', params: { flag, min: String(min) }, field: flag });
  }
  return n;
}

/** Seconds (decimals allowed, so that tests can go below one) in (0, 3600], as milliseconds. */
function seconds(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+(\.\d+)?$/.test(v) || !(n > 0) || n > 3600) {
    throw new InputError('bad-flag', `bad ${flag}`, { key: 'cli.serve.bad-interval', params: { flag }, field: flag });
  }
  return Math.max(1, Math.round(n * 1000));
}

interface ServeFlags {
  keys: string;
  data: string;
  listen: string;
  tlsCert?: string;
  tlsKey?: string;
  routes?: string;
  maxConnections?: string;
  maxPerClient?: string;
  behindProxy?: boolean;
  checkpointInterval?: string;
}

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
    // Issue 6, finding 6: the connection caps, and none per address behind a reverse proxy.
    .option('--max-connections <n>', t('cli.serve.opt.max-connections'))
    .option('--max-per-client <n>', t('cli.serve.opt.max-per-client'))
    .option('--behind-proxy', t('cli.serve.opt.behind-proxy'))
    .option('--checkpoint-interval <seconds>', t('cli.serve.opt.checkpoint-interval'))
    .action(
      action<ServeFlags>(ctx, async ({ opts, out }) => {
        if (opts.behindProxy && opts.maxPerClient !== undefined) {
          throw new UsageError('flag-conflict', '--behind-proxy and --max-per-client do not go together', { key: 'cli.serve.proxy-and-cap' });
        }
        const maxConnections = count('--max-connections', opts.maxConnections, 1);
        const perClient = opts.behindProxy ? 0 : count('--max-per-client', opts.maxPerClient, 0);
        const checkpointIntervalMs = seconds('--checkpoint-interval', opts.checkpointInterval);
        const limits = {
          ...(maxConnections === undefined ? {} : { maxConnections }),
          ...(perClient === undefined ? {} : { maxConnectionsPerClient: perClient }),
        };
        // Loaded on use: the CLI starts fast for the commands that do not need SQLite.
        const { startServe } = await loadServe();
        const server = await startServe({
          keysDir: resolve(opts.keys),
          dataDir: resolve(opts.data),
          listen: opts.listen,
          ...(opts.tlsCert ? { tlsCert: resolve(opts.tlsCert) } : {}),
          ...(opts.tlsKey ? { tlsKey: resolve(opts.tlsKey) } : {}),
          ...(opts.routes ? { routes: resolve(opts.routes) } : {}),
          limits,
          ...(checkpointIntervalMs === undefined ? {} : { checkpointIntervalMs }),
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
