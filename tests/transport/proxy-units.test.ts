/**
 * The pure parts of the proxy tunnels: the CONNECT request and answer head, the SOCKS5 reply
 * judge (RFC 1928 / RFC 1929 byte vectors), credentials and target checks. No network.
 */
import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { RouteError } from '../../src/errors.js';
import { checkTargetHost, proxyCredentials } from '../../src/transport/tunnel/proxy-common.js';
import { connectStatus, MAX_PROXY_HEAD, ProxyHeadError, readProxyHead } from '../../src/transport/tunnel/proxy-http-head.js';
import { judgeSocksReplies } from '../../src/transport/tunnel/proxy-socks-reply.js';
import { classify } from '../../src/transport/outcome.js';
import { parseProxyUrl, parseRoute } from '../../src/transport/routes/route.js';
import { connectRequest, connectTunnel } from '../../src/transport/tunnel/connect.js';
import { socksTunnel } from '../../src/transport/tunnel/socks.js';

describe('CONNECT request and answer', () => {
  it('names the target in authority form (IPv6 bracketed), with Basic credentials only when given', () => {
    expect(connectRequest({ host: '2001:db8::1', port: 443 }, new URL('http://127.0.0.1:3128'))).toBe(
      'CONNECT [2001:db8::1]:443 HTTP/1.1\r\nHost: [2001:db8::1]:443\r\n\r\n',
    );
    // RFC 7617 section 2 example: Aladdin / open sesame.
    expect(connectRequest({ host: 'center.test', port: 8443 }, new URL('http://Aladdin:open%20sesame@127.0.0.1:3128'))).toBe(
      'CONNECT center.test:8443 HTTP/1.1\r\nHost: center.test:8443\r\nProxy-Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n\r\n',
    );
  });

  it('reads status lines strictly', () => {
    const st = (s: string) => connectStatus(Buffer.from(s, 'latin1'));
    expect(st('HTTP/1.1 200 Connection established\r\nVia: x')).toBe(200);
    expect(st('HTTP/1.0 407 Proxy Authentication Required')).toBe(407);
    expect(st('HTTP/1.1 200')).toBe(200);
    expect(st('HTTP/2 200')).toBeNull();
    expect(st('SSH-2.0-OpenSSH')).toBeNull();
    expect(st('HTTP/1.1 20 OK')).toBeNull();
    expect(st('http/1.1 200 OK')).toBeNull();
  });

  it('finds the head end across chunks, leaves the rest unread, and caps the head', async () => {
    const s = new PassThrough();
    const head = readProxyHead(s);
    for (const part of ['HTTP/1.1 200 OK\r', '\n\r', '\n', 'tunnel bytes']) s.write(part);
    expect((await head).toString()).toBe('HTTP/1.1 200 OK');
    expect(String(s.read())).toBe('tunnel bytes');

    const big = new PassThrough();
    const p = readProxyHead(big);
    big.write(`HTTP/1.1 200 OK\r\nX: ${'a'.repeat(MAX_PROXY_HEAD)}`);
    await expect(p).rejects.toMatchObject({ reason: 'too-large' });

    const early = new PassThrough();
    const q = readProxyHead(early);
    early.end('HTTP/1.1 2');
    await expect(q).rejects.toBeInstanceOf(ProxyHeadError);
    await expect(q).rejects.toMatchObject({ reason: 'closed', received: 10 });
  });
});

describe('SOCKS5 replies (RFC 1928, RFC 1929)', () => {
  const j = (...b: number[]) => judgeSocksReplies(Uint8Array.from(b));
  it('judges each step', () => {
    expect(j()).toEqual({ kind: 'incomplete', awaiting: 'method' });
    expect(j(5, 0)).toEqual({ kind: 'incomplete', awaiting: 'reply' });
    expect(j(5, 0, 5, 0, 0, 1)).toEqual({ kind: 'granted' });
    expect(j(5, 2, 1, 0, 5, 0)).toEqual({ kind: 'granted' });
    expect(j(5, 2, 1)).toEqual({ kind: 'incomplete', awaiting: 'auth' });
    expect(j(5, 0xff)).toMatchObject({ kind: 'auth' });
    expect(j(5, 2, 1, 1)).toMatchObject({ kind: 'auth' });
    expect(j(5, 2, 5, 0, 5, 0)).toEqual({ kind: 'granted' }); // VER 5 in the auth status, seen in the wild
    expect(j(5, 0, 5, 2)).toEqual({ kind: 'refused', reply: 2, detail: 'connection not allowed by ruleset' });
    expect(j(5, 2, 1, 0, 5, 4, 0, 1)).toMatchObject({ kind: 'refused', reply: 4, detail: 'host unreachable' });
    expect(j(5, 0, 5, 0xf0)).toMatchObject({ kind: 'refused', reply: 0xf0, detail: 'reply 0xf0' }); // Tor's extended codes
    expect(j(0x48, 0x54)).toMatchObject({ kind: 'malformed' }); // "HT"TP/1.1 ...
    expect(j(5, 1)).toMatchObject({ kind: 'malformed' });
    expect(j(5, 0, 4, 0)).toMatchObject({ kind: 'malformed' });
  });
});

describe('proxy URL and target checks', () => {
  it('percent-decodes credentials and refuses unusable ones as configuration errors', () => {
    expect(proxyCredentials(new URL('socks5h://a%40b:p%3Aw@h:1'))).toEqual({ user: 'a@b', password: 'p:w' });
    expect(proxyCredentials(new URL('http://h:1'))).toBeUndefined();
    for (const u of ['http://a:%E0%A4%A@h:1', `http://${'u'.repeat(256)}:p@h:1`]) {
      expect(() => proxyCredentials(new URL(u))).toThrow(expect.objectContaining({ outcome: 'error', failureClass: 'config' }));
    }
  });

  it('refuses a target that could smuggle bytes into the request, before opening any socket', async () => {
    expect(() => checkTargetHost('center.test')).not.toThrow();
    expect(() => checkTargetHost('::1')).not.toThrow();
    expect(() => checkTargetHost('a'.repeat(256))).toThrow(RouteError);
    // A Route built in code (or a lax parser) must not reach the wire with such a host.
    const base = parseRoute({ id: 'e', kind: 'http-proxy', url: 'https://center.test/', proxy: 'http://127.0.0.1:9' });
    const evil = { ...base, connect: { host: 'x\r\nEvil: 1', port: 443 } };
    await expect(connectTunnel(evil, new AbortController().signal)).rejects.toMatchObject({ outcome: 'error', failureClass: 'config' });
    const evilSocks = { ...evil, kind: 'socks' as const, proxy: parseProxyUrl('socks5://127.0.0.1:9') };
    await expect(socksTunnel(evilSocks, new AbortController().signal)).rejects.toMatchObject({ outcome: 'error', failureClass: 'config' });
  });

  it('classify passes the tunnels\' RouteErrors through unchanged', () => {
    const e = new RouteError('proxy-auth', 'config', 'x');
    expect(classify(e, 'connect')).toBe(e);
  });
});
