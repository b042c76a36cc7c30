/**
 * A small received-log server for `verify` tests (issue 9): node:http on 127.0.0.1 serving the
 * intake's log paths (wire spec 7) — `GET /v1/checkpoint`, `/v1/proof/inclusion`,
 * `/v1/proof/consistency`, and the tlog-tiles layout under `/v1/log/` — from an in-memory tree and a
 * log key, with receipts signed by the same key. It can be told to lie (`lies`), and it records
 * every requested path (`requests`), so a test can tell which proofs were asked by index.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { envelopeId } from '../../src/crypto/envelope.js';
import { toBase64 } from '../../src/crypto/base64.js';
import { parseCenterFile, type Center } from '../../src/crypto/center-file.js';
import { NoteSigner, verifierKey } from '../../src/crypto/note.js';
import { signReceipt } from '../../src/crypto/receipt.js';
import { ed25519PublicKey } from '../../src/crypto/ed25519.js';
import { checkpointBody, signCheckpoint } from '../../src/log/checkpoint.js';
import type { Cosigner } from '../../src/log/cosignature.js';
import { receivedLeaf } from '../../src/log/leaf.js';
import { consistencyPlan, inclusionPlan, leafHash, MemoryHashes, runSync, treeHashPlan } from '../../src/log/merkle.js';
import { encodeBundle, parseTilePath, tilePositions, tileWidth, TILE_WIDTH } from '../../src/log/tiles.js';

/** How the server lies; every field off by default (an honest log). */
export interface Lies {
  /** Serve the log without this entry (the later ones move up). */
  drop?: number;
  /** Serve another leaf at this index. */
  rewrite?: number;
  /** Serve only the first `size` leaves (a frozen or rolled-back log), honestly signed. */
  size?: number;
  /** Damage the log key's signature on the checkpoint. */
  badSignature?: boolean;
  /** Serve no tiles (404 under /v1/log/): proofs must come from the API (or the mirror `/mirror/`, always served). */
  noTiles?: boolean;
  /** Serve, under /v1/log/ only, a view with this entry rewritten: the same size, another root. */
  splitTiles?: number;
  /** Honest, but busy: append an entry right after each `GET /v1/checkpoint` (partial tiles of that size are then gone). */
  grow?: boolean;
  /** Cosign with only the first n witnesses. */
  cosigners?: number;
}

export interface KeptReceiptOf {
  readonly id: string;
  readonly receipt: string;
  readonly index: number;
}

interface View {
  readonly leaves: Uint8Array[];
  readonly tree: MemoryHashes;
  readonly note: string;
}

export class TestLog {
  readonly signer: NoteSigner;
  readonly leaves: Uint8Array[] = [];
  readonly requests: string[] = [];
  /** TCP connections accepted (a test through a proxy compares it with the proxy's count). */
  connections = 0;
  lies: Lies = {};
  #server: Server | null = null;
  url = new URL('http://127.0.0.1/');

  constructor(
    readonly name = 'center.test',
    readonly witnesses: readonly Cosigner[] = [],
  ) {
    this.signer = new NoteSigner(`${name}/log`, randomBytes(32));
  }

  /** Appends an entry for envelope id `eh` (default: a fresh one) and returns its signed receipt. */
  add(hour = Math.floor(Date.now() / 3_600_000), eh: Uint8Array = randomBytes(32)): KeptReceiptOf {
    const blind = randomBytes(16);
    const index = this.leaves.length;
    this.leaves.push(receivedLeaf(blind, eh, hour));
    const receipt = signReceipt(this.signer, { center: this.name, eh, blind, index, hour });
    return { id: Buffer.from(eh).toString('hex'), receipt, index };
  }

