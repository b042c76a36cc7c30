// A user-space SNI censor for tests (issue 12): a relay that forwards to one server and resets the
// client's connection when it sees a blocked server name. Two ways of looking:
// - `packet`: each chunk read on its own, as a per-packet string match (iptables -m string) does: a
//   ClientHello cut into two TLS records (tlsfrag) gets past it, since the name is no longer one
//   run of bytes; two TCP segments (split) get past it when the reads come apart;
// - `reassemble`: the client's bytes are buffered across reads and TLS records until the whole
//   ClientHello is in, and its server_name extension is read: neither split nor tlsfrag gets past.
// Written for this project after ../shared/lab/sni-filter.mjs (a reference).
//
// usage: node sni-filter.mjs <packet|reassemble> <listen host:port> <server host:port> <blocked name>
// prints `sni-filter listening on <port>` when ready; each decision on stdout (`reset` / `pass`).
import net from 'node:net';
import { fileURLToPath } from 'node:url';

/** The server name of a complete ClientHello handshake message, or undefined. */
export function serverName(hs) {
  let p = 4 + 2 + 32;
  p += 1 + hs[p];
  p += 2 + hs.readUInt16BE(p);
  p += 1 + hs[p];
  const end = p + 2 + hs.readUInt16BE(p);
  p += 2;
  while (p + 4 <= end) {
    const type = hs.readUInt16BE(p);
    const len = hs.readUInt16BE(p + 2);
    p += 4;
    if (type === 0) return hs.subarray(p + 5, p + 5 + hs.readUInt16BE(p + 3)).toString('latin1');
    p += len;
  }
  return undefined;
}

/** Reassembles handshake records: `{hello}` once the ClientHello is whole, `{}` while more is needed, `{notTls}`. */
function parse(buf) {
  let p = 0;
  const parts = [];
  while (p + 5 <= buf.length) {
    if (buf[p] !== 22) return parts.length ? { hello: Buffer.concat(parts) } : { notTls: true };
    const len = buf.readUInt16BE(p + 3);
    if (p + 5 + len > buf.length) break;
    parts.push(buf.subarray(p + 5, p + 5 + len));
    p += 5 + len;
    const hs = Buffer.concat(parts);
    if (hs.length >= 4 && hs.length >= 4 + hs.readUIntBE(1, 3)) return { hello: hs };
  }
  if (buf.length && buf[0] !== 22) return { notTls: true };
  return {};
}

/**
 * Starts the filter; resolves with `{ port, decisions, close() }`.
 * @param {{ mode: 'packet' | 'reassemble', host?: string, port?: number, target: { host: string, port: number }, blocked: string, onDecision?: (d: string) => void }} o
 */
export function startSniFilter(o) {
  const blocked = Buffer.from(o.blocked.toLowerCase(), 'latin1');
  const live = new Set();
  const decisions = [];
  const decide = (d) => {
    decisions.push(d);
    o.onDecision?.(d);
  };
  const server = net.createServer((c) => {
    live.add(c);
    c.on('close', () => live.delete(c));
    c.on('error', () => {});
    let buf = Buffer.alloc(0);
    let decided = false;
    const reset = () => {
      decided = true;
      decide('reset');
      c.resetAndDestroy();
    };
    const forward = (first) => {
      decided = true;
      decide('pass');
      c.pause();
      const u = net.connect(o.target.port, o.target.host, () => {
        u.write(first);
        c.pipe(u);
        u.pipe(c);
        c.resume();
      });
      live.add(u);
      u.on('close', () => live.delete(u));
      u.on('error', () => c.destroy());
      c.on('close', () => u.destroy());
    };
    c.on('data', (d) => {
      if (decided) return;
      if (o.mode === 'packet') {
        // Per packet: this chunk alone, as a string match on one segment sees it.
        if (Buffer.from(d.toString('latin1').toLowerCase(), 'latin1').includes(blocked)) return reset();
        buf = Buffer.concat([buf, d]);
        // The ClientHello is whole (or this is not TLS): let the flow through.
        const r = parse(buf);
        if (r.notTls || r.hello) forward(buf);
        return;
      }
      buf = Buffer.concat([buf, d]);
      const r = parse(buf);
      if (r.notTls) return forward(buf);
      if (!r.hello) return buf.length > 65536 ? c.destroy() : undefined;
      let name;
      try {
        name = serverName(r.hello);
      } catch {
        name = undefined;
      }
      if (name && name.toLowerCase() === o.blocked.toLowerCase()) return reset();
      forward(buf);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, o.host ?? '127.0.0.1', () => {
      resolve({
        port: server.address().port,
        decisions,
        close: () =>
          new Promise((r) => {
            for (const s of live) s.destroy();
            server.close(() => r());
          }),
      });
    });
  });
}

const hostPort = (s) => {
  const i = s.lastIndexOf(':');
  return { host: s.slice(0, i), port: Number(s.slice(i + 1)) };
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [mode, listen, target, blocked] = process.argv.slice(2);
  const l = hostPort(listen);
  const f = await startSniFilter({ mode, host: l.host, port: l.port, target: hostPort(target), blocked, onDecision: (d) => process.stdout.write(`${d}\n`) });
  process.stdout.write(`sni-filter listening on ${f.port}\n`);
  process.on('SIGTERM', () => void f.close().then(() => process.exit(0)));
}
