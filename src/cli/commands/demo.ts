/**
 * `sealpost demo`: the whole path on loopback with embedded defaults — fresh center keys, a real
 * intake server, and the race of issue 3 against a censored network: the center's direct route is
 * blackholed (accepts, never answers), one mirror resets, another lies (200 with a forged
 * receipt), and a local SOCKS5 proxy gets through. The routes go in a fixed order (the demo has
 * no route memory) so the table reads the same every time. Everything lives in a temporary folder
 * removed at the end, or at once when the demo is interrupted (src/demo/scratch.ts).
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { parseCenterFile } from '../../crypto/center-file.js';
import { sealEnvelope } from '../../crypto/envelope.js';
import { generateCenterKeys } from '../../crypto/keys.js';
import { t } from '../i18n/index.js';
import { Outbox } from '../../outbox/outbox.js';
import { composeStatement, serializeStatement } from '../../statement/index.js';
import { parseRoute } from '../../transport/routes/route.js';
import { action, type Ctx } from '../context.js';
import { loadServe } from '../home.js';
import { censoredNetwork, type CensoredNetwork } from '../../demo/peers.js';
import { scratchDir } from '../../demo/scratch.js';

export function registerDemo(program: Command, ctx: Ctx): Command {
  return program
    .command('demo')
    .description(t('cli.demo.description'))
    .action(
      action<Record<string, never>>(ctx, async ({ opts, out, home }) => {
        const [{ startServe }, { sendAndReport }] = await Promise.all([loadServe(), import('../send-report.js')]);
        // Removed on every way out, a signal or a crash included (issue 6, finding 7).
        const scratch = scratchDir('sealpost-demo-');
        const tmp = scratch.dir;
        const demoHome = opts.home ? home : join(tmp, 'home');
        const keys = join(tmp, 'keys');
        let server: Awaited<ReturnType<typeof startServe>> | undefined;
        let net: CensoredNetwork | undefined;
        try {
          await generateCenterKeys('demo.sealpost.test', keys);
          server = await startServe({ keysDir: keys, dataDir: join(tmp, 'data'), listen: '127.0.0.1:0' });
          const center = parseCenterFile(await readFile(join(keys, 'center.json')), resolve(keys, 'center.json'));
          net = await censoredNetwork(center.name, Number(server.url.port));
          const routes = net.routes.map((r) => parseRoute(r));
          out.info('cli.demo.setup', { url: server.url.toString() });
          const st = composeStatement({
            name: [t('cli.demo.sample-name')],
            orgs: 'CYL,CYP',
            country: 'CN',
            province: '110000',
            channel: 'internet',
            text: t('cli.demo.sample-text'),
          });
          const envelope = sealEnvelope(serializeStatement(st), center.boxKey);
          out.info('cli.demo.sealed', { bytes: envelope.length });
          const outbox = new Outbox(demoHome);
          const item = await outbox.add(envelope);
          return await sendAndReport(out, outbox, item, center, routes, { deadline: 30_000 });
        } finally {
          try {
            await net?.close();
            await server?.close();
          } finally {
            scratch.dispose();
          }
        }
      }),
    );
}
