/**
 * A real SOCKS5 server for tests (@mongodb-js/socksv5) that connects where it is asked and
 * resolves names itself, as Tor does (the client must never resolve them: spec 6).
 * `onConnection` gets the peer port of each client, so a test can tell who connected.
 */
import { connect, type Socket } from 'node:net';
// @ts-expect-error: the package ships no types
import socks from '@mongodb-js/socksv5';

export interface SocksProxy {
  readonly port: number;
  close(): Promise<void>;
}

export async function socksProxy(onConnection?: (srcPort: number) => void): Promise<SocksProxy> {
  const live = new Set<Socket>();
  const server = socks.createServer(
    (info: { dstAddr: string; dstPort: number; srcPort: number }, accept: (i: boolean) => Socket | undefined) => {
      onConnection?.(info.srcPort);
      const client = accept(true);
      if (!client) return;
      // `localhost` is mapped here, not looked up, so that an in-process DNS spy sees only the client's lookups.
      const up = connect({ host: info.dstAddr === 'localhost' ? '127.0.0.1' : info.dstAddr, port: info.dstPort });
      live.add(client).add(up);
      up.on('error', () => client.destroy()).on('close', () => live.delete(up));
      client.on('error', () => up.destroy()).on('close', () => live.delete(client));
      client.pipe(up).pipe(client);
    },
  );
  server.useAuth(socks.auth.None());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as { port: number }).port,
    close: () =>
      new Promise<void>((r) => {
        for (const s of live) s.destroy();
        server.close(() => r());
      }),
  };
}
