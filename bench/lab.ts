/**
 * The censorship lab for tests/lab and bench/race (issue 12; the namespaces approach of bench/race-lab.ts, after
 * ../shared/lab/censor-lab.sh): three network namespaces, client <-> router (the censor) <->
 * server, joined by veth pairs whose 10.<net>.x.x addresses exist only inside them; nothing leaves
 * the machine. The router applies the censorship (nftables, iptables string match, a redirect to a
 * user-space filter), so neither sealpost nor the servers are modified. Root only: `labSkipReason()`
 * says why it cannot run here.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';

function sh(args: readonly string[], input?: string): void {
  const r = spawnSync(args[0]!, args.slice(1), { input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr || r.error?.message}`);
}

const TOOLS = ['ip', 'nft', 'iptables', 'microsocks'];

/** Why the lab cannot run on this machine (not root, a tool missing, `ip netns` failing), or null. */
export function labSkipReason(): string | null {
  if (process.getuid?.() !== 0) return 'the censorship lab needs root (network namespaces); CI runs it as root';
  const missing = TOOLS.filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
  if (missing.length) return `the censorship lab needs ${missing.join(', ')} (apt-get install -y iproute2 nftables iptables microsocks)`;
  const probe = `sp-probe-${process.pid}`;
  const r = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8' });
  spawnSync('ip', ['netns', 'del', probe]);
  if (r.status !== 0) return `ip netns fails here: ${r.stderr.trim()}`;
  return null;
}

/** One lab: namespace names from `tag`, addresses 10.<net>.0.0/24 (client side) and 10.<net>.1.0/24 (server side). */
export class Lab {
  readonly ns: { readonly cli: string; readonly gfw: string; readonly srv: string };
  /** The client's, the router's two and the server's addresses. */
  readonly ip: { readonly cli: string; readonly gfwCli: string; readonly gfwSrv: string; readonly srv: string };
  /** The router's interface towards the client (for PREROUTING rules). */
  readonly gfwCliDev: string;
  readonly #children = new Set<ChildProcess>();
  readonly #tag: string;

  constructor(tag: string, net: number) {
    this.#tag = tag;
    this.ns = { cli: `sp-${tag}-cli`, gfw: `sp-${tag}-gfw`, srv: `sp-${tag}-srv` };
    this.ip = { cli: `10.${net}.0.2`, gfwCli: `10.${net}.0.1`, gfwSrv: `10.${net}.1.1`, srv: `10.${net}.1.2` };
    this.gfwCliDev = `${tag}-g0`;
  }

  /** Runs a command in namespace `ns`; throws when it fails. */
  run(ns: string, args: readonly string[], input?: string): void {
    sh(['ip', 'netns', 'exec', ns, ...args], input);
  }

  up(): void {
    this.down();
    const { ns, ip } = this;
    const d = { c0: `${this.#tag}-c0`, g0: this.gfwCliDev, g1: `${this.#tag}-g1`, s0: `${this.#tag}-s0` };
    for (const n of Object.values(ns)) {
      sh(['ip', 'netns', 'add', n]);
      sh(['ip', '-n', n, 'link', 'set', 'lo', 'up']);
    }
    sh(['ip', 'link', 'add', d.c0, 'netns', ns.cli, 'type', 'veth', 'peer', 'name', d.g0, 'netns', ns.gfw]);
    sh(['ip', 'link', 'add', d.g1, 'netns', ns.gfw, 'type', 'veth', 'peer', 'name', d.s0, 'netns', ns.srv]);
    sh(['ip', '-n', ns.cli, 'addr', 'add', `${ip.cli}/24`, 'dev', d.c0]);
    sh(['ip', '-n', ns.gfw, 'addr', 'add', `${ip.gfwCli}/24`, 'dev', d.g0]);
    sh(['ip', '-n', ns.gfw, 'addr', 'add', `${ip.gfwSrv}/24`, 'dev', d.g1]);
    sh(['ip', '-n', ns.srv, 'addr', 'add', `${ip.srv}/24`, 'dev', d.s0]);
    for (const [n, dev] of [[ns.cli, d.c0], [ns.gfw, d.g0], [ns.gfw, d.g1], [ns.srv, d.s0]] as const) sh(['ip', '-n', n, 'link', 'set', dev, 'up']);
    sh(['ip', '-n', ns.cli, 'route', 'add', 'default', 'via', ip.gfwCli]);
    sh(['ip', '-n', ns.srv, 'route', 'add', 'default', 'via', ip.gfwSrv]);
    this.run(ns.gfw, ['sysctl', '-qw', 'net.ipv4.ip_forward=1']);
    this.run(ns.gfw, ['nft', '-f', '-'], 'table inet censor {\n chain fw { type filter hook forward priority 0; policy accept; }\n}\n');
  }

