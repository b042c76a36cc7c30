/**
 * Route list notes (wire spec 6), C2SP signed notes (spec 4) signed by the routes key
 * `<center name>/routes`:
 *
 *   sealpost/routes/v1
 *   <center name>
 *   issued <RFC 3339>
 *   expires <RFC 3339>
 *   <one line of JSON: the array of routes>
 *
 * Times are written and accepted in exactly one form, `YYYY-MM-DDTHH:MM:SSZ` (RFC 3339 section
 * 5.6, UTC with `Z`, whole seconds, no fraction): one encoding per instant keeps the fixed lines
 * strict and the signed bytes predictable. Signing floors the given Dates to the second.
 */
import type { Center, RouteSpec } from '../../crypto/center-file.js';
import { keyNameFor } from '../../crypto/keys.js';
import { verifyNote, type NoteSigner } from '../../crypto/note.js';
import { InputError, VerifyError } from '../../errors.js';
import { MAX_ANSWER } from '../http.js';
import { parseRoute, type Route } from './route.js';
import { parseJsonOr } from '../../util/json.js';

export const ROUTE_LIST_HEADER = 'sealpost/routes/v1';
/** Spec 6: a list issued more than one hour ahead of the client's clock is refused. */
export const MAX_ISSUED_AHEAD_MS = 60 * 60 * 1000;
/** The same cap as any answer a client reads (spec 7); a hand-carried note gets no more. */
export const MAX_ROUTE_LIST_BYTES = MAX_ANSWER;

/**
 * The fields a route has (spec 6), in the order they are written. Signing refuses others;
 * verifying ignores others (a later version may add fields that an older client can do without).
 */
const SPEC_FIELDS = ['id', 'kind', 'url', 'proxy', 'connect', 'servername', 'ca', 'dns', 'tls'] as const;

/** A verified route list (spec 6): when it was issued, until when it holds, and its routes. */
export interface RouteList {
  readonly issued: Date;
  readonly expires: Date;
  /** The routes, parsed (spec 6), in the list's order. */
  readonly routes: Route[];
  /** The routes as signed in the note. */
  readonly specs: RouteSpec[];
}

/** What {@link verifyRouteList} checks a route list against. */
export interface VerifyRouteListOptions {
  readonly center: Center;
  /** The client's clock, Unix ms or a Date. */
  readonly now: number | Date;
  /** The list the client already holds: a list issued earlier than it is a rollback. */
  readonly held?: { readonly issued: Date } | null;
}

/** `2026-01-02T03:04:05Z`: UTC, whole seconds (the fraction is dropped). */
export function formatTime(d: Date): string {
  if (!(d instanceof Date) || Number.isNaN(d.getTime())) throw new TypeError('time must be a valid Date');
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Parses exactly the form formatTime writes; null for anything else (offsets, fractions, 24:00, Feb 30). */
export function parseTime(s: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(s)) return null;
  const d = new Date(s);
  // Date accepts some out-of-range fields by rolling over; the round trip catches them.
  return Number.isNaN(d.getTime()) || formatTime(d) !== s ? null : d;
}

function badList(why: string): VerifyError {
  return new VerifyError('bad-route-list', `bad route list: ${why}`, { key: 'transport.routes.bad-list', params: { why } });
}

/** Only the spec 6 fields, in a fixed order (undefined ones left out). */
function cleanSpec(spec: RouteSpec): RouteSpec {
  const out: Record<string, unknown> = {};
  for (const f of SPEC_FIELDS) if (spec[f] !== undefined) out[f] = spec[f];
  return out as unknown as RouteSpec;
}

/**
 * Signs a route list (spec 6) for `center` with the routes key. Every route must parse, have
 * only spec 6 fields, and the ids must be unique: throws InputError `bad-route` (a bad input file) otherwise; RangeError when
 * the signer is not `<center>/routes` or `expires` is not after `issued`.
 */
