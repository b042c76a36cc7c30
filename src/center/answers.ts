/**
 * The intake's HTTP answers (spec 7): every error is `{"error": code, "message": English}`, also
 * the ones written on a raw socket (a request Node could not parse, a connection shed under
 * overload).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { englishText, type messages } from './messages.js';

export function hasBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

export function send(res: ServerResponse, status: number, body: string, type: string, headers: readonly string[] = []): void {
  if (res.headersSent || res.destroyed) return;
  // A flat [name, value, ...] list: the cheapest form for Node on the hot path.
  res.writeHead(status, ['content-type', type, 'content-length', String(Buffer.byteLength(body)), 'cache-control', 'no-store', ...headers]);
  res.end(body);
}

export const CLOSE = ['connection', 'close'] as const;

/** `{"error": code, "message": English}` (spec 7). `close` ends the connection after the answer. */
export function fail(res: ServerResponse, status: number, code: string, opts: { close?: boolean; headers?: readonly string[] } = {}): void {
  const body = JSON.stringify({ error: code, message: englishText(`center.error.${code}` as keyof typeof messages) });
  send(res, status, body, 'application/json', [...(opts.headers ?? []), ...(opts.close ? CLOSE : [])]);
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
  503: 'Service Unavailable',
};

/** A whole HTTP/1.1 error answer that closes the connection, for writing on a raw socket. */
export function rawAnswer(status: number, code: string, headers = ''): string {
  const body = JSON.stringify({ error: code, message: englishText(`center.error.${code}` as keyof typeof messages) });
  return (
    `HTTP/1.1 ${status} ${REASONS[status]}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
    `cache-control: no-store\r\n${headers}connection: close\r\n\r\n${body}`
  );
}

/** The answer to a request Node could not parse (or a timed-out one), written on the raw socket. */
export function clientErrorAnswer(err: NodeJS.ErrnoException, socket: Socket): void {
  // As Node's own default: answer unless a response has started on this socket.
  const inFlight = (socket as Socket & { _httpMessage?: { _headerSent?: boolean } })._httpMessage;
  if (err.code === 'ECONNRESET' || !socket.writable || inFlight?._headerSent) {
    socket.destroy();
    return;
  }
  const [status, code] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'headers-too-large']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'timeout']
        : [400, 'bad-request'];
  socket.end(rawAnswer(status, code));
  socket.destroySoon();
}
