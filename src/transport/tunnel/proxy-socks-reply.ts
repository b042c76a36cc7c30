/**
 * Reading what a SOCKS5 proxy answered during a failed handshake, from the bytes it sent. The
 * `socks` package reports failures as English strings, and a proxy that sends a short refusal and
 * closes (e.g. `05 02` then FIN, as @mongodb-js/socksv5's deny() does) only shows up there as
 * "Socket closed"; the bytes themselves say exactly what happened (RFC 1928, RFC 1929).
 */

/** RFC 1928 section 6, field REP. */
const REPLIES: Record<number, string> = {
  1: 'general SOCKS server failure',
  2: 'connection not allowed by ruleset',
  3: 'network unreachable',
  4: 'host unreachable',
  5: 'connection refused',
  6: 'TTL expired',
  7: 'command not supported',
  8: 'address type not supported',
};

export type SocksVerdict =
  | { readonly kind: 'auth'; readonly detail: string }
  | { readonly kind: 'refused'; readonly reply: number; readonly detail: string }
  | { readonly kind: 'malformed'; readonly detail: string }
  /** Too few bytes to judge: the proxy still owed its answer to this step. */
  | { readonly kind: 'incomplete'; readonly awaiting: 'method' | 'auth' | 'reply' }
  | { readonly kind: 'granted' };

/**
 * Judges the bytes a SOCKS5 proxy sent, in order: method selection (RFC 1928 section 3), the
 * username/password status when that method was chosen (RFC 1929 section 2), then the reply to
 * CONNECT (RFC 1928 section 6). Returns the first failure found, the step still unanswered, or
 * `granted`.
 */
export function judgeSocksReplies(bytes: Uint8Array): SocksVerdict {
  if (bytes.length < 2) return { kind: 'incomplete', awaiting: 'method' };
  if (bytes[0] !== 0x05) return { kind: 'malformed', detail: `not a SOCKS5 proxy (version byte ${bytes[0]})` };
  const method = bytes[1]!;
  // X'FF': no method we offered is acceptable (e.g. it wants credentials the URL does not carry).
  if (method === 0xff) return { kind: 'auth', detail: 'no acceptable authentication method' };
  let at = 2;
  if (method === 0x02) {
    if (bytes.length < 4) return { kind: 'incomplete', awaiting: 'auth' };
    // RFC 1929: STATUS X'00' is success. The VER byte is not checked: some servers send 5, not 1.
    if (bytes[3] !== 0x00) return { kind: 'auth', detail: 'username/password rejected' };
    at = 4;
  } else if (method !== 0x00) {
    return { kind: 'malformed', detail: `unexpected authentication method ${method}` };
  }
  if (bytes.length < at + 2) return { kind: 'incomplete', awaiting: 'reply' };
  if (bytes[at] !== 0x05) return { kind: 'malformed', detail: `bad reply version ${bytes[at]}` };
  const rep = bytes[at + 1]!;
  if (rep === 0x00) return { kind: 'granted' };
  return { kind: 'refused', reply: rep, detail: REPLIES[rep] ?? `reply 0x${rep.toString(16)}` };
}
