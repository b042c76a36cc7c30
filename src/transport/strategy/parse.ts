/**
 * Strategies (wire spec 6): how a route's host name is resolved (`dns`) and how the TLS ClientHello
 * to the center is sent (`tls`). Parsed once from a route's, a route list's or a center file's JSON
 * into typed values; pure (no I/O), so the center file can check its `strategies` on load.
 */
import { isIP } from 'node:net';
import { InputError } from '../../errors.js';

/** A resolver given with its address (spec 6: never itself looked up). */
export interface ResolverAddress {
  /** The resolver's TLS name (SNI, certificate check; the DoH URL's host). */
  readonly name: string;
  /** An IP literal: the resolver is never looked up. */
  readonly host: string;
  readonly port: number;
  /** PEM trust anchors replacing the system roots for this resolver (as a route's `ca`). */
  readonly ca?: string;
}

/** One `dns` entry: the system resolver, DNS-over-HTTPS (RFC 8484) or DNS-over-TLS (RFC 7858). */
export type DnsStrategy = { readonly kind: 'system' } | ({ readonly kind: 'https' | 'tls' } & ResolverAddress);

/** One step of a `tls` entry: where the cut falls, as a byte count or inside the server name. */
export interface TlsStep {
  /** `split`: two TCP segments; `tlsfrag`: two TLS records. */
  readonly op: 'split' | 'tlsfrag';
  readonly at: number | 'sni';
}

/** One `tls` entry: its text as written (how attempts and health name it) and its steps. */
export interface TlsStrategy {
  readonly text: string;
  /** In the order they are applied: `tlsfrag` (record framing) before `split` (TCP segments). Empty: plain. */
  readonly steps: readonly TlsStep[];
}

/** The parsed `strategies` of a route or a center file; a missing list is left out. */
export interface Strategies {
  readonly dns?: readonly DnsStrategy[];
  readonly tls?: readonly TlsStrategy[];
}

/** The plain ClientHello (`""`). */
export const PLAIN_TLS: TlsStrategy = { text: '', steps: [] };
/** The operating system's resolver (`{"system": {}}`). */
export const SYSTEM_DNS: DnsStrategy = { kind: 'system' };

/** Largest cut: a TLS record carries at most 2^14 bytes (RFC 8446 5.1). */
const MAX_CUT = 16384;
/** Bounds the race (issue 12 point 2): at most this many entries per list. */
export const MAX_ENTRIES = 8;

/** The InputError `bad-strategy` for `entry` of `where` (a flag or a file's field), with why. */
export function bad(where: string, entry: string, why: string): InputError {
  return new InputError('bad-strategy', `${where}: strategy ${entry}: ${why}`, { key: 'transport.strategy.bad', params: { where, entry, why } });
}

/**
 * Parses one `tls` entry: `""`, `split:N`, `tlsfrag:N`, `split:sni`, `tlsfrag:sni`, steps joined
 * with `|`. Each operation at most once. Throws InputError `bad-strategy`.
 */
export function parseTlsStrategy(text: unknown, where = 'strategies'): TlsStrategy {
  if (typeof text !== 'string') throw bad(where, JSON.stringify(text) ?? String(text), 'a tls entry is a string');
  if (text === '') return PLAIN_TLS;
  const steps: TlsStep[] = [];
  for (const part of text.split('|')) {
    const m = /^(split|tlsfrag):(sni|[1-9]\d{0,4})$/.exec(part);
    if (!m) throw bad(where, JSON.stringify(text), `bad step "${part}" (split:N, tlsfrag:N, split:sni or tlsfrag:sni)`);
    const op = m[1] as TlsStep['op'];
    const at = m[2] === 'sni' ? 'sni' : Number(m[2]);
    if (typeof at === 'number' && at >= MAX_CUT) throw bad(where, JSON.stringify(text), `a cut must be below ${MAX_CUT} bytes`);
    if (steps.some((s) => s.op === op)) throw bad(where, JSON.stringify(text), `${op} given twice`);
    steps.push({ op, at });
  }
  steps.sort((a, b) => (a.op === b.op ? 0 : a.op === 'tlsfrag' ? -1 : 1));
  return { text, steps };
}

const NAME = /^(?=.{1,253}$)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** `ip:port` or `[v6]:port` with an IP literal; null otherwise. */
function ipPort(s: unknown): { host: string; port: number } | null {
  if (typeof s !== 'string') return null;
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([0-9.]+)):(\d{1,5})$/.exec(s);
  if (!m) return null;
  const host = (m[1] ?? m[2])!;
  const port = Number(m[3]);
  if (port < 1 || port > 65535 || isIP(host) !== (m[1] ? 6 : 4)) return null;
  return { host, port };
}

