// Preloaded into a sealpost child process (`node --import <this file>`): records every TCP
// connect() and every DNS lookup the process makes, one JSON line each, to the file named by
// SEALPOST_NET_LOG (issue 6 acceptance: with a proxy given, the client talks to nothing but the
// user's proxy and resolves no name). Connects are recorded with the local port once connected,
// so that a listener can tell the client's own connections from those its proxy made for it.
import dns from 'node:dns';
import net from 'node:net';
import { appendFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const file = process.env.SEALPOST_NET_LOG;
if (file) {
  const log = (o) => appendFileSync(file, `${JSON.stringify(o)}\n`);
  const connect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function recorded(...args) {
    const o = typeof args[0] === 'object' && args[0] !== null ? (Array.isArray(args[0]) ? args[0][0] : args[0]) : { port: args[0], host: args[1] };
    const target = o.path !== undefined ? { path: String(o.path) } : { host: String(o.host ?? 'localhost'), port: Number(o.port) };
    log({ type: 'connect', ...target });
    this.once('connect', () => log({ type: 'connected', ...target, localPort: this.localPort }));
    return connect.apply(this, args);
  };
  for (const [obj, fns] of [
    [dns, ['lookup', 'lookupService', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveCname']],
    [dns.promises, ['lookup', 'lookupService', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveCname']],
  ]) {
    for (const k of fns) {
      const orig = obj[k];
      obj[k] = function spied(name, ...rest) {
        log({ type: 'dns', fn: k, name: String(name) });
        return orig.call(this, name, ...rest);
      };
    }
  }
  syncBuiltinESMExports();
}
