/**
 * The DNS message format (RFC 1035 section 4) as far as a stub resolver asking one encrypted
 * resolver for A and AAAA records needs it: a query with one question, and a strict reading of the
 * answer. Pure (no I/O): DoH (doh.ts) and DoT (dot.ts) carry the bytes.
 *
 * Contract of {@link decodeAnswer}: returns the addresses for the name asked, or throws a
 * {@link ResolverError}; it never throws anything else, whatever the bytes (tests/transport/dns-wire.test.ts).
 */
import { randomInt } from 'node:crypto';

/** Why a resolution failed; `reason` is stable, the message lowercase English for logs and tests. */
export type ResolverReason =
  | 'bad-name' // the name cannot be asked (not a host name)
  | 'malformed' // the answer is not a well-formed DNS message
  | 'not-answer' // QR clear, another opcode, or another id than the query's
  | 'truncated' // TC set: never over TCP/HTTPS (RFC 7766 section 8)
  | 'rcode' // the resolver answered with an error (SERVFAIL, REFUSED, …)
  | 'question' // the answer does not echo the question asked (name, type, class)
  | 'no-address' // no A/AAAA record for the name asked (NXDOMAIN, no data, only other records)
  | 'transport' // the resolver's connection, TLS or HTTP failed, or it answered too much
  | 'lookup'; // the system resolver failed