/** Parses one `dns` entry (an object with exactly one of `system`, `https`, `tls`). Throws InputError `bad-strategy`. */
export function parseDnsStrategy(entry: unknown, where = 'strategies'): DnsStrategy {
  const shown = JSON.stringify(entry) ?? String(entry);
  const short = shown.length > 80 ? `${shown.slice(0, 77)}...` : shown;
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw bad(where, short, 'a dns entry is an object');
  const keys = Object.keys(entry);
  if (keys.length !== 1) throw bad(where, short, 'a dns entry has exactly one of system, https, tls');
  const kind = keys[0]!;
  const body = (entry as Record<string, unknown>)[kind];
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw bad(where, short, `${kind} takes an object`);
  const o = body as Record<string, unknown>;
  if (kind === 'system') {
    if (Object.keys(o).length > 0) throw bad(where, short, 'system takes no fields');
    return SYSTEM_DNS;
  }
  if (kind !== 'https' && kind !== 'tls') throw bad(where, short, `unknown resolver kind ${kind}`);
  const unknown = Object.keys(o).find((k) => k !== 'name' && k !== 'address' && k !== 'ca');
  if (unknown !== undefined) throw bad(where, short, `unknown field ${unknown}`);
  if (typeof o.name !== 'string' || !NAME.test(o.name) || isIP(o.name) !== 0) throw bad(where, short, 'name must be a host name');
  const addr = ipPort(o.address);
  // Spec 6: a resolver is never itself looked up, so its address must be an IP literal.
  if (!addr) throw bad(where, short, 'address must be ip:port (an IP address, never a name)');
  if (o.ca !== undefined && (typeof o.ca !== 'string' || !o.ca.includes('-----BEGIN CERTIFICATE-----'))) throw bad(where, short, 'ca must be PEM certificates');
  return { kind, name: o.name.toLowerCase(), ...addr, ...(o.ca !== undefined ? { ca: o.ca as string } : {}) };
}

/** A stable text for a dns entry (attempt names, health keys, duplicates): `system`, `https:name@ip:port`, `tls:name@ip:port`. */
export function dnsLabel(d: DnsStrategy): string {
  if (d.kind === 'system') return 'system';
  return `${d.kind}:${d.name}@${d.host.includes(':') ? `[${d.host}]` : d.host}:${d.port}`;
}

function list<T>(v: unknown, what: string, where: string, one: (e: unknown, where: string) => T, label: (t: T) => string): T[] {
  if (!Array.isArray(v)) throw bad(where, what, `${what} must be an array`);
  if (v.length === 0) throw bad(where, what, `${what} must not be empty`);
  if (v.length > MAX_ENTRIES) throw bad(where, what, `${what} has more than ${MAX_ENTRIES} entries`);
  const out = v.map((e) => one(e, where));
  const seen = new Set<string>();
  for (const t of out) {
    if (seen.has(label(t))) throw bad(where, JSON.stringify(label(t)), 'listed twice');
    seen.add(label(t));
  }
  return out;
}

/**
 * Parses a route's `dns` and `tls` fields or a center file's `strategies` object (spec 6). Each
 * list, when present, is non-empty, holds at most MAX_ENTRIES distinct entries. Throws InputError
 * `bad-strategy` naming `where` (a route id or `strategies`).
 */
export function parseStrategies(o: { dns?: unknown; tls?: unknown }, where: string): Strategies {
  return {
    ...(o.dns !== undefined ? { dns: list(o.dns, 'dns', where, parseDnsStrategy, dnsLabel) } : {}),
    ...(o.tls !== undefined ? { tls: list(o.tls, 'tls', where, parseTlsStrategy, (t) => t.text) } : {}),
  };
}

/**
 * Parses a center file's top-level `strategies` value: an object with only `dns` and `tls`.
 * Throws InputError `bad-strategy`.
 */
export function parseCenterStrategies(v: unknown): Strategies {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad('strategies', JSON.stringify(v) ?? '?', 'strategies must be an object');
  const unknown = Object.keys(v).find((k) => k !== 'dns' && k !== 'tls');
  if (unknown !== undefined) throw bad('strategies', unknown, `unknown field ${unknown}`);
  return parseStrategies(v as { dns?: unknown; tls?: unknown }, 'strategies');
}
