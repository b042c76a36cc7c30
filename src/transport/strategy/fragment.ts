/**
 * TLS strategies on Node's TLS (issue 12 point 3, wire spec 6 `tls`): a thin Duplex between
 * node:tls and the tunnel stream (direct, CONNECT or SOCKS alike). It holds back what node:tls
 * writes until the first TLS record (the ClientHello) is complete, sends it re-framed and/or split
 * per the strategy's steps, and from then on passes every byte through untouched, both ways.
 * Certificate checks, SNI and trust are node:tls's as before: only the framing of the first
 * flight changes.
 *
 * - `tlsfrag:N`: the record's content (the handshake message) is re-framed as two records of the
 *   same content type and legacy version, the first carrying N bytes of it.
 * - `split:N`: the first N bytes of the (possibly re-framed) first flight go out as one write; the
 *   rest is written only once that write has reached the socket (its callback), with Nagle off
 *   (`setNoDelay`), so the two leave as separate TCP segments.
 * - `sni` instead of N: the cut falls before the middle byte of the server name (clienthello.ts).
 *
 * A cut that falls outside the bytes (N at or past their end), an `sni` cut without a server name
 * (a connection to an IP address sends none), or a first record that is not a TLS handshake record:
 * that step leaves the bytes as they are (never an error; the attempt then fails or succeeds as
 * plain TLS would).
 */
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import type { TlsStrategy, TlsStep } from './parse.js';
import { firstRecordSize, readFirstRecord, RECORD_HEADER, sniCut, type FirstRecord } from './clienthello.js';

function header(type: number, version: number, length: number): Buffer {
  const h = Buffer.alloc(RECORD_HEADER);
  h[0] = type;
  h.writeUInt16BE(version, 1);
  h.writeUInt16BE(length, 3);
  return h;
}

/**
 * The first flight as the writes to make, in order: the record re-framed (`tlsfrag`) and the bytes
 * cut (`split`) per `steps` (tlsfrag first, as parse.ts orders them). Pure; exported for tests.
 */
export function planFirstFlight(record: FirstRecord, steps: readonly TlsStep[], servername: string): Buffer[] {
  const { content } = record;
  // Where the handshake message's byte h sits in the flight; the record boundary when re-framed.
  let frag: number | null = null;
  let flight = Buffer.concat([header(record.type, record.version, content.length), content]);
  const at = (h: number) => (frag === null || h < frag ? RECORD_HEADER + h : 2 * RECORD_HEADER + h);
  for (const step of steps) {
    if (step.op === 'tlsfrag') {
      const cut = step.at === 'sni' ? sniCut(content, servername) : step.at;
      if (cut === null || cut <= 0 || cut >= content.length) continue;
      frag = cut;
      flight = Buffer.concat([
        header(record.type, record.version, cut),
        content.subarray(0, cut),
        header(record.type, record.version, content.length - cut),
        content.subarray(cut),
      ]);
    } else {
      let cut: number | null = null;
      if (step.at === 'sni') {
        const h = sniCut(content, servername);
        // After tlsfrag:sni the name is already cut at that byte: split at the record boundary,
        // so each segment carries one whole record.
        if (h !== null) cut = h === frag ? RECORD_HEADER + h : at(h);
      } else {
        cut = step.at;
      }
      if (cut === null || cut <= 0 || cut >= flight.length) continue;
      return [flight.subarray(0, cut), flight.subarray(cut)];
    }
  }
  return [flight];
}

class FragmentStream extends Duplex {
  /** What node:tls wrote before the first record was complete; null once it has been sent. */
  private held: Buffer | null = Buffer.alloc(0);
  private underEnded = false;

  constructor(
    private readonly under: Duplex,
    private readonly steps: readonly TlsStep[],
    private readonly servername: string,
  ) {
    super({ allowHalfOpen: true });
    // Separate writes leave as separate TCP segments only with Nagle off (a tunnel through a
    // proxy: the segments to the proxy; the proxy frames its own onward).
    (under as Partial<Socket>).setNoDelay?.(true);
    under.on('data', (d: Buffer) => {
      if (!this.push(d)) under.pause();
    });
    under.on('end', () => {
      this.underEnded = true;
      this.push(null);
    });
    under.on('error', (err) => this.destroy(err));
    under.on('close', () => {
      if (this.destroyed) return;
      // Closed after a clean end: let what was read be read first.
      if (this.underEnded && !this.readableEnded) this.once('end', () => this.destroy());
      else this.destroy();
    });
  }

  override _read(): void {
    this.under.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.held === null) return void this.under.write(chunk, cb);
    const buf = this.held.length ? Buffer.concat([this.held, chunk]) : chunk;
    const size = firstRecordSize(buf);
    if (size === 'not-tls') {
      this.held = null;
      return void this.under.write(buf, cb);
    }
    if (size === null || buf.length < size) {
      this.held = buf;
      return cb();
    }
    this.held = null;
    const pieces = planFirstFlight(readFirstRecord(buf)!, this.steps, this.servername);
    // Anything written after the first record (node:tls sends the ClientHello alone) rides last.
    if (buf.length > size) pieces.push(buf.subarray(size));
    this.inTurn(pieces, cb);
  }

  /** Each piece as its own write, the next only once the previous reached the socket. */
  private inTurn(pieces: Buffer[], cb: (err?: Error | null) => void): void {
    const [first, ...rest] = pieces;
    if (!first) return cb();
    this.under.write(first, (err?: Error | null) => (err ? cb(err) : this.inTurn(rest, cb)));
  }

  override _final(cb: (err?: Error | null) => void): void {
    // Ended before a whole record: send what there is, as is.
    const held = this.held;
    this.held = null;
    if (held?.length) this.under.write(held);
    this.under.end();
    cb();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.under.destroy();
    cb(err);
  }
}

/**
 * Wraps a tunnel stream so that the first TLS record written through it is sent per `tls`'s steps
 * (see above). `servername` is the SNI node:tls sends (for `sni` cuts). Ending, destroying and
 * errors pass both ways: destroying the TLS socket on top destroys this stream and `under`.
 */
export function fragmentStream(under: Duplex, tls: TlsStrategy, servername: string): Duplex {
  return new FragmentStream(under, tls.steps, servername);
}
