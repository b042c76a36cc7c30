/**
 * The local page's HTTP server (issue 11, `sealpost ui`): node:http on 127.0.0.1, a free port
 * unless one is given. Every asset comes from memory (src/ui/page/*.ts: strings built into the
 * program, so that the one-file executable needs nothing on disk); the API is src/ui/api.ts; live
 * route states go to the page by Server-Sent Events. Who may ask anything: src/ui/guard.ts.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleApi, type ApiContext } from './api.js';
import type { UiEngine } from './engine.js';
import { isOpenPath, refuse, secretCookie, secure } from './guard.js';
import { PAGE_CSS } from './page/css.js';
import { PAGE_HTML } from './page/html.js';
import { PAGE_JS } from './page/js.js';
import type { Lang } from '../cli/i18n/index.js';

/** The assets, by path: type and body. */
const ASSETS: Readonly<Record<string, readonly [string, string]>> = {
  '/': ['text/html; charset=utf-8', PAGE_HTML],
  '/page.css': ['text/css; charset=utf-8', PAGE_CSS],
  '/page.js': ['text/javascript; charset=utf-8', PAGE_JS],
};

export interface UiServerOptions {
  readonly engine: UiEngine;
  /** The page's language at first (the system's, or `--lang`); the page can switch. */
  readonly lang: Lang;
  /** 0 (default): a free port. */
  readonly port?: number;
  /** The secret of the URL (tests); default 32 random bytes, base64url. */
  readonly secret?: string;
}

export interface UiServer {
  /** `http://127.0.0.1:<port>/open/<secret>`: the first line the command prints. */
  readonly url: string;
  readonly port: number;
  readonly secret: string;
  readonly server: Server;
  close(): Promise<void>;
}

/** Starts the server on 127.0.0.1. */
export async function startUiServer(o: UiServerOptions): Promise<UiServer> {
  const secret = o.secret ?? randomBytes(32).toString('base64url');
  const listeners = new Set<ServerResponse>();
  const ctx: ApiContext = {
    engine: o.engine,
    lang: o.lang,
    broadcast: (event) => {
      const line = `data: ${JSON.stringify(event)}\n\n`;
      for (const res of listeners) res.write(line);
    },
  };
  let port = 0;
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    secure(res);
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const opening = isOpenPath(path, secret);
    const refusal = refuse(req, port, secret, opening);
    if (refusal) {
      res.writeHead(refusal.status, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`refused: ${refusal.refused}\n`);
      return;
    }
    if (opening) {
      res.writeHead(303, { Location: '/', 'Set-Cookie': secretCookie(secret) }).end();
      return;
    }
    const asset = req.method === 'GET' || req.method === 'HEAD' ? ASSETS[path] : undefined;
    if (asset) {
      res.writeHead(200, { 'Content-Type': asset[0] }).end(req.method === 'HEAD' ? undefined : asset[1]);
      return;
    }
    if (path === '/api/events' && req.method === 'GET') {
      res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive' });
      res.write(': open\n\n');
      listeners.add(res);
      req.on('close', () => listeners.delete(res));
      return;
    }
    if (path.startsWith('/api/')) return handleApi(ctx, req, res, path);
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/open/${secret}`,
    port,
    secret,
    server,
    close: async () => {
      for (const res of listeners) res.end();
      listeners.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    },
  };
}
