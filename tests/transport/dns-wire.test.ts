/**
 * The DNS message format (RFC 1035) as src/transport/strategy/dns-wire.ts writes and reads it:
 * hand-made byte vectors, and a fuzz that no input makes it throw anything but a ResolverError.
 */
import { describe, expect, it } from 'vitest';
import { fc, test as fcTest } from '@fast-check/vitest';
import { decodeAnswer, encodeQuery, ResolverError, TYPE_A, TYPE_AAAA, type Expected } from '../../src/transport/strategy/dns-wire.js';
import { a, aaaa, answer, nameBytes, parseQuery, rr } from '../harness/dns.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// A query for example.com A, id 0x1234, RD, no EDNS: RFC 1035 section 4.1 by hand.
const QUERY_A = hex('1234 0100 0001 0000 0000 0000  07 6578616d706c65 03 636f6d 00  0001 0001');

// Its answer (QR RD RA), the question echoed, two A records whose owner is a pointer to offset 12.
const ANSWER_A = hex(`
  1234 8180 0001 0002 0000 0000
  07 6578616d706c65 03 636f6d 00 0001 0001
  c00c 0001 0001 0000012c 0004 5db8d822
  c00c 0001 0001 00000e10 0004 5db8d823`);

const want = (o: Partial<Expected> = {}): Expected => ({ id: 0x1234, name: 'example.com', type: TYPE_A, ...o });

function reason(bytes: Buffer, w: Expected = want()): string {
  try {
    decodeAnswer(bytes, w);
  } catch (err) {
    expect(err).toBeInstanceOf(ResolverError);
    return (err as ResolverError).reason;
  }
  return 'accepted';
}

const q = parseQuery(QUERY_A);

describe('encodeQuery', () => {
  it('writes the RFC 1035 query byte for byte', () => {
    expect(encodeQuery('example.com', TYPE_A, { id: 0x1234, pad: false })).toEqual(QUERY_A);
    expect(encodeQuery('Example.COM.', TYPE_A, { id: 0x1234, pad: false })).toEqual(QUERY_A);
  });

  it('pads to a multiple of 128 octets with an EDNS(0) Padding option (RFC 7830, RFC 8467)', () => {
    const m = encodeQuery('example.com', TYPE_AAAA, { id: 0 });
    expect(m.length).toBe(128);
    expect(m.readUInt16BE(10)).toBe(1); // ARCOUNT: the OPT record
    // header 12 + question 17, then OPT: root, type 41, class 1232, ttl 0, rdlen, option 12 and its length
    expect(m.subarray(29, 29 + 15)).toEqual(hex('00 0029 04d0 00000000 0058 000c 0054'));
    expect(m.subarray(44).every((x) => x === 0)).toBe(true);
    for (const name of ['a.b', 'x'.repeat(63) + '.test', 'center.test']) expect(encodeQuery(name, TYPE_A).length % 128).toBe(0);
  });

  it('refuses what is not a host name', () => {
    for (const bad of ['', 'a..b', 'a b.test', 'x'.repeat(64) + '.test', '-a.test', `${'a.'.repeat(127)}aa`]) {
      expect(() => encodeQuery(bad, TYPE_A)).toThrow(ResolverError);
    }
  });
});

