/**
 * `sealpost ui [--no-open] [--port n] [route options]` (issue 11, build point 1): serves the local
 * page (src/ui/server.ts) on 127.0.0.1 and prints its URL, with the secret, as the first line on
 * stdout; opens the default browser unless `--no-open` (a failure to open only prints a hint).
 * Runs until SIGINT/SIGTERM. The passphrase, when the home has one, is asked here on the terminal
 * (or SEALPOST_PASSPHRASE), once, before the page is served; with neither (started without a
 * terminal), the page asks for it before anything else.
 */
import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { getLang, t } from '../i18n/index.js';
import { action, type ActionEnv, type Ctx } from '../context.js';
import { EXIT, type ExitCode } from '../output.js';
import { commandPassphrase } from '../passphrase.js';
import { readSettings } from '../../outbox/settings.js';
import { addRouteOptions, type RouteFlags } from '../route-options.js';
import { InputError } from '../../errors.js';
import { loadCenter } from '../home.js';

/** `--port`: an integer 1..65535 (bad input naming the flag otherwise, exit 2). */
function port(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new InputError('bad-flag', 'bad --port', { key: 'cli.bad-number', params: { flag: '--port' }, field: '--port' });
  return n;
}

type UiFlags = RouteFlags & { open?: boolean; port?: number };

/** The platform's opener, detached: the command does not wait for the browser. */
export function openBrowser(url: string, platform = process.platform): Promise<boolean> {
  const [cmd, args] = platform === 'darwin' ? ['open', [url]] : platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
  return new Promise((resolve) => {
    try {
      // `start "" <url>` on Windows: verbatim, so that the empty title stays two quotes (the URL has no & or ^).
      const child = spawn(cmd, args as string[], { detached: true, stdio: 'ignore', windowsVerbatimArguments: platform === 'win32' });
      child.once('error', () => resolve(false));
      child.once('spawn', () => {
        child.unref();
        resolve(true);
      });
    } catch {
      resolve(false);
    }
  });
}

async function serveUi(env: ActionEnv<UiFlags>): Promise<ExitCode> {
  const { opts, out, home, io } = env;
  const center = await loadCenter(opts.center, home);
  const keepReceipts = Boolean(opts.keepReceipts) || (await readSettings(home)).keepReceipts;
  // A protected home with no terminal to ask on (a double-click): the page asks instead.
  const passphrase = await commandPassphrase(env, { keeping: keepReceipts }).catch((err: unknown) => {
    if (err instanceof InputError && err.code === 'passphrase-needed') return undefined;
    throw err;
  });
  const [{ UiEngine }, { startUiServer }] = await Promise.all([import('../../ui/engine.js'), import('../../ui/server.js')]);
  const engine = new UiEngine({
    home,
    center,
    passphrase: passphrase ?? null,
    locked: passphrase === undefined,
    keepReceipts,
    routeFlags: opts.route,
    proxyFlags: opts.proxy,
    alsoDirect: Boolean(opts.alsoDirect),
    onlyRoutes: Boolean(opts.onlyRoutes),
    allowPlainProxy: Boolean(opts.allowPlainProxy),
    env: io.env,
  });
  // Route flags are checked now (exit 2 for a bad one), not at the first send.
  for (const w of (await engine.routes()).warnings) out.warning(w.key, w.params);
  const server = await startUiServer({ engine, lang: getLang(), ...(opts.port !== undefined ? { port: opts.port } : {}) }).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    throw new InputError('bad-flag', `port ${opts.port} is in use`, { key: 'cli.ui.port-busy', params: { port: opts.port ?? 0 }, field: '--port' });
  });
  out.data(server.url);
  out.info('cli.ui.serving');
  if (engine.locked) out.info('cli.ui.locked');
  if (opts.open !== false && !(await openBrowser(server.url))) out.warning('cli.ui.open-failed');
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
  return EXIT.ok;
}

export function registerUi(program: Command, ctx: Ctx): Command {
  const cmd = program
    .command('ui')
    .description(t('cli.ui.description'))
    .option('--no-open', t('cli.ui.opt.no-open'))
    .option('--port <n>', t('cli.ui.opt.port'), port);
  addRouteOptions(cmd);
  return cmd.action(action<UiFlags>(ctx, serveUi));
}
