/**
 * A loopback TCP relay in front of `target` that counts the connections it accepts and the open
 * ones, so a test can check how many connections a client opened and that none is left.
 */
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

export async function countingRelay(target: URL) {
  const open = new Set<Socket>();
  let accepted = 0;
  let waiters: (() => void)[] = [];
  const server = createServer((s) => {
    accepted++;
    open.add(s);
    const up = connect(Number(target.port), target.hostname);
    s.pipe(up).pipe(s);
    s.on('error', () => up.destroy());
    up.on('error', () => s.destroy());
    up.on('close', () => s.destroy());
    s.on('close', () => {
      up.destroy();
      open.delete(s);
      if (open.size === 0) (waiters.forEach((w) => w()), (waiters = []));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    accepted: () => accepted,
    /** Resolves once no relayed socket is open (the close reaches the relay as an event), failing after 1 s. */
    idle: () =>
      open.size === 0
        ? Promise.resolve()
        : Promise.race([new Promise<void>((r) => waiters.push(r)), new Promise<void>((_, rej) => setTimeout(() => rej(new Error(`${open.size} sockets still open`)), 1000))]),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