describe('decodeAnswer', () => {
  it('reads the addresses and the least TTL', () => {
    expect(decodeAnswer(ANSWER_A, want())).toEqual({ addresses: ['93.184.216.34', '93.184.216.35'], ttl: 300, rcode: 0 });
  });

  it('compares the question case-insensitively (RFC 4343)', () => {
    const upper = Buffer.from(ANSWER_A);
    upper.write('EXAMPLE', 13, 'latin1');
    expect(decodeAnswer(upper, want()).addresses).toHaveLength(2);
  });

  it('reads AAAA records in RFC 5952 form', () => {
    const q6 = parseQuery(encodeQuery('example.com', TYPE_AAAA, { id: 7, pad: false }));
    const m = answer(q6, [
      rr(hex('c00c'), TYPE_AAAA, 60, aaaa('20010db8000000000000000000000001')),
      rr(hex('c00c'), TYPE_AAAA, 60, aaaa('20010db8000100000000000100000000')),
      rr(hex('c00c'), TYPE_AAAA, 60, aaaa('00000000000000000000000000000001')),
    ]);
    expect(decodeAnswer(m, want({ id: 7, type: TYPE_AAAA })).addresses).toEqual(['2001:db8::1', '2001:db8:1::1:0:0', '::1']);
  });

  it('follows a CNAME chain within the answer from the name asked', () => {
    const m = answer(q, [
      rr('example.com', 5, 600, nameBytes('www.example.net')),
      rr('www.example.net', 5, 120, nameBytes('edge.example.org')),
      rr('edge.example.org', TYPE_A, 900, a('192.0.2.7')),
    ]);
    expect(decodeAnswer(m, want())).toEqual({ addresses: ['192.0.2.7'], ttl: 120, rcode: 0 });
  });

  it('ignores records for other names, other types and other classes', () => {
    const m = answer(q, [
      rr('evil.example', TYPE_A, 60, a('203.0.113.1')), // another owner
      rr('example.com', 16, 60, Buffer.from('\x05hello', 'latin1')), // TXT
      rr('example.com', TYPE_AAAA, 60, aaaa('20010db8000000000000000000000001')), // not the type asked
      rr('example.com', TYPE_A, 60, a('203.0.113.2'), 3), // class CH
      rr('example.com', TYPE_A, 60, a('192.0.2.1')),
    ]);
    expect(decodeAnswer(m, want()).addresses).toEqual(['192.0.2.1']);
  });

  it('gives no address for a CNAME that leads elsewhere, or A records beside a CNAME', () => {
    const elsewhere = answer(q, [rr('example.com', 5, 60, nameBytes('other.example')), rr('example.com', TYPE_A, 60, a('192.0.2.1'))]);
    expect(decodeAnswer(elsewhere, want()).addresses).toEqual([]);
    const loop = answer(q, [rr('example.com', 5, 60, nameBytes('b.example')), rr('b.example', 5, 60, nameBytes('example.com'))]);
    expect(reason(loop)).toBe('no-address');
  });

  it('gives no address for NXDOMAIN or a TXT-only answer, and throws on another RCODE', () => {
    expect(decodeAnswer(answer(q, [], { rcode: 3 }), want())).toEqual({ addresses: [], ttl: 0, rcode: 3 });
    expect(decodeAnswer(answer(q, [rr('example.com', 16, 60, Buffer.from('\x01x', 'latin1'))]), want()).addresses).toEqual([]);
    expect(reason(answer(q, [], { rcode: 2 }))).toBe('rcode');
    expect(reason(answer(q, [], { rcode: 5 }))).toBe('rcode');
  });

  it('reads a TTL with the top bit set as 0 (RFC 2181 section 8)', () => {
    expect(decodeAnswer(answer(q, [rr('example.com', TYPE_A, 0x80000000, a('192.0.2.1'))]), want()).ttl).toBe(0);
  });

  it('refuses answers to another query', () => {
    expect(reason(ANSWER_A, want({ id: 0x1235 }))).toBe('not-answer');
    expect(reason(answer(q, [], { flags: 0x0100 }))).toBe('not-answer'); // QR clear: a query
    expect(reason(answer(q, [], { flags: 0x8980 }))).toBe('not-answer'); // opcode 1
    expect(reason(answer(q, [], { flags: 0x8380 }))).toBe('truncated'); // TC
    expect(reason(ANSWER_A, want({ name: 'example.org' }))).toBe('question');
    expect(reason(ANSWER_A, want({ type: TYPE_AAAA }))).toBe('question');
    expect(reason(answer(q, [], { question: Buffer.concat([nameBytes('example.com'), hex('0001 0003')]) }))).toBe('question');
    const two = answer(q, []);
    two.writeUInt16BE(2, 4);
    expect(reason(two)).toBe('question');
  });

  it('refuses malformed messages', () => {
    expect(reason(ANSWER_A.subarray(0, 11))).toBe('malformed');
    for (let cut = 12; cut < ANSWER_A.length; cut++) expect(reason(ANSWER_A.subarray(0, cut))).not.toBe('accepted');
    expect(reason(Buffer.concat([ANSWER_A, hex('00')]))).toBe('malformed'); // bytes after the last record
    const forward = Buffer.from(ANSWER_A);
    forward.writeUInt16BE(0xc000 | 45, 29); // the first answer's owner points at itself
    expect(reason(forward)).toBe('malformed');
    const selfLoop = answer(q, [rr(hex('c01d'), TYPE_A, 60, a('192.0.2.1'))]); // offset 29 points to 29
    expect(reason(selfLoop)).toBe('malformed');
    const label = Buffer.from(ANSWER_A);
    label[29] = 0x80; // a reserved label type
    expect(reason(label)).toBe('malformed');
    expect(reason(answer(q, [rr('example.com', TYPE_A, 60, hex('c0000201ff'))]))).toBe('malformed'); // A of 5 bytes
    expect(reason(answer(q, [rr('example.com', 5, 60, hex('03 616263 00 ff'))]))).toBe('malformed'); // CNAME with trailing bytes
  });

  it('refuses a name longer than 255 octets built of pointers', () => {
    const label = (c: string) => Buffer.concat([Buffer.from([63]), Buffer.alloc(63, c)]);
    // At offset 29 (after the question): a.b.c + example.com, 205 octets; then d + that, 269.
    const first = rr(Buffer.concat([label('a'), label('b'), label('c'), hex('c00c')]), 99, 0, Buffer.alloc(0));
    const ok = answer(q, [first]);
    expect(decodeAnswer(ok, want()).addresses).toEqual([]);
    const long = answer(q, [first, rr(Buffer.concat([label('d'), hex('c01d')]), TYPE_A, 60, a('192.0.2.1'))]);
    expect(reason(long)).toBe('malformed');
  });

  fcTest.prop([fc.uint8Array({ maxLength: 600 })], { numRuns: 2000 })('throws only ResolverError on any bytes', (bytes) => {
    try {
      decodeAnswer(bytes, want());
    } catch (err) {
      expect(err).toBeInstanceOf(ResolverError);
    }
  });

  fcTest.prop([fc.nat({ max: ANSWER_A.length - 1 }), fc.integer({ min: 0, max: 255 })], { numRuns: 2000 })('throws only ResolverError on a changed byte', (at, v) => {
    const m = Buffer.from(ANSWER_A);
    m[at] = v;
    try {
      decodeAnswer(m, want());
    } catch (err) {
      expect(err).toBeInstanceOf(ResolverError);
    }
  });
});
