/**
 * Who may talk to the local page's server (issue 11, Safety). The URL printed at start carries a
 * random secret in its path, `/open/<secret>`: that request sets an HttpOnly, SameSite=Strict
 * cookie and redirects to `/`, so the secret leaves the address bar and is never in a Referer
 * (Referrer-Policy: no-referrer besides) nor in any other URL. Every other request must carry the
 * cookie; its Host must be 127.0.0.1 or localhost at the server's port (DNS rebinding); a request
 * that changes anything must come with the page's own Origin. No CORS header is ever sent.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const COOKIE = 'sealpost_ui';

/** The headers of every answer: no cache, no sniffing, no referrer, nothing from elsewhere. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** Why a request is refused, and its status: 421 for another Host, 403 otherwise. */
export type Refusal = { status: 421 | 403; refused: 'host' | 'secret' | 'origin' };

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The secret from the request's cookie header, or undefined. */
export function cookieSecret(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === COOKIE) return v.join('=');
  }
  return undefined;
}

/** The Hosts this server answers to. */
export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

/**
 * Checks a request; null when it may go on. `/open/<secret>` is checked by the caller (it is how
 * the cookie is got), so `secretInPath` says whether the path carried the right one.
 */
export function refuse(req: IncomingMessage, port: number, secret: string, secretInPath: boolean): Refusal | null {
  const host = req.headers.host ?? '';
  if (!allowedHosts(port).includes(host.toLowerCase())) return { status: 421, refused: 'host' };
  if (!secretInPath) {
    const got = cookieSecret(req);
    if (got === undefined || !same(got, secret)) return { status: 403, refused: 'secret' };
  }
  const method = req.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD') {
    // Browsers send Origin on every POST; a missing one is not the page.
    if (req.headers.origin !== `http://${host.toLowerCase()}`) return { status: 403, refused: 'origin' };
    // Sec-Fetch-Site, where sent, must agree (a same-site page of another port is not ours).
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin') return { status: 403, refused: 'origin' };
  }
  return null;
}

/** Writes the security headers on an answer (every one, refusals included). */
export function secure(res: ServerResponse): void {
  for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
}

/** The cookie that carries the secret: this session only, this server only, never sent cross-site. */
export function secretCookie(secret: string): string {
  return `${COOKIE}=${secret}; Path=/; HttpOnly; SameSite=Strict`;
}

/** Whether `path` is `/open/<secret>` with this server's secret. */
export function isOpenPath(path: string, secret: string): boolean {
  const m = /^\/open\/([A-Za-z0-9_-]+)$/.exec(path);
  return m !== null && same(m[1]!, secret);
}
