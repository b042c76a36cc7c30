import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { findSni, firstRecordSize, readFirstRecord, sniCut } from '../../src/transport/strategy/clienthello.js';
import { captureClientHello } from '../harness/tls-capture.js';

/** A minimal ClientHello built by hand (RFC 8446 4.1.2): every offset known. */
function handmade(name: string, opts: { sessionId?: number; before?: Buffer[] } = {}): { record: Buffer; nameAt: number } {
  const ext = (type: number, data: Buffer) => Buffer.concat([u16(type), u16(data.length), data]);
  const host = Buffer.from(name, 'latin1');
  const sniData = Buffer.concat([u16(host.length + 3), Buffer.from([0]), u16(host.length), host]);
  const exts = Buffer.concat([...(opts.before ?? []).map((d, i) => ext(0x10 + i, d)), ext(0, sniData)]);
  const sid = opts.sessionId ?? 32;
  const body = Buffer.concat([u16(0x0303), Buffer.alloc(32, 7), Buffer.from([sid]), Buffer.alloc(sid, 1), u16(4), Buffer.from([0x13, 0x01, 0x13, 0x02]), Buffer.from([1, 0]), u16(exts.length), exts]);
  const hs = Buffer.concat([Buffer.from([1, 0, body.length >> 8, body.length & 255]), body]);
  const record = Buffer.concat([Buffer.from([22, 3, 1]), u16(hs.length), hs]);
  return { record, nameAt: hs.indexOf(host) };
}
const u16 = (n: number) => Buffer.from([n >> 8, n & 255]);

interface Vector {
  source: string;
  record: string;
  serverName: string | null;
  nameOffset: number | null;
}
const VECTORS = (JSON.parse(readFileSync(new URL('../vectors/clienthello.json', import.meta.url), 'utf8')) as { vectors: Vector[] }).vectors;

describe('the first TLS record', () => {
  it('knows its size from the header, and what cannot be a handshake record', () => {
    const { record } = handmade('center.test');
    expect(firstRecordSize(record.subarray(0, 4))).toBeNull();
    expect(firstRecordSize(record.subarray(0, 5))).toBe(record.length);
    expect(readFirstRecord(record.subarray(0, record.length - 1))).toBeNull();
    expect(readFirstRecord(Buffer.concat([record, Buffer.from([23])]))?.size).toBe(record.length);
    expect(firstRecordSize(Buffer.from('GET / HTTP/1.1\r\n'))).toBe('not-tls');
    expect(firstRecordSize(Buffer.from([22, 2, 0, 0, 5]))).toBe('not-tls');
    expect(firstRecordSize(Buffer.from([22, 3, 1, 0, 0]))).toBe('not-tls');
    expect(firstRecordSize(Buffer.from([22, 3, 1, 0xff, 0xff]))).toBe('not-tls');
    expect(firstRecordSize(Buffer.from([22]))).toBeNull();
  });
});

describe('the server name in a ClientHello', () => {
  it('is found at its offset in a handmade ClientHello, after other extensions and any session id', () => {
    for (const o of [{}, { sessionId: 0 }, { before: [Buffer.alloc(0), Buffer.alloc(300, 9)] }]) {
      const { record, nameAt } = handmade('center.test', o);
      const hs = readFirstRecord(record)!.content;
      expect(findSni(hs)).toEqual({ offset: nameAt, length: 11, name: 'center.test' });
      expect(sniCut(hs, 'center.test')).toBe(nameAt + 5);
    }
  });

  it('is found in real ClientHellos of node:tls, and the cut falls inside it', async () => {
    for (const name of ['center.test', 'a.b', 'a-long-name.intake.example.org']) {
      const hello = await captureClientHello({ servername: name });
      const rec = readFirstRecord(hello)!;
      expect(rec.type).toBe(22);
      const span = findSni(rec.content)!;
      expect(span.name).toBe(name);
      expect(rec.content.toString('latin1', span.offset, span.offset + span.length)).toBe(name);
      const cut = sniCut(rec.content, name)!;
      expect(cut).toBeGreaterThan(span.offset);
      expect(cut).toBeLessThan(span.offset + span.length);
      // Neither piece holds the whole name.
      expect(rec.content.subarray(0, cut).includes(name)).toBe(false);
      expect(rec.content.subarray(cut).includes(name)).toBe(false);
    }
  });

  it.each(VECTORS)('is found in the ClientHello of $source (vector)', (v) => {
    const rec = readFirstRecord(Buffer.from(v.record, 'hex'))!;
    expect(rec.size).toBe(v.record.length / 2);
    const span = findSni(rec.content);
    if (v.serverName === null) return void expect(span).toBeNull();
    expect(span).toEqual({ offset: v.nameOffset, length: v.serverName.length, name: v.serverName });
  });

  it('is absent when node:tls sends none (no servername), and the sni cut is then null', async () => {
    const hello = await captureClientHello({});
    const hs = readFirstRecord(hello)!.content;
    expect(findSni(hs)).toBeNull();
    expect(sniCut(hs, '')).toBeNull();
  });

  it('never throws on malformed input: every truncation and corruption gives a span inside the bytes or null', async () => {
    const real = readFirstRecord(await captureClientHello({ servername: 'center.test' }))!.content;
    const made = readFirstRecord(handmade('center.test').record)!.content;
    let nulls = 0;
    for (const hs of [real, made]) {
      for (let n = 0; n <= hs.length; n++) {
        const span = findSni(hs.subarray(0, n));
        if (span === null) nulls++;
        else expect(span.offset + span.length).toBeLessThanOrEqual(n);
      }
      // Each byte set to 0x00 and to 0xff in turn (lengths that lie).
      for (let i = 0; i < hs.length; i++) {
        for (const v of [0, 0xff]) {
          const bad = Buffer.from(hs);
          bad[i] = v;
          const span = findSni(bad);
          if (span) expect(span.offset + span.length).toBeLessThanOrEqual(bad.length);
        }
      }
    }
    expect(nulls).toBeGreaterThan(0);
    expect(findSni(Buffer.alloc(0))).toBeNull();
    expect(findSni(Buffer.from([2, 0, 0, 40, ...Buffer.alloc(40)]))).toBeNull(); // a ServerHello
  });

  it('falls back to a search for the name the caller sent when the extension cannot be parsed', () => {
    const { record, nameAt } = handmade('center.test');
    const hs = Buffer.from(readFirstRecord(record)!.content);
    hs[4 + 2 + 32] = 200; // a session id length past the end: the parse gives up
    expect(findSni(hs)).toBeNull();
    expect(sniCut(hs, 'center.test')).toBe(nameAt + 5);
    expect(sniCut(hs, 'other.test')).toBeNull();
  });
});