/** A resolver failed or gave an answer that does not count (spec 6: only A/AAAA for the name asked). */
export class ResolverError extends Error {
  override name = 'ResolverError' as const;
  constructor(readonly reason: ResolverReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export const TYPE_A = 1;
export const TYPE_AAAA = 28;
const TYPE_CNAME = 5;
const TYPE_OPT = 41;
const CLASS_IN = 1;
/** RFC 7830: the EDNS(0) Padding option. */
const OPT_PADDING = 12;
/** RFC 8467 section 4.1: clients pad queries to a multiple of 128 octets. */
export const QUERY_BLOCK = 128;
/** The largest DNS message (a 16-bit length over TCP, RFC 1035 section 4.2.2). */
export const MAX_MESSAGE = 65535;
/** A CNAME chain longer than this is refused (resolvers such as BIND stop at 16 or fewer). */
const MAX_CHAIN = 8;
/** Compression pointers followed in one name, at most (each points strictly backwards anyway). */
const MAX_JUMPS = 64;
/** RFC 2181 section 8: a TTL with the top bit set is read as 0. */
const MAX_TTL = 0x7fffffff;

/** The name as asked: lowercase, no trailing dot; checked to be a host name that fits a question. */
export function normalizeName(name: string): string {
  const n = name.toLowerCase().replace(/\.$/, '');
  const labels = n.split('.');
  // Underscores are let through (service names), not spaces or other bytes: nothing else is a host.
  if (n.length === 0 || n.length > 253 || labels.some((l) => !/^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/.test(l))) {
    throw new ResolverError('bad-name', 'not a host name that can be asked');
  }
  return n;
}

function encodeName(name: string): Buffer {
  const parts: Buffer[] = [];
  for (const label of name.split('.')) parts.push(Buffer.from([label.length]), Buffer.from(label, 'latin1'));
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

export interface QueryOptions {
  /** The message id: RFC 8484 section 4.1 wants 0 for DoH; DoT uses random ids to match answers. */
  readonly id?: number;
  /** Add an EDNS(0) OPT record with Padding to a multiple of QUERY_BLOCK (RFC 7830, RFC 8467). Default true. */
  readonly pad?: boolean;
}

/** A random 16-bit message id. */
export function randomId(): number {
  return randomInt(0, 0x10000);
}

/**
 * One query for `type` records of `name` with RD set (RFC 1035 section 4.1.1), and by default an
 * OPT record (RFC 6891) that pads the message to a multiple of 128 octets, so that the length of an
 * encrypted query says little about the name (RFC 8467 section 4.1).
 */
export function encodeQuery(name: string, type: number, opts: QueryOptions = {}): Buffer {
  const qname = encodeName(normalizeName(name));
  const pad = opts.pad ?? true;
  const header = Buffer.alloc(12);
  header.writeUInt16BE(opts.id ?? randomId(), 0);
  header.writeUInt16BE(0x0100, 2); // RD
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(pad ? 1 : 0, 10);
  const question = Buffer.concat([qname, Buffer.from([type >> 8, type & 0xff, 0, CLASS_IN])]);
  if (!pad) return Buffer.concat([header, question]);
  // OPT: root name, type 41, class = UDP payload size (1232, the DNS flag day 2020 value; unused
  // over TCP), extended RCODE/version/flags 0, then one Padding option (code, length, zeros).
  const fixed = 12 + question.length + 11 + 4;
  const padLen = (QUERY_BLOCK - (fixed % QUERY_BLOCK)) % QUERY_BLOCK;
  const opt = Buffer.alloc(11 + 4 + padLen);
  opt.writeUInt16BE(TYPE_OPT, 1);
  opt.writeUInt16BE(1232, 3);
  opt.writeUInt16BE(4 + padLen, 9);
  opt.writeUInt16BE(OPT_PADDING, 11);
  opt.writeUInt16BE(padLen, 13);
  return Buffer.concat([header, question, opt]);
}

const malformed = (why: string) => new ResolverError('malformed', `malformed dns answer: ${why}`);

/** Reads a possibly compressed name at `at`; returns it (lowercase, dotted) and the offset after it. */
function readName(b: Buffer, at: number): { name: string; next: number } {
  const labels: string[] = [];
  let pos = at;
  let next = -1;
  let jumps = 0;
  let wire = 1;
  for (;;) {
    if (pos >= b.length) throw malformed('name runs past the end');
    const len = b[pos]!;
    if (len === 0) {
      if (next < 0) next = pos + 1;
      break;
    }
    const kind = len & 0xc0;
    if (kind === 0xc0) {
      if (pos + 1 >= b.length) throw malformed('pointer runs past the end');
      const target = ((len & 0x3f) << 8) | b[pos + 1]!;
      // A pointer must point strictly backwards (to a name written earlier): no loop is possible.
      if (target >= pos || ++jumps > MAX_JUMPS) throw malformed('compression pointer loops or points forward');
      if (next < 0) next = pos + 2;
      pos = target;
      continue;
    }
    if (kind !== 0) throw malformed('unknown label type');
    if (pos + 1 + len > b.length) throw malformed('label runs past the end');
    wire += len + 1;
    if (wire > 255) throw malformed('name longer than 255 octets');
    labels.push(b.toString('latin1', pos + 1, pos + 1 + len).toLowerCase());
    pos += 1 + len;
  }
  return { name: labels.join('.'), next };
}

interface ResourceRecord {
  readonly name: string;
  readonly type: number;
  readonly cls: number;
  readonly ttl: number;
  readonly rdata: Buffer;
  /** Where the rdata starts in the message (names in rdata may point anywhere before it). */
  readonly at: number;
}

function readRecord(b: Buffer, at: number): { rr: ResourceRecord; next: number } {
  const { name, next } = readName(b, at);
  if (next + 10 > b.length) throw malformed('record header runs past the end');
  const type = b.readUInt16BE(next);
  const cls = b.readUInt16BE(next + 2);
  const raw = b.readUInt32BE(next + 4);
  const len = b.readUInt16BE(next + 8);
  const start = next + 10;
  if (start + len > b.length) throw malformed('record data runs past the end');
  return { rr: { name, type, cls, ttl: raw > MAX_TTL ? 0 : raw, rdata: b.subarray(start, start + len), at: start }, next: start + len };
}

function formatV6(r: Buffer): string {
  const g = Array.from({ length: 8 }, (_, i) => r.readUInt16BE(i * 2));
  // RFC 5952 section 4.2: the longest run of two or more zero groups (the first of equals) becomes `::`.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j > i ? j : i + 1;
  }
  const hex = g.map((x) => x.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/** The answer to one query, checked: the addresses for the name asked and how long they may be kept. */
export interface DnsAnswer {
  /** IP literals (dotted IPv4 or RFC 5952 IPv6), in the order the resolver gave them. */
  readonly addresses: string[];
  /** Seconds: the least TTL of the records used (CNAMEs included); 0 when there is none. */
  readonly ttl: number;
  /** 0 (NOERROR) or 3 (NXDOMAIN); any other RCODE throws. */
  readonly rcode: number;
}

export interface Expected {
  /** The query's id (0 for DoH). */
  readonly id: number;
  /** The name asked (normalized or not). */
  readonly name: string;
  readonly type: typeof TYPE_A | typeof TYPE_AAAA;
}

/**
 * Reads an answer to the query `want` describes, strictly (RFC 1035 section 4.1): the same id, QR
 * set, a standard query, not truncated, RCODE NOERROR or NXDOMAIN, exactly the question asked
 * echoed (name case-insensitively, RFC 4343), every section well-formed with no bytes left over.
 * Only records of class IN and the type asked whose owner is the name asked, or the end of a CNAME
 * chain within the answer section starting from it, count (spec 6: a resolver's extra records
 * never add addresses). @throws ResolverError, and nothing else
 */
export function decodeAnswer(bytes: Uint8Array, want: Expected): DnsAnswer {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const asked = normalizeName(want.name);
  if (b.length < 12) throw malformed('shorter than a header');
  if (b.length > MAX_MESSAGE) throw malformed('longer than a dns message');
  const id = b.readUInt16BE(0);
  const flags = b.readUInt16BE(2);
  if (id !== want.id) throw new ResolverError('not-answer', 'dns answer with another id than the query');
  if ((flags & 0x8000) === 0 || ((flags >> 11) & 0xf) !== 0) throw new ResolverError('not-answer', 'dns message is not an answer to a standard query');
  if (flags & 0x0200) throw new ResolverError('truncated', 'dns answer is truncated');
  const counts = [4, 6, 8, 10].map((o) => b.readUInt16BE(o)) as [number, number, number, number];
  const [qd, an, ns, ar] = counts;
  if (qd !== 1) throw new ResolverError('question', `dns answer carries ${qd} questions, not the one asked`);
  const q = readName(b, 12);
  if (q.next + 4 > b.length) throw malformed('question runs past the end');
  if (q.name !== asked || b.readUInt16BE(q.next) !== want.type || b.readUInt16BE(q.next + 2) !== CLASS_IN) {
    throw new ResolverError('question', 'dns answer is for another question than the one asked');
  }
  let pos = q.next + 4;
  const answers: ResourceRecord[] = [];
  let extRcode = 0;
  for (let i = 0; i < an + ns + ar; i++) {
    const { rr, next } = readRecord(b, pos);
    pos = next;
    if (i < an) answers.push(rr);
    else if (i >= an + ns && rr.type === TYPE_OPT) extRcode = rr.ttl >>> 24;
  }
  if (pos !== b.length) throw malformed('bytes after the last record');
  const rcode = (extRcode << 4) | (flags & 0xf);
  if (rcode !== 0 && rcode !== 3) throw new ResolverError('rcode', `the resolver answered with rcode ${rcode}`);
  if (rcode === 3) return { addresses: [], ttl: 0, rcode };

  // Follow the CNAME chain from the name asked, within the answer section only.
  let owner = asked;
  let ttl = MAX_TTL;
  const seen = new Set([owner]);
  for (;;) {
    const c = answers.find((r) => r.type === TYPE_CNAME && r.cls === CLASS_IN && r.name === owner);
    if (!c) break;
    const target = readName(b, c.at);
    if (target.next !== c.at + c.rdata.length) throw malformed('cname data has a wrong length');
    if (seen.has(target.name) || seen.size > MAX_CHAIN) throw new ResolverError('no-address', 'cname chain loops or is too long');
    seen.add(target.name);
    ttl = Math.min(ttl, c.ttl);
    owner = target.name;
  }
  const addresses: string[] = [];
  for (const r of answers) {
    if (r.type !== want.type || r.cls !== CLASS_IN || r.name !== owner) continue;
    if (r.rdata.length !== (want.type === TYPE_A ? 4 : 16)) throw malformed('address record with a wrong length');
    addresses.push(want.type === TYPE_A ? Array.from(r.rdata).join('.') : formatV6(r.rdata));
    ttl = Math.min(ttl, r.ttl);
  }
  return { addresses, ttl: addresses.length ? ttl : 0, rcode };
}
