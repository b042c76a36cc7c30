/**
 * What the local page (`sealpost ui`) does, on the CLI's engine: the same outbox, the same route
 * gathering and health, the same sending, relay import and accept, the same wipe. One instance per
 * server; the statement being composed lives only in this process's memory (wire spec 9: nothing
 * of a statement on disk in the clear), as drafts keyed by a random id.
 */
import { randomBytes } from 'node:crypto';
import { open as openSealed } from '../crypto/at-rest.js';
import type { Center } from '../crypto/center-file.js';
import { sealEnvelope } from '../crypto/envelope.js';
import { importRelayFile, type ImportResult } from '../relay/import.js';
import type { Reject } from '../relay/rows.js';
import { loadRelaySecret } from '../relay/secret.js';
import { composeStatement, serializeStatement, type ComposeFields, type Statement } from '../statement/index.js';
import { countedKeep } from '../statement/counted.js';
import { Outbox, type OutboxItem } from '../outbox/outbox.js';
import { sendItem, type SendResult } from '../outbox/send.js';
import { flushOutbox, type FlushEvent } from '../outbox/flush.js';
import { lockOutbox, OutboxBusy } from '../outbox/lock.js';
import { wipeHome } from '../outbox/wipe.js';
import { gatherRoutes, type GatheredRoutes, type GatherOptions } from '../transport/routes/sources.js';
import { parseProxyUrl, type Route } from '../transport/routes/route.js';
import { storeRouteList } from '../transport/routes/route-store.js';
import { formatTime } from '../transport/routes/route-list.js';
import { RouteHealth } from '../transport/race/health.js';
import type { Attempt } from '../transport/race/race.js';
import { acceptBytes, type AcceptResult } from '../cli/commands/relay-accept.js';
import { probeRoute } from '../cli/commands/routes.js';
import { sealedInHome } from '../cli/passphrase.js';
import { InputError } from '../errors.js';
import type { StrategyPlan } from '../transport/strategy/combos.js';
import { liveState, type LiveState } from './live.js';

/**
 * How the engine was started: the `ui` command's global and route flags, resolved, as route
 * gathering takes them (src/transport/routes/sources.ts), and the outbox's settings.
 */
export interface EngineOptions extends Omit<GatherOptions, 'now'> {
  /** The command's passphrase (src/cli/passphrase.ts), asked once on the terminal at start. */
  readonly passphrase: string | null;
  /**
   * The home is protected by a passphrase that no terminal or variable gave at start (a
   * double-click): nothing is read or written until the page gives it ({@link UiEngine.unlock}).
   */
  readonly locked?: boolean;
  readonly keepReceipts: boolean;
  /**
   * Routes to race instead of gathering them (the demo's censored network, as `sealpost demo` builds
   * it): raced in the order given, without route memory, as the demo does.
   */
  readonly routes?: readonly Route[];
}

/** A route's state as the page shows it while a send runs. */
export interface RouteEvent {
  readonly route: string;
  readonly state: LiveState;
  readonly outcome?: string;
  readonly ms?: number;
}

/** A rejected row of an upload, by its line in the file (the header is line 1). */
export interface RejectLine {
  readonly line: number;
  readonly code: string;
  readonly reason: string;
}

/** The page's statement form: compose's fields (src/statement/compose.ts), province etc. as codes. */
export type PageFields = Pick<ComposeFields, 'name' | 'realName' | 'orgs' | 'province' | 'city' | 'sector' | 'text' | 'publish'>;

/** The page's form as compose input: always in China (the Chinese list of provinces), channel internet. */
export function composeFromPage(given: PageFields | undefined): Statement {
  const f: Partial<PageFields> = given && typeof given === 'object' ? given : {};
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return composeStatement({
    name: typeof f.name === 'string' ? f.name : '',
    realName: f.realName === true,
    orgs: Array.isArray(f.orgs) ? f.orgs.filter((o): o is string => typeof o === 'string') : (str(f.orgs) ?? ''),
    country: 'CN',
    ...(str(f.province) ? { province: str(f.province)! } : {}),
    ...(str(f.city) ? { city: str(f.city)! } : {}),
    ...(str(f.sector) ? { sector: str(f.sector)! } : {}),
    ...(str(f.text) ? { text: str(f.text)! } : {}),
    publish: f.publish === true,
  });
}

/** Previews held at once (several tabs of the page). */
const MAX_DRAFTS = 8;

