import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { envProxyFor, noProxyMatches, proxyForUrl } from '../../src/transport/routes/env-proxy.js';

const P = (env: NodeJS.ProcessEnv, url: string) => proxyForUrl(url, env)?.href ?? null;

describe("environment proxies, curl's rules", () => {
  it('https URLs use https_proxy, then HTTPS_PROXY, then all_proxy, then ALL_PROXY; lowercase wins', () => {
    const url = 'https://intake.example.org/';
    expect(P({ https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:2' }, url)).toBe('http://lower:1/');
    expect(P({ HTTPS_PROXY: 'http://upper:2', all_proxy: 'http://all:3' }, url)).toBe('http://upper:2/');
    expect(P({ all_proxy: 'http://all:3', ALL_PROXY: 'http://ALL:4' }, url)).toBe('http://all:3/');
    expect(P({ ALL_PROXY: 'http://ALL:4' }, url)).toBe('http://all:4/');
    expect(P({ http_proxy: 'http://plain:5' }, url)).toBeNull();
    expect(P({}, url)).toBeNull();
  });

  it('http URLs use http_proxy in lowercase only (httpoxy), then all_proxy', () => {
    const url = 'http://intake.example.org/';
    expect(P({ http_proxy: 'http://lower:1' }, url)).toBe('http://lower:1/');
    expect(P({ HTTP_PROXY: 'http://upper:2' }, url)).toBeNull();
    expect(P({ HTTP_PROXY: 'http://upper:2', ALL_PROXY: 'http://all:3' }, url)).toBe('http://all:3/');
    expect(P({ https_proxy: 'http://tls:4' }, url)).toBeNull();
  });

  it('an empty variable counts as unset; a scheme-less value is http://; socks5:// is socks5h://', () => {
    const url = 'https://intake.example.org/';
    expect(P({ https_proxy: '', HTTPS_PROXY: 'http://upper:2' }, url)).toBe('http://upper:2/');
    expect(P({ https_proxy: 'proxy.example:3128' }, url)).toBe('http://proxy.example:3128/');
    expect(P({ https_proxy: 'socks5://127.0.0.1:9050' }, url)).toBe('socks5h://127.0.0.1:9050');
    expect(envProxyFor(url, { ALL_PROXY: 'https://p.example' })).toMatchObject({ variable: 'ALL_PROXY' });
  });

  it('a proxy variable that is not a usable URL is an InputError naming the variable, not its value', () => {
    let err: unknown;
    try {
      proxyForUrl('https://a.example/', { https_proxy: 'socks4://user:secret@host:1080' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).field).toBe('https_proxy');
    expect((err as InputError).message).not.toContain('secret');
  });

  it.each([
    // [no_proxy, url, exempt]
    ['*', 'https://anything.example/', true],
    ['example.org', 'https://example.org/', true],
    ['example.org', 'https://a.b.example.org/', true],
    ['example.org', 'https://badexample.org/', false],
    ['.example.org', 'https://a.example.org/', true],
    ['.example.org', 'https://example.org/', true],
    ['*.example.org', 'https://a.example.org/', true],
    ['EXAMPLE.org', 'https://A.Example.ORG./', true],
    ['other.org, example.org', 'https://x.example.org/', true],
    ['other.org example.org', 'https://x.example.org/', true],
    ['other.org', 'https://x.example.org/', false],
    ['example.org:8443', 'https://example.org:8443/', true],
    ['example.org:8443', 'https://example.org/', false],
    ['example.org:443', 'https://example.org/', true],
    ['192.0.2.7', 'https://192.0.2.7/', true],
    ['192.0.2.7', 'https://192.0.2.8/', false],
    ['192.0.2.0/24', 'https://192.0.2.200/', true],
    ['192.0.2.0/24', 'https://192.0.3.1/', false],
    ['10.0.0.0/8:8080', 'http://10.9.8.7:8080/', true],
    ['10.0.0.0/8:8080', 'http://10.9.8.7/', false],
    ['::1', 'https://[::1]/', true],
    ['[0:0::1]', 'https://[::1]/', true],
    ['[::1]:8443', 'https://[::1]:8443/', true],
    ['[::1]:8443', 'https://[::1]/', false],
    ['2001:db8::/32', 'https://[2001:db8:1::5]/', true],
    ['2001:db8::/32', 'https://[2001:db9::5]/', false],
    ['192.0.2.0/24', 'https://[2001:db8::1]/', false],
    ['0.2.7', 'https://192.0.2.7/', false], // a name never matches an address by spelling
    ['example.org/8', 'https://example.org/', false], // a "CIDR" on a name is nothing
  ])('NO_PROXY %j and %s → exempt %s', (noProxy, url, exempt) => {
    expect(noProxyMatches(new URL(url), noProxy)).toBe(exempt);
    const env = { https_proxy: 'https://proxy.example:443', http_proxy: 'http://proxy.example:3128', no_proxy: noProxy };
    expect(P(env, url) === null).toBe(exempt);
  });

  it('no_proxy wins over NO_PROXY', () => {
    const url = 'https://a.example.org/';
    expect(P({ https_proxy: 'https://p.example', no_proxy: 'other.org', NO_PROXY: 'example.org' }, url)).toBe('https://p.example/');
    expect(P({ https_proxy: 'https://p.example', NO_PROXY: 'example.org' }, url)).toBeNull();
  });
});
