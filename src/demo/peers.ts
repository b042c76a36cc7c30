/**
 * The censored network of `sealpost demo`, on loopback: a blackholed address (accepts, never
 * answers), a mirror that resets the connection after the first bytes, a lying mirror (200 with a
 * receipt signed by the wrong key), and a small working SOCKS5 proxy (RFC 1928, no auth, CONNECT)
 * that resolves names itself, as Tor's SOCKS port does. Demo only: tests use independent
 * implementations (tests/harness, npm SOCKS and HTTP proxies, Debian's in the interop suite).
 */
import { createServer as createHttpServer } from 'node:http';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { RouteSpec } from '../crypto/center-file.js';
import { envelopeIdHex } from '../crypto/envelope.js';
import { NoteSigner } from '../crypto/note.js';
import { signReceipt } from '../crypto/receipt.js';

export interface DemoPeer {
  readonly port: number;
  close(): Promise<void>;
}

function listen(server: Server): Promise<DemoPeer> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as { port: number }).port,
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      }),
    );
  });
}

export const blackhole = (): Promise<DemoPeer> => listen(createServer((s) => s.resume()));

export const resetter = (): Promise<DemoPeer> => listen(createServer((s) => s.once('data', () => s.resetAndDestroy())));

/** Answers every POST with 200 and a receipt that looks right but is signed by another key. */
export function liar(center: string): Promise<DemoPeer> {
  const forger = new NoteSigner(`${center}/log`, randomBytes(32));
  const server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const eh = envelopeIdHex(Buffer.concat(chunks));
      const receipt = signReceipt(forger, { center, eh: Buffer.from(eh, 'hex'), blind: randomBytes(16), index: 0, hour: Math.floor(Date.now() / 3.6e6) });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: eh, receipt }));
    });
  });
  return listen(server as unknown as Server);
}

/** A minimal SOCKS5 proxy: no authentication, CONNECT only, names resolved here (ATYP 3). */
export function socks5(): Promise<DemoPeer> {
  return listen(
    createServer((client) => {
      let buf = Buffer.alloc(0);
      let stage: 'greeting' | 'request' = 'greeting';
      const onData = (d: Buffer) => {
        buf = Buffer.concat([buf, d]);
        if (stage === 'greeting') {
          if (buf.length < 2 || buf.length < 2 + buf[1]!) return;
          if (buf[0] !== 5 || !buf.subarray(2, 2 + buf[1]!).includes(0)) return void client.end(Buffer.from([5, 0xff]));
          buf = buf.subarray(2 + buf[1]!);
          stage = 'request';
          client.write(Buffer.from([5, 0]));
        }
        if (buf.length < 5) return;
        const atyp = buf[3];
        const alen = atyp === 1 ? 4 : atyp === 4 ? 16 : 1 + buf[4]!;
        if (buf.length < 4 + alen + 2) return;
        client.off('data', onData);
        const host =
          atyp === 1 ? [...buf.subarray(4, 8)].join('.') : atyp === 3 ? buf.subarray(5, 5 + buf[4]!).toString('latin1') : '::1';
        const port = buf.readUInt16BE(4 + alen);
        const rest = buf.subarray(4 + alen + 2);
        const reply = (code: number) => Buffer.from([5, code, 0, 1, 0, 0, 0, 0, 0, 0]);
        if (buf[1] !== 1) return void client.end(reply(7));
        const up = connect({ host, port }, () => {
          client.write(reply(0));
          if (rest.length) up.write(rest);
          client.pipe(up).pipe(client);
        });
        up.on('error', () => client.destroy());
        client.on('close', () => up.destroy());
      };
      client.on('data', onData);
    }),
  );
}

/** The demo's censored network, running: its peers and the routes through them. */
export interface CensoredNetwork {
  readonly peers: readonly DemoPeer[];
  /**
   * In the demo's fixed order: `direct` blackholed, `mirror-1` reset, `mirror-2` lying, and `tor-1`
   * through the SOCKS5 proxy to the center (the name goes to the proxy, which resolves it, as Tor does).
   */
  readonly routes: RouteSpec[];
  close(): Promise<void>;
}

/**
 * Starts the censored network of `sealpost demo` in front of a center listening on loopback at
 * `centerPort` (plain HTTP): the same mix for the demo, the browser tests and bench/ui.
 */
export async function censoredNetwork(center: string, centerPort: number): Promise<CensoredNetwork> {
  const peers = await Promise.all([blackhole(), resetter(), liar(center), socks5()]);
  const [hole, rst, lying, socks] = peers;
  return {
    peers,
    routes: [
      { id: 'direct', kind: 'direct', url: `http://127.0.0.1:${hole.port}/` },
      { id: 'mirror-1', kind: 'mirror', url: `http://127.0.0.1:${rst.port}/` },
      { id: 'mirror-2', kind: 'mirror', url: `http://127.0.0.1:${lying.port}/` },
      { id: 'tor-1', kind: 'socks', url: `http://localhost:${centerPort}/`, proxy: `socks5h://127.0.0.1:${socks.port}` },
    ],
    close: async () => {
      await Promise.all(peers.map((p) => p.close()));
    },
  };
}