export class UiEngine {
  #outbox: Outbox | null = null;
  #passphrase: string | null;
  readonly #drafts = new Map<string, Statement>();
  readonly #proxies: string[] = [];
  #health: Promise<RouteHealth> | null = null;

  constructor(readonly o: EngineOptions) {
    this.#passphrase = o.passphrase;
    if (!o.locked) this.#open();
  }

  #open(): void {
    this.#outbox = new Outbox(this.o.home, { passphrase: this.#passphrase, keepReceipts: this.o.keepReceipts });
  }

  /** Waiting for the home's passphrase: every call but {@link unlock} is refused. */
  get locked(): boolean {
    return this.#outbox === null;
  }

  /** @throws InputError `passphrase-needed` while {@link locked} */
  get outbox(): Outbox {
    if (!this.#outbox) throw new InputError('passphrase-needed', 'the page is locked: give the passphrase first', { key: 'ui.err.locked' });
    return this.#outbox;
  }

  /**
   * Takes the home's passphrase from the page, checked against a document sealed under it when the
   * home holds one (else taken as given, as the terminal's question is).
   * @throws InputError `passphrase-needed` for an empty one; AtRestError `wrong-passphrase`
   */
  async unlock(passphrase: unknown): Promise<void> {
    if (!this.locked) return;
    if (typeof passphrase !== 'string' || passphrase === '') {
      throw new InputError('passphrase-needed', 'no passphrase given', { key: 'ui.err.passphrase-empty', field: 'passphrase' });
    }
    const sealed = await sealedInHome(this.o.home);
    if (sealed !== null) await openSealed(sealed, passphrase);
    this.#passphrase = passphrase;
    this.#health = null;
    this.#open();
  }

  get center(): Center {
    return this.o.center;
  }

  health(): Promise<RouteHealth> {
    return (this.#health ??= RouteHealth.load(this.o.home, { passphrase: this.#passphrase }));
  }

  /**
   * What a race takes besides its routes, as `submit` and `outbox flush` give it: the center, the
   * center file's strategies (issue 12; the page has no strategy flags), and route memory — none
   * for fixed routes (their order is the point).
   */
  async raceOptions(): Promise<{ center: { name: string; logKey: Center['logKey'] }; strategies: StrategyPlan; health?: RouteHealth }> {
    const center = { name: this.center.name, logKey: this.center.logKey };
    const strategies = { defaults: this.center.strategies };
    return this.o.routes ? { center, strategies } : { center, strategies, health: await this.health() };
  }

  /** The routes a delivery races now: the flags' and the proxies added on the page. */
  async routes(): Promise<GatheredRoutes> {
    const fixed = this.o.routes;
    if (fixed) return { routes: [...fixed], left: [], warnings: [], sources: new Map(fixed.map((r) => [r.id, 'arg'])), list: null };
    return gatherRoutes({ ...this.gathering(), proxyFlags: [...this.o.proxyFlags, ...this.#proxies] });
  }

  /** The command's route options, as gathering takes them. */
  private gathering(): GatherOptions {
    const { center, home, routeFlags, proxyFlags, onlyRoutes, alsoDirect, allowPlainProxy, env } = this.o;
    return { center, home, routeFlags, proxyFlags, onlyRoutes, alsoDirect, allowPlainProxy, env };
  }

  /** Composes and validates; returns the draft id and exactly the bytes that will be sealed, as text. */
  preview(fields: PageFields | undefined): { draft: string; sealed: string } {
    const st = composeFromPage(fields);
    const draft = randomBytes(16).toString('hex');
    // Only the last few previews can be sent: an abandoned one does not stay in memory.
    if (this.#drafts.size >= MAX_DRAFTS) this.#drafts.delete(this.#drafts.keys().next().value!);
    this.#drafts.set(draft, st);
    return { draft, sealed: new TextDecoder().decode(serializeStatement(st)) };
  }

  /** Seals a draft into the outbox and races the routes; the draft is forgotten either way. */
  async send(draft: string, onRoute: (e: RouteEvent) => void): Promise<SendResult | null> {
    const st = this.#drafts.get(draft);
    if (!st) return null;
    this.#drafts.delete(draft);
    const item = await this.outbox.add(sealEnvelope(serializeStatement(st), this.center.boxKey), { counted: countedKeep(st) });
    const { routes } = await this.routes();
    const r = await sendItem(this.outbox, item, routes, {
      ...(await this.raceOptions()),
      onEvent: (e) => onRoute(e.type === 'start' ? { route: e.route, state: 'trying' } : routeEnd(e.attempt)),
    });
    const { raw: _raw, ...doc } = r;
    return doc;
  }

  /** The volunteer desk: composes, seals and queues one statement (sent by the next flush). */
  async queue(fields: PageFields | undefined): Promise<OutboxItem> {
    const st = composeFromPage(fields);
    return this.outbox.add(sealEnvelope(serializeStatement(st), this.center.boxKey), { counted: countedKeep(st) });
  }

  list(): Promise<OutboxItem[]> {
    return this.outbox.list();
  }

  /** One flush round (`outbox flush`); `dueOnly` for the page's keep-retrying timer. Busy: null. */
  async flush(dueOnly: boolean, onRoute: (e: RouteEvent) => void): Promise<{ delivered: number; stalled: boolean } | null> {
    let release: () => Promise<void>;
    try {
      release = await lockOutbox(this.outbox.dir);
    } catch (err) {
      if (err instanceof OutboxBusy) return null;
      throw err;
    }
    try {
      const { routes } = await this.routes();
      if (routes.length === 0) return { delivered: 0, stalled: true };
      const round = await flushOutbox(this.outbox, routes, {
        ...(await this.raceOptions()),
        dueOnly,
        onEvent: (e: FlushEvent) => {
          if (e.type === 'start') onRoute({ route: e.route, state: 'trying' });
          else if (e.type === 'end') onRoute(routeEnd(e.attempt));
        },
      });
      return { delivered: round.delivered, stalled: round.stalled };
    } finally {
      await release();
    }
  }

  /** Envelopes sealed by others, pasted or dropped (`relay accept`). */
  accept(bytes: Uint8Array): Promise<AcceptResult> {
    return acceptBytes(this.outbox, 'pasted', bytes);
  }

  /** A CSV held in memory (`relay import`); rejects come back by line, never to a file. */
  async importCsv(bytes: Uint8Array, describe: (r: Reject) => string): Promise<ImportResult & { rejects: RejectLine[] }> {
    const rejects: RejectLine[] = [];
    const sink = {
      path: '',
      get count() {
        return rejects.length;
      },
      clear: async () => {},
      setColumns: () => {},
      write: async (line: number, r: Reject) => {
        rejects.push({ line, code: r.code, reason: describe(r) });
      },
      close: async () => {},
    };
    const secret = await loadRelaySecret(this.o.home, { passphrase: this.#passphrase });
    const r = await importRelayFile({ file: 'upload.csv', format: 'csv', bytes, rejectsTo: sink, outbox: this.outbox, boxKey: this.center.boxKey, secret, describe, threads: 0 });
    return { ...r, rejects };
  }

  /** A route list carried by hand (`routes import`). */
  async importRouteList(note: string): Promise<{ issued: string; expires: string; routes: number }> {
    const list = await storeRouteList(this.o.home, note.replace(/\r\n/g, '\n'), this.center);
    return { issued: formatTime(list.issued), expires: formatTime(list.expires), routes: list.routes.length };
  }

  /**
   * Adds a proxy (as `--proxy`) after testing the routes through it; kept for this session only.
   * @returns each route's probe outcome (`routes test`); the proxy is added when one is `ok`
   */
  async addProxy(text: string): Promise<{ proxy: string; added: boolean; results: { route: string; outcome: string }[] }> {
    const url = parseProxyUrl(text.trim());
    // The routes through this proxy alone, as `--proxy` makes them.
    const g = await gatherRoutes({ ...this.gathering(), proxyFlags: [url.href], alsoDirect: false });
    const results = await Promise.all(g.routes.map(async (r) => ({ route: r.id, outcome: await probeRoute(r, this.center, 10_000) })));
    const added = results.some((r) => r.outcome === 'ok');
    if (added && !this.#proxies.includes(url.href)) this.#proxies.push(url.href);
    return { proxy: url.href, added, results };
  }

  /** `sealpost wipe`, and the drafts and proxies of this session with it. */
  async wipe(): Promise<string[]> {
    this.#drafts.clear();
    this.#proxies.length = 0;
    return wipeHome(this.o.home);
  }
}

function routeEnd(a: Attempt): RouteEvent {
  return { route: a.route, state: liveState(a.outcome, a.error?.key), outcome: a.outcome, ms: a.ms };
}