  /** Files that `ip netns exec` mounts over /etc in namespace `ns` (resolv.conf, hosts). */
  etc(ns: string, files: Record<string, string>): void {
    mkdirSync(`/etc/netns/${ns}`, { recursive: true });
    for (const [name, text] of Object.entries(files)) writeFileSync(`/etc/netns/${ns}/${name}`, text);
  }

  down(): void {
    for (const c of this.#children) c.kill('SIGTERM');
    this.#children.clear();
    for (const n of Object.values(this.ns)) {
      spawnSync('ip', ['netns', 'del', n]);
      rmSync(`/etc/netns/${n}`, { recursive: true, force: true });
    }
  }

  /** Stops every process started here (SIGTERM, SIGKILL after 5 s), waits for them, then removes the lab. */
  async close(): Promise<void> {
    await Promise.all(
      [...this.#children].map(
        (c) =>
          new Promise<void>((r) => {
            if (c.exitCode !== null || c.signalCode !== null) return r();
            const kill = setTimeout(() => c.kill('SIGKILL'), 5000);
            c.once('exit', () => {
              clearTimeout(kill);
              r();
            });
            c.kill('SIGTERM');
          }),
      ),
    );
    this.down();
  }

  /** Resets every forwarded flow to `port` whose packet carries `name` (the TLS SNI): a per-packet string match. */
  sniReset(name: string, port: number): void {
    this.run(this.ns.gfw, ['iptables', '-A', 'FORWARD', '-p', 'tcp', '--dport', String(port), '-m', 'string', '--algo', 'bm', '--string', name, '-j', 'REJECT', '--reject-with', 'tcp-reset']);
  }

  /** Sends the client's flows to the server's `port` to a user-space filter on the router's `to` port. */
  redirect(port: number, to: number): void {
    this.run(this.ns.gfw, ['iptables', '-t', 'nat', '-A', 'PREROUTING', '-i', this.gfwCliDev, '-p', 'tcp', '-d', this.ip.srv, '--dport', String(port), '-j', 'REDIRECT', '--to-ports', String(to)]);
  }

  /** Drops the client's packets to the server's `port` (a blackholed service: connect hangs). */
  blackhole(port: number): void {
    this.run(this.ns.gfw, ['nft', 'add', 'rule', 'inet', 'censor', 'fw', 'ip', 'daddr', this.ip.srv, 'tcp', 'dport', String(port), 'drop']);
  }

  /** Starts a long-running process in `ns`; resolves once its stdout matches `ready`. Stopped by down(). */
  start(ns: string, args: readonly string[], ready: RegExp): Promise<ChildProcess> {
    const child = spawn('ip', ['netns', 'exec', ns, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#children.add(child);
    return new Promise((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`${args.join(' ')}: not ready after 20 s: ${out}`)), 20_000);
      const seen = (d: string) => {
        out += d;
        if (ready.test(out)) {
          clearTimeout(timer);
          resolve(child);
        }
      };
      child.stdout!.setEncoding('utf8').on('data', seen);
      child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.once('exit', (code) => {
        clearTimeout(timer);
        this.#children.delete(child);
        reject(new Error(`${args.join(' ')} exited with ${code}: ${out}`));
      });
    });
  }

  /** Stops one process started here. */
  stop(child: ChildProcess): Promise<void> {
    this.#children.delete(child);
    if (child.exitCode !== null) return Promise.resolve();
    return new Promise((r) => {
      child.once('exit', () => r());
      child.kill('SIGTERM');
    });
  }

  /** Runs a command in `ns` to its end: its exit code and output. */
  exec(ns: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn('ip', ['netns', 'exec', ns, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '', LANG: 'C', ...env } });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.once('close', (code) => resolve({ code, stdout, stderr }));
    });
  }
}
