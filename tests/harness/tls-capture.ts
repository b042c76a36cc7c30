/**
 * TLS test helpers for the tls strategies (issue 12): a real ClientHello captured from node:tls,
 * and a loopback relay that records, byte for byte, what a client sends to a server.
 */
import { createConnection, createServer, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';

/**
 * The first record node:tls writes for these options (a real ClientHello), captured on a Duplex
 * that never answers; the TLS socket is destroyed afterwards.
 */
export function captureClientHello(opts: { servername?: string; ALPNProtocols?: string[] } = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let got = Buffer.alloc(0);
    const sink = new Duplex({
      read() {},
      write(chunk: Buffer, _enc, cb) {
        got = Buffer.concat([got, chunk]);
        cb();
        if (got.length >= 5 && got.length >= 5 + got.readUInt16BE(3)) {
          setImmediate(() => tls.destroy());
          resolve(got.subarray(0, 5 + got.readUInt16BE(3)));
        }
      },
    });
    const tls = tlsConnect({ socket: sink, ...(opts.servername ? { servername: opts.servername } : {}), ALPNProtocols: opts.ALPNProtocols ?? ['http/1.1'] });
    tls.on('error', () => {});
    tls.once('close', () => reject(new Error('closed before a ClientHello')));
  });
}

/** A TLS record as seen on the wire. */
export interface TlsRecord {
  readonly type: number;
  readonly version: number;
  readonly content: Buffer;
}

/** Splits bytes into whole TLS records (a trailing partial record is left out). */
export function records(bytes: Buffer): TlsRecord[] {
  const out: TlsRecord[] = [];
  let p = 0;
  while (p + 5 <= bytes.length) {
    const len = bytes.readUInt16BE(p + 3);
    if (p + 5 + len > bytes.length) break;
    out.push({ type: bytes[p]!, version: bytes.readUInt16BE(p + 1), content: bytes.subarray(p + 5, p + 5 + len) });
    p += 5 + len;
  }
  return out;
}

/** The records that carry a client's ClientHello (the first handshake message), as sent. */
export function firstFlight(bytes: Buffer): TlsRecord[] {
  const out: TlsRecord[] = [];
  let have = 0;
  for (const r of records(bytes)) {
    if (r.type !== 22) break;
    out.push(r);
    have += r.content.length;
    const hs = Buffer.concat(out.map((x) => x.content));
    if (hs.length >= 4 && have >= 4 + hs.readUIntBE(1, 3)) break;
  }
  return out;
}

export interface Relay {
  readonly port: number;
  /** What each accepted client sent so far, in order of acceptance. */
  sent(): Buffer[];
  /** The first `data` chunk each accepted client's bytes arrived in. */
  firstChunks(): Buffer[];
  close(): Promise<void>;
}

/** A TCP relay on 127.0.0.1 to `target` that records what clients send. */
export function recordingRelay(target: number): Promise<Relay> {
  const sent: Buffer[][] = [];
  const live = new Set<Socket>();
  const server = createServer((s) => {
    const mine: Buffer[] = [];
    sent.push(mine);
    live.add(s);
    const up = createConnection({ host: '127.0.0.1', port: target, noDelay: true });
    live.add(up);
    s.setNoDelay(true);
    s.on('data', (d: Buffer) => {
      mine.push(d);
      up.write(d);
    });
    up.on('data', (d: Buffer) => s.write(d));
    s.on('end', () => up.end());
    up.on('end', () => s.end());
    const gone = () => {
      s.destroy();
      up.destroy();
      live.delete(s);
      live.delete(up);
    };
    s.on('error', gone).on('close', gone);
    up.on('error', gone).on('close', gone);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        port: (server.address() as { port: number }).port,
        sent: () => sent.map((c) => Buffer.concat(c)),
        firstChunks: () => sent.filter((c) => c.length > 0).map((c) => c[0]!),
        close: () =>
          new Promise<void>((r) => {
            for (const s of live) s.destroy();
            server.close(() => r());
          }),
      });
    });
  });
}

/** Whether `bytes` hold a whole ClientHello (its records all there). */
function helloComplete(bytes: Buffer): boolean {
  const flight = firstFlight(bytes);
  const hs = Buffer.concat(flight.map((r) => r.content));
  return hs.length >= 4 && hs.length >= 4 + hs.readUIntBE(1, 3);
}

export interface SniCensor {
  readonly port: number;
  /** Connections reset for showing the name in one record. */
  resets(): number;
  accepted(): number;
  close(): Promise<void>;
}

/**
 * A censor on loopback in front of `target`: it reassembles the TCP stream (so `split` alone does
 * not get past it), reads the ClientHello's TLS records one by one, and resets the connection when
 * one record carries `name` whole, as record-level SNI filters do; others are relayed.
 */
export function sniCensor(target: number, name: string): Promise<SniCensor> {
  let resets = 0;
  let accepted = 0;
  const live = new Set<Socket>();
  const server = createServer((s) => {
    accepted++;
    live.add(s);
    s.on('error', () => {});
    s.on('close', () => live.delete(s));
    let got = Buffer.alloc(0);
    const onData = (d: Buffer) => {
      got = Buffer.concat([got, d]);
      if (!helloComplete(got)) return;
      s.off('data', onData);
      if (firstFlight(got).some((r) => r.content.includes(name))) {
        resets++;
        s.resetAndDestroy();
        return;
      }
      s.pause();
      const up = createConnection({ host: '127.0.0.1', port: target, noDelay: true });
      live.add(up);
      up.on('error', () => s.destroy()).on('close', () => live.delete(up));
      s.on('close', () => up.destroy());
      up.write(got);
      s.pipe(up).pipe(s);
      s.resume();
    };
    s.on('data', onData);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        port: (server.address() as { port: number }).port,
        resets: () => resets,
        accepted: () => accepted,
        close: () =>
          new Promise<void>((r) => {
            for (const s of live) s.destroy();
            server.close(() => r());
          }),
      });
    });
  });
}
