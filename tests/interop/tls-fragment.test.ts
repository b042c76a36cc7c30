/**
 * Interop (issue 12 acceptance): OpenSSL's own server (`openssl s_server`, Debian's openssl)
 * accepts every fragmented ClientHello variant sealpost sends, in TLS 1.3 and TLS 1.2, and the
 * HTTP exchange over it works. A recording relay in front checks that what s_server got was
 * indeed fragmented. Fails in CI when openssl is missing, skips elsewhere.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { requestOverRoute } from '../../src/transport/request.js';
import { parseRoute } from '../../src/transport/routes/route.js';
import { parseTlsStrategy, SYSTEM_DNS } from '../../src/transport/strategy/parse.js';
import { TEST_CA } from '../harness/censor.js';
import { daemon, have, type Daemon } from '../harness/daemon.js';
import { firstFlight, recordingRelay, type Relay } from '../harness/tls-capture.js';

const OPENSSL = have('/usr/bin/openssl') ? '/usr/bin/openssl' : 'openssl';
const missing = !have(OPENSSL);
if (missing && process.env.CI) throw new Error('openssl missing (see .ci/run)');

const NAME = 'center.test';
const VARIANTS = ['', 'split:1', 'split:5', 'split:100', 'tlsfrag:1', 'tlsfrag:40', 'split:sni', 'tlsfrag:sni', 'tlsfrag:sni|split:sni', 'tlsfrag:10|split:sni', 'tlsfrag:sni|split:3'];
const fixture = (f: string) => fileURLToPath(new URL(`../fixtures/tls/${f}`, import.meta.url));

const servers: { version: string; server: Daemon; relay: Relay }[] = [];

beforeAll(async () => {
  if (missing) return;
  for (const version of ['-tls1_3', '-tls1_2']) {
    const server = await daemon(OPENSSL, (port) => ['s_server', '-quiet', '-accept', `127.0.0.1:${port}`, '-cert', fixture('center.pem'), '-key', fixture('center-key.pem'), version, '-www']);
    servers.push({ version, server, relay: await recordingRelay(server.port) });
  }
});
afterAll(async () => {
  for (const s of servers) {
    await s.relay.close();
    await s.server.stop();
  }
});

describe.skipIf(missing)('openssl s_server accepts fragmented ClientHellos', () => {
  it.each(VARIANTS)('%s', async (tls) => {
    for (const { version, relay } of servers) {
      const base = parseRoute({ id: 'o', kind: 'direct', url: `https://${NAME}:${relay.port}/`, connect: `127.0.0.1:${relay.port}`, ca: TEST_CA });
      const route = tls ? { ...base, strategy: { dns: SYSTEM_DNS, tls: parseTlsStrategy(tls) } } : base;
      const before = relay.sent().length;
      const answer = await requestOverRoute(route, { method: 'GET', path: '' }, AbortSignal.timeout(10_000));
      expect(answer.status, version).toBe(200);
      // s_server -www answers with its session's details: the protocol it negotiated.
      expect(answer.body.toString(), version).toContain(version === '-tls1_3' ? 'TLSv1.3' : 'TLSv1.2');
      const flight = firstFlight(relay.sent()[before]!);
      expect(flight.length, version).toBe(tls.includes('tlsfrag') ? 2 : 1);
      if (tls.includes('tlsfrag:sni')) for (const r of flight) expect(r.content.includes(NAME)).toBe(false);
    }
  });
});
