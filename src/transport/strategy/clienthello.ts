/**
 * The first TLS record a client sends (RFC 8446 5.1, 4.1.2): where it ends, and where the
 * server_name extension's host name (RFC 6066 3) sits in the ClientHello it carries, for the `sni`
 * cuts of the tls strategies (wire spec 6). Pure and total: malformed input gives null, never
 * throws; fragment.ts then passes the bytes through unchanged.
 */

/** A TLS record header: content type (1), legacy version (2), length (2). */
export const RECORD_HEADER = 5;
/** Handshake content type (RFC 8446 5.1). */
export const HANDSHAKE = 22;
const CLIENT_HELLO = 1;
const SERVER_NAME = 0;
const HOST_NAME = 0;
/** Largest record content a peer must accept, plus the slack of TLS 1.2 (RFC 5246 6.2.3). */
const MAX_RECORD = 16384 + 2048;

/** The first record found at the start of a byte stream. */
export interface FirstRecord {
  readonly type: number;
  /** The record's legacy_version, kept as is when re-framing. */
  readonly version: number;
  /** The record's content (for a ClientHello: the handshake message, or its start). */
  readonly content: Buffer;
  /** Header plus content: where the record ends in the stream. */
  readonly size: number;
}

/**
 * How many bytes the first record takes (header included) once its header is in `buf`; null while
 * fewer than 5 bytes are there; `not-tls` when the bytes cannot start a TLS handshake record (not
 * type 22, not version 3.x, an empty record or one above the limit): then there is nothing to wait for.
 */
export function firstRecordSize(buf: Buffer): number | null | 'not-tls' {
  if (buf.length >= 1 && buf[0] !== HANDSHAKE) return 'not-tls';
  if (buf.length < RECORD_HEADER) return null;
  if (buf[1] !== 3) return 'not-tls';
  const len = buf.readUInt16BE(3);
  if (len === 0 || len > MAX_RECORD) return 'not-tls';
  return RECORD_HEADER + len;
}

/** The first record of `buf` when it is complete and a handshake record; null otherwise. */
export function readFirstRecord(buf: Buffer): FirstRecord | null {
  const size = firstRecordSize(buf);
  if (typeof size !== 'number' || buf.length < size) return null;
  return { type: buf[0]!, version: buf.readUInt16BE(1), content: buf.subarray(RECORD_HEADER, size), size };
}

/** Where the host name sits in a handshake message: offset of its first byte, its length, its text. */
export interface SniSpan {
  readonly offset: number;
  readonly length: number;
  readonly name: string;
}

/**
 * Finds the server_name extension's host_name in a ClientHello handshake message (the bytes a
 * first record carries; a ClientHello longer than one record is searched as far as it goes).
 * Null when the bytes are not a ClientHello, are malformed, or carry no host name (e.g. a TLS
 * connection to an IP address sends none).
 */
export function findSni(hs: Buffer): SniSpan | null {
  let p = 0;
  const need = (n: number) => p + n <= hs.length;
  const u8 = () => hs[p++]!;
  const u16 = () => {
    const v = hs.readUInt16BE(p);
    p += 2;
    return v;
  };
  // `p += u8()` would read p before u8() moves it: skip through a local.
  const skip8 = () => {
    const n = u8();
    p += n;
  };
  const skip16 = () => {
    const n = u16();
    p += n;
  };
  if (!need(4) || hs[0] !== CLIENT_HELLO) return null;
  p = 4; // msg_type, 24-bit length
  if (!need(2 + 32 + 1)) return null;
  p += 2 + 32; // legacy_version, random
  skip8(); // legacy_session_id
  if (!need(2)) return null;
  skip16(); // cipher_suites
  if (!need(1)) return null;
  skip8(); // legacy_compression_methods
  if (!need(2)) return null;
  const extEnd = p + 2 + hs.readUInt16BE(p);
  p += 2;
  while (need(4) && p < extEnd) {
    const type = u16();
    const len = u16();
    const end = p + len;
    if (type !== SERVER_NAME) {
      p = end;
      continue;
    }
    // ServerNameList: 16-bit length, then entries of name_type (1), 16-bit length, bytes.
    if (!need(2)) return null;
    const listLen = u16();
    const listEnd = Math.min(end, p + listLen);
    while (p + 3 <= listEnd && need(3)) {
      const nameType = u8();
      const nlen = u16();
      if (nameType === HOST_NAME) {
        if (nlen === 0 || p + nlen > listEnd || !need(nlen)) return null;
        return { offset: p, length: nlen, name: hs.toString('latin1', p, p + nlen) };
      }
      p += nlen;
    }
    return null;
  }
  return null;
}

/**
 * Where an `sni` cut falls in a handshake message: before the host name's middle byte, so that no
 * piece carries the whole name. Falls back to a search for `servername` when the parse finds no
 * host name (it never should for a ClientHello that carries one); null when neither finds it.
 */
export function sniCut(hs: Buffer, servername: string): number | null {
  const span = findSni(hs) ?? searchName(hs, servername);
  if (!span) return null;
  return span.offset + Math.max(1, Math.floor(span.length / 2));
}

function searchName(hs: Buffer, servername: string): SniSpan | null {
  if (!servername) return null;
  const at = hs.indexOf(Buffer.from(servername, 'latin1'));
  return at < 0 ? null : { offset: at, length: servername.length, name: servername };
}
