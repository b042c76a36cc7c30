/**
 * `sealpost demo`: the whole path on loopback with embedded defaults — fresh center keys, a real
 * intake server, a route that is blackholed (accepts and never answers, as a censor's drop looks
 * from the client) raced against the working direct route, a statement sealed and delivered, and
 * the verified receipt. Everything lives in a temporary folder removed at the end.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { parseCenterFile } from '../../crypto/center-file.js';
import { sealEnvelope } from '../../crypto/envelope.js';
import { generateCenterKeys } from '../../crypto/keys.js';
import { t } from '../../i18n/index.js';
import { Outbox } from '../../outbox/outbox.js';
import { composeStatement, serializeStatement } from '../../statement/index.js';
import { parseRoute } from '../../transport/route.js';
import { action, type Ctx } from '../context.js';

/** A local "blackholed" address: accepts TCP and never answers, holding sockets until closed. */
async function blackhole(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

export function registerDemo(program: Command, ctx: Ctx): Command {
  return program
    .command('demo')
    .description(t('cli.demo.description'))
    .action(
      action<Record<string, never>>(ctx, async ({ opts, out, home }) => {
        const [{ startServe }, { sendAndReport }] = await Promise.all([import('../../center/serve.js'), import('../send-report.js')]);
        const tmp = await mkdtemp(join(tmpdir(), 'sealpost-demo-'));
        const demoHome = opts.home ? home : join(tmp, 'home');
        const keys = join(tmp, 'keys');
        let server: Awaited<ReturnType<typeof startServe>> | undefined;
        let hole: Awaited<ReturnType<typeof blackhole>> | undefined;
        try {
          await generateCenterKeys('demo.sealpost.test', keys);
          server = await startServe({ keysDir: keys, dataDir: join(tmp, 'data'), listen: '127.0.0.1:0' });
          hole = await blackhole();
          const center = parseCenterFile(await readFile(join(keys, 'center.json')), resolve(keys, 'center.json'));
          const routes = [
            parseRoute({ id: 'blackholed', kind: 'direct', url: `http://127.0.0.1:${hole.port}/` }),
            parseRoute({ id: 'direct', kind: 'direct', url: server.url.toString() }),
          ];
          out.info('cli.demo.setup', { url: server.url.toString(), hole: `127.0.0.1:${hole.port}` });
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
          await hole?.close();
          await server?.close();
          await rm(tmp, { recursive: true, force: true });
        }
      }),
    );
}
