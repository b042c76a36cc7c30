/**
 * The abuse round's attacker (issue 6, finding 6): `count` connections from another loopback
 * address that never send a byte. One the server closes (shed, or its headers timeout) is opened
 * again after `reopenMs`, so the pressure stays for the whole run; the reopening is bounded by
 * `stop()`. Loopback only.
 */
import net from 'node:net';

export interface IdleOptions {
  readonly url: URL;
  readonly count: number;
  /** The source address, e.g. 127.0.0.5 (any 127.x works on Linux). */
  readonly from: string;
  readonly reopenMs: number;
}

export interface IdleStats {
  /** Connections opened, first ones and reopened ones. */
  readonly opened: number;
  /** Closed by the server with a 503 answer first. */
  readonly shed503: number;
  /** Closed by the server without an answer, or reset. */
  readonly closedBare: number;
  /** Connections that could not be opened. */
  readonly failed: number;
}

export interface Idle {
  /** Resolves once every first connection is open (or has failed). */
  readonly ready: Promise<void>;
  /** Stops reopening, closes everything, and counts. */
  stop(): IdleStats;
}

export function holdIdle(opts: IdleOptions): Idle {
  const port = Number(opts.url.port);
  const host = opts.url.hostname;
  const open = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;
  let opened = 0;
  let shed503 = 0;
  let closedBare = 0;
  let failed = 0;

  const connect = (first?: () => void) => {
    const s = net.connect({ port, host, localAddress: opts.from });
    let got = '';
    let connected = false;
    s.setEncoding('latin1');
    s.on('data', (d: string) => {
      if (got.length < 32) got += d;
    });
    s.on('error', () => {});
    s.once('connect', () => {
      connected = true;
      opened++;
      open.add(s);
      first?.();
    });
    s.once('close', () => {
      open.delete(s);
      if (!connected) {
        failed++;
        first?.();
      } else if (got.startsWith('HTTP/1.1 503 ')) shed503++;
      else closedBare++;
      if (stopped) return;
      const t = setTimeout(() => {
        timers.delete(t);
        if (!stopped) connect();
      }, opts.reopenMs);
      timers.add(t);
    });
  };

  const ready = new Promise<void>((resolve) => {
    let left = opts.count;
    const one = () => {
      if (--left === 0) resolve();
    };
    for (let i = 0; i < opts.count; i++) connect(one);
  });
  return {
    ready,
    stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      for (const s of open) s.destroy();
      return { opened, shed503, closedBare, failed };
    },
  };
}