  /** The leaves as served (after `drop`, `rewrite`, `size`; `tiles` adds `splitTiles`). */
  #view(tiles: boolean): View {
    let leaves = [...this.leaves];
    const l = this.lies;
    if (l.drop !== undefined) leaves.splice(l.drop, 1);
    const other = (i: number | undefined) => {
      if (i !== undefined && i < leaves.length) leaves[i] = otherLeafLike(leaves[i]!);
    };
    other(l.rewrite);
    if (tiles) other(l.splitTiles);
    if (l.size !== undefined) leaves = leaves.slice(0, l.size);
    const tree = new MemoryHashes();
    for (const leaf of leaves) tree.append(leafHash(leaf));
    const root = runSync(treeHashPlan(tree.size), (p) => tree.readHashes(p));
    const c = { origin: `${this.name}/log`, size: tree.size, root };
    let note = signCheckpoint(this.signer, c);
    if (l.badSignature) note = damageSignature(note);
    const text = checkpointBody(c);
    const time = Math.floor(Date.now() / 1000);
    for (const w of this.witnesses.slice(0, l.cosigners ?? this.witnesses.length)) note += w.sign(text, time);
    return { leaves, tree, note };
  }

  /** Starts serving; `url` is then the base URL (trailing slash). */
  async start(): Promise<this> {
    const server = createServer((req, res) => {
      const u = new URL(req.url ?? '/', 'http://x');
      this.requests.push(u.pathname + u.search);
      // A tiles mirror (a center file's `tiles`): the same files under /mirror/, served even with noTiles.
      const mirror = u.pathname.startsWith('/mirror/');
      if (mirror) u.pathname = `/v1/log/${u.pathname.slice('/mirror/'.length)}`;
      const send = (status: number, body: string | Uint8Array, type = 'application/octet-stream') => {
        res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
        res.end(body);
      };
      if (req.method === 'POST' && u.pathname === '/v1/envelopes') return this.#receive(req, send);
      const tiles = u.pathname.startsWith('/v1/log/');
      if (tiles && !mirror && this.lies.noTiles) return send(404, 'not found', 'text/plain');
      const view = this.#view(tiles);
      const size = view.tree.size;
      const read = (p: readonly number[]) => view.tree.readHashes(p);
      if (u.pathname === '/v1/checkpoint' || u.pathname === '/v1/log/checkpoint') {
        send(200, view.note, 'text/plain; charset=utf-8');
        if (this.lies.grow && u.pathname === '/v1/checkpoint') this.add();
        return;
      }
      const q = (k: string) => Number(u.searchParams.get(k));
      if (u.pathname === '/v1/proof/inclusion') {
        const [index, n] = [q('index'), q('size')];
        if (!(index < n && n <= size)) return send(400, '{"error":"bad-range"}', 'application/json');
        return send(200, JSON.stringify({ index, size: n, hashes: runSync(inclusionPlan(index, n), read).map(toBase64) }), 'application/json');
      }
      if (u.pathname === '/v1/proof/consistency') {
        const [from, to] = [q('from'), q('to')];
        if (!(from >= 1 && from <= to && to <= size)) return send(400, '{"error":"bad-range"}', 'application/json');
        return send(200, JSON.stringify({ from, to, hashes: runSync(consistencyPlan(from, to), read).map(toBase64) }), 'application/json');
      }
      const t = tiles ? parseTilePath(u.pathname.slice('/v1/log/'.length)) : null;
      if (!t || tileWidth(t.level === 'entries' ? 0 : t.level, t.n, size) !== t.width) return send(404, 'not found', 'text/plain');
      if (t.level === 'entries') return send(200, encodeBundle(view.leaves.slice(t.n * TILE_WIDTH, t.n * TILE_WIDTH + t.width)));
      return send(200, Buffer.concat(read(tilePositions(t.level, t.n, t.width))));
    });
    server.on('connection', () => this.connections++);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    this.#server = server;
    this.url = new URL(`http://127.0.0.1:${(server.address() as { port: number }).port}/`);
    return this;
  }

  /** `POST /v1/envelopes` (spec 7), without token or size checks: logs the envelope and answers its receipt. */
  #receive(req: IncomingMessage, send: (status: number, body: string, type?: string) => void): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const eh = envelopeId(Buffer.concat(chunks));
      const r = this.add(undefined, eh);
      send(200, JSON.stringify({ id: r.id, receipt: r.receipt }), 'application/json');
    });
  }

  /** Requests that asked a proof by index (what tiles are there to avoid). */
  inclusionRequests(): string[] {
    return this.requests.filter((p) => p.startsWith('/v1/proof/inclusion'));
  }

  /** A center file (spec 1) for this log, its route this server; `extra` adds fields (tiles, witnesses). */
  centerJson(extra: Record<string, unknown> = {}): string {
    const vkey = (suffix: string) => verifierKey(`${this.name}/${suffix}`, ed25519PublicKey(randomBytes(32)));
    return JSON.stringify({
      v: 1,
      name: this.name,
      boxKey: toBase64(randomBytes(32)),
      logKey: this.signer.verifierKey,
      tallyKey: vkey('counted'),
      routesKey: vkey('routes'),
      routes: [{ id: 'direct-1', kind: 'direct', url: this.url.href }],
      ...(this.witnesses.length > 0
        ? { witnesses: this.witnesses.map((w) => ({ name: w.name, key: w.verifierKey, url: `http://127.0.0.1:9/${w.name}/` })), witnessPolicy: this.witnesses.length }
        : {}),
      ...extra,
    });
  }

  center(extra: Record<string, unknown> = {}): Center {
    return parseCenterFile(Buffer.from(this.centerJson(extra)));
  }

  close(): Promise<void> {
    const s = this.#server;
    if (!s) return Promise.resolve();
    s.closeAllConnections();
    return new Promise((r) => s.close(() => r()));
  }
}

/** Another leaf of the same shape and hour (a rewrite that does not stand out), the same at every request. */
function otherLeafLike(leaf: Uint8Array): Uint8Array {
  const out = new Uint8Array(leaf);
  out.set(createHash('sha256').update('rewritten').update(leaf).digest(), 0);
  return out;
}

/** The checkpoint's log signature with one byte changed (still well-formed base64). */
function damageSignature(note: string): string {
  const i = note.lastIndexOf('\n\n') + 2;
  const line = note.slice(i, note.indexOf('\n', i));
  const parts = line.split(' ');
  const raw = Buffer.from(parts[2]!, 'base64');
  raw[10] = raw[10]! ^ 1;
  parts[2] = raw.toString('base64');
  return note.slice(0, i) + parts.join(' ') + note.slice(i + line.length);
}
