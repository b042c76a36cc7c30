/** HTTP CONNECT tunnel (placeholder until the proxy tunnels land). */
import { RouteError } from '../errors.js';
import type { Route } from './route.js';
import type { Duplex } from 'node:stream';

export async function connectTunnel(route: Route, _signal: AbortSignal): Promise<Duplex> {
  throw new RouteError('error', 'config', `route kind ${route.kind} is not supported by this version`, {
    key: 'transport.kind-unsupported',
    params: { kind: route.kind },
  });
}
