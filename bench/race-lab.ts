/**
 * A three-namespace censorship lab for bench/race (after ../shared/lab/censor-lab.sh, written for
 * this bench): client <-> router (the censor) <-> server, joined by veth pairs whose 10.231.x.x
 * addresses exist only inside the namespaces. The router applies the censorship with nftables and
 * iptables, so neither sealpost nor the servers are modified. Needs root, iproute2, nftables,
 * iptables (string match for SNI), microsocks and curl.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';

export const NS = { cli: 'sp-bench-cli', gfw: 'sp-bench-gfw', srv: 'sp-bench-srv' } as const;
export const SRV = '10.231.1.2';
const CLI = '10.231.0.2';

function sh(args: string[], input?: string): void {
  const r = spawnSync(args[0]!, args.slice(1), { input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr || r.error?.message}`);
}
const inNs = (ns: string, args: string[], input?: string) => sh(['ip', 'netns', 'exec', ns, ...args], input);

export function labDown(): void {
  for (const n of Object.values(NS)) spawnSync('ip', ['netns', 'del', n]);
  rmSync(`/etc/netns/${NS.srv}`, { recursive: true, force: true });
}

export function labUp(): void {
  labDown();
  for (const n of Object.values(NS)) {
    sh(['ip', 'netns', 'add', n]);
    sh(['ip', '-n', n, 'link', 'set', 'lo', 'up']);
  }
  sh(['ip', 'link', 'add', 'spb-c0', 'netns', NS.cli, 'type', 'veth', 'peer', 'name', 'spb-g0', 'netns', NS.gfw]);
  sh(['ip', 'link', 'add', 'spb-g1', 'netns', NS.gfw, 'type', 'veth', 'peer', 'name', 'spb-s0', 'netns', NS.srv]);
  sh(['ip', '-n', NS.cli, 'addr', 'add', `${CLI}/24`, 'dev', 'spb-c0']);
  sh(['ip', '-n', NS.gfw, 'addr', 'add', '10.231.0.1/24', 'dev', 'spb-g0']);
  sh(['ip', '-n', NS.gfw, 'addr', 'add', '10.231.1.1/24', 'dev', 'spb-g1']);
  sh(['ip', '-n', NS.srv, 'addr', 'add', `${SRV}/24`, 'dev', 'spb-s0']);
  for (const [ns, dev] of [[NS.cli, 'spb-c0'], [NS.gfw, 'spb-g0'], [NS.gfw, 'spb-g1'], [NS.srv, 'spb-s0']] as const) {
    sh(['ip', '-n', ns, 'link', 'set', dev, 'up']);
  }
  sh(['ip', '-n', NS.cli, 'route', 'add', 'default', 'via', '10.231.0.1']);
  sh(['ip', '-n', NS.srv, 'route', 'add', 'default', 'via', '10.231.1.1']);
  inNs(NS.gfw, ['sysctl', '-qw', 'net.ipv4.ip_forward=1']);
  inNs(NS.gfw, ['nft', '-f', '-'], 'table inet censor {\n chain fw { type filter hook forward priority 0; policy accept; }\n}\n');
  // The SOCKS proxy in the server namespace resolves the center's name itself (remote DNS).
  mkdirSync(`/etc/netns/${NS.srv}`, { recursive: true });
  writeFileSync(`/etc/netns/${NS.srv}/hosts`, '127.0.0.1 localhost center.test\n');
}

/** Drops the client's SYNs to SRV:port (a blackholed address: connect hangs). */
export function blackhole(port: number): void {
  inNs(NS.gfw, ['nft', 'add', 'rule', 'inet', 'censor', 'fw', 'ip', 'daddr', SRV, 'tcp', 'dport', String(port), 'drop']);
}

/** Resets every flow to `port` whose bytes carry `name` (the TLS SNI): an injected RST. */
export function sniReset(name: string, port: number): void {
  inNs(NS.gfw, ['iptables', '-A', 'FORWARD', '-p', 'tcp', '--dport', String(port), '-m', 'string', '--algo', 'bm', '--string', name, '-j', 'REJECT', '--reject-with', 'tcp-reset']);
}

/** Starts a long-running process in a namespace; resolves when its stdout shows `ready`. */
export function startIn(ns: string, args: string[], ready: RegExp): Promise<ChildProcess> {
  const child = spawn('ip', ['netns', 'exec', ns, ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (ready.test(out)) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}: ${out}`)));
  });
}

export function missingTools(): string[] {
  return ['ip', 'nft', 'iptables', 'microsocks', 'curl'].filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
}
