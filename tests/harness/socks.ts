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

/** What the proxy knows of names: `seen` records each name or address asked for; `hosts` maps names (no lookup). */
export interface SocksNames {
  readonly seen?: string[];
  readonly hosts?: Readonly<Record<string, string>>;
  /** Refuse any name not in `hosts` (a proxy that knows only those). */
  readonly onlyHosts?: boolean;
}

export async function socksProxy(onConnection?: (srcPort: number) => void, names: SocksNames = {}): Promise<SocksProxy> {
  const live = new Set<Socket>();
  // `localhost` is mapped here, not looked up, so that an in-process DNS spy sees only the client's lookups.
  const hosts: Record<string, string> = { localhost: '127.0.0.1', ...names.hosts };
  const server = socks.createServer(
    (info: { dstAddr: string; dstPort: number; srcPort: number }, accept: (i: boolean) => Socket | undefined, deny: () => void) => {
      onConnection?.(info.srcPort);
      names.seen?.push(info.dstAddr);
      if (names.onlyHosts && !Object.hasOwn(names.hosts ?? {}, info.dstAddr)) return deny();
      const client = accept(true);
      if (!client) return;
      const up = connect({ host: hosts[info.dstAddr] ?? info.dstAddr, port: info.dstPort });
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