export function signRouteList(signer: NoteSigner, center: string, routes: RouteSpec[], issued: Date, expires: Date): string {
  if (signer.name !== keyNameFor(center, 'routes')) throw new RangeError(`route lists are signed by ${keyNameFor(center, 'routes')}, not ${signer.name}`);
  const [i, e] = [formatTime(issued), formatTime(expires)];
  if (Date.parse(e) <= Date.parse(i)) throw new RangeError('expires must be after issued');
  if (!Array.isArray(routes)) throw new TypeError('routes must be an array');
  const seen = new Set<string>();
  const specs = routes.map((r) => {
    if (typeof r !== 'object' || r === null || Array.isArray(r)) {
      throw new InputError('bad-route', 'a route is not an object', { key: 'transport.bad-route', params: { id: '?', why: 'not an object' } });
    }
    const route = parseRoute(r);
    // A typo (`servname`) would otherwise be signed away silently: the input is strict.
    const unknown = Object.keys(r).find((k) => !(SPEC_FIELDS as readonly string[]).includes(k));
    if (unknown !== undefined) {
      throw new InputError('bad-route', `route ${route.id}: unknown field ${unknown}`, { key: 'transport.bad-route', params: { id: route.id, why: `unknown field ${unknown}` } });
    }
    if (seen.has(route.id)) {
      throw new InputError('bad-route', `duplicate route id ${route.id}`, { key: 'transport.bad-route', params: { id: route.id, why: 'duplicate id' } });
    }
    seen.add(route.id);
    return cleanSpec(r);
  });
  // JSON.stringify escapes every control character (a PEM's newlines included): one line.
  return signer.sign(`${ROUTE_LIST_HEADER}\n${center}\nissued ${i}\nexpires ${e}\n${JSON.stringify(specs)}\n`);
}

/**
 * Checks a route list note's signature (by the center file's routesKey, spec 4) and its fixed
 * lines, and parses its routes — but not its times. Used on the held list, whose `issued` still
 * guards against rollback after it has expired. Throws VerifyError.
 */
export function openRouteList(note: string, center: Center): RouteList {
  if (typeof note !== 'string') throw badList('not text');
  if (Buffer.byteLength(note) > MAX_ROUTE_LIST_BYTES) throw badList(`larger than ${MAX_ROUTE_LIST_BYTES} bytes`);
  const text = verifyNote(note, center.routesKey);
  const lines = text.split('\n');
  if (lines.length !== 6 || lines[5] !== '') throw badList('not five lines');
  const [header, name, issuedLine, expiresLine, json] = lines as [string, string, string, string, string];
  if (header !== ROUTE_LIST_HEADER) throw badList('not a route list');
  if (name !== center.name) {
    throw new VerifyError('route-list-center', `route list for ${name}, not ${center.name}`, {
      key: 'transport.routes.wrong-center',
      params: { name, center: center.name },
    });
  }
  const issued = issuedLine.startsWith('issued ') ? parseTime(issuedLine.slice(7)) : null;
  const expires = expiresLine.startsWith('expires ') ? parseTime(expiresLine.slice(8)) : null;
  if (!issued) throw badList('bad issued line');
  if (!expires) throw badList('bad expires line');
  if (expires.getTime() <= issued.getTime()) throw badList('expires before it was issued');
  const specs = parseJsonOr(json, () => badList('routes are not JSON'));
  if (!Array.isArray(specs)) throw badList('routes are not an array');
  const seen = new Set<string>();
  const routes = specs.map((s: unknown, n) => {
    if (typeof s !== 'object' || s === null || Array.isArray(s)) throw badList(`route ${n + 1} is not an object`);
    let r: Route;
    try {
      r = parseRoute(s as RouteSpec);
    } catch (cause) {
      throw new VerifyError('bad-route-list', `bad route list: route ${n + 1}`, {
        cause,
        key: 'transport.routes.bad-list',
        params: { why: cause instanceof Error ? cause.message : `route ${n + 1}` },
      });
    }
    if (seen.has(r.id)) throw badList(`duplicate route id ${r.id}`);
    seen.add(r.id);
    return r;
  });
  return { issued, expires, routes, specs: specs as RouteSpec[] };
}

/**
 * Verifies a route list note (spec 6): signature, fixed lines, center name, every route parses,
 * not expired (`now >= expires` is expired), not issued more than one hour ahead of `now`, and
 * not issued earlier than the held list (the same `issued` is accepted: a re-fetch of the same
 * list is no rollback). Returns the list; throws VerifyError (exit 4) for anything else.
 */
export function verifyRouteList(note: string, opts: VerifyRouteListOptions): RouteList {
  const list = openRouteList(note, opts.center);
  const now = typeof opts.now === 'number' ? opts.now : opts.now.getTime();
  const [issued, expires] = [formatTime(list.issued), formatTime(list.expires)];
  if (now >= list.expires.getTime()) {
    throw new VerifyError('route-list-expired', `route list expired at ${expires}`, { key: 'transport.routes.expired', params: { expires } });
  }
  if (list.issued.getTime() > now + MAX_ISSUED_AHEAD_MS) {
    throw new VerifyError('route-list-future', `route list issued in the future (${issued})`, { key: 'transport.routes.future', params: { issued } });
  }
  if (opts.held && list.issued.getTime() < opts.held.issued.getTime()) {
    throw new VerifyError('route-list-rollback', `route list issued ${issued}, before the held one (${formatTime(opts.held.issued)})`, {
      key: 'transport.routes.rollback',
      params: { issued, held: formatTime(opts.held.issued) },
    });
  }
  return list;
}
