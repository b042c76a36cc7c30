/**
 * The center's side of the witness exchange (wire spec 5, c2sp.org/tlog-witness): for each new
 * checkpoint, `POST <witness url>add-checkpoint` to every listed witness at once, with a consistency
 * proof from the size that witness last cosigned, and keep the cosignature lines that verify. It is
 * the intake's `cosign` hook (ServeOptions.cosign, src/center/log/checkpoints.ts).
 *
 * Each witness's size is remembered in memory, starting from 0 (`old 0`, no proof): after a restart
 * the first exchange gets a 409 with the witness's size, and the request is made again once with the
 * proof from that size (tlog-witness: "a client ... MAY initially make a request with an old size of
 * zero to obtain it"). A witness that is down, slow, refuses or answers garbage adds nothing.
 */
import { request, type Dispatcher } from 'undici';
import { toBase64 } from '../../crypto/base64.js';
import { parseNote } from '../../crypto/note.js';
import { parseCosignatureKey, verifyCosignatures, type CosignatureVerifier } from '../../log/cosignature.js';
import { englishText } from './messages.js';
import { SIZE_TYPE } from './witness.js';

/** A witness as the center file lists it (wire spec 5): `key` its vkey, or parsed. */
export interface WitnessSpec {
  readonly name: string;
  readonly key: string | CosignatureVerifier;
  readonly url: string;
}

/** Options of {@link witnessCosigner}. */
export interface CollectOptions {
  /** Bound of one exchange with one witness (both attempts), ms. Default 2000. */
  readonly timeoutMs?: number;
  /** Aborts every exchange (e.g. on shutdown). */
  readonly signal?: AbortSignal;
  /** undici dispatcher (default: the global one, keep-alive as tlog-witness recommends). */
  readonly dispatcher?: Dispatcher;
  /** Where a witness that gave nothing is reported (English). */
  readonly log?: (line: string) => void;
}

/** The hook's shape (ServeOptions.cosign). */
export type Cosign = (note: string, size: number, consistency: (from: number) => Promise<Uint8Array[]>) => Promise<string[]>;

/** Answers are a few signature lines; more is not a witness talking. */
const MAX_ANSWER = 64 * 1024;
/**
 * The intake serves a new checkpoint only once the hook resolves, and promises one covering a
 * receipt within 5 s (wire spec 5): a blackholed witness may hold it back this long at most.
 */
export const DEFAULT_WITNESS_TIMEOUT_MS = 2000;

class NoCosignature extends Error {}

async function readCapped(body: AsyncIterable<Uint8Array> & { destroy(): unknown }): Promise<string> {
  const chunks: Uint8Array[] = [];
  let n = 0;
  for await (const chunk of body) {
    n += chunk.length;
    if (n > MAX_ANSWER) {
      body.destroy();
      throw new NoCosignature(`answer above ${MAX_ANSWER} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The lines of `answer` that are valid cosignatures of `note` by `key` (others are ignored, spec 4). */
function validLines(note: string, answer: string, key: CosignatureVerifier): string[] {
  const out: string[] = [];
  for (const line of answer.split('\n')) {
    if (!line.startsWith(`\u2014 ${key.name} `)) continue;
    try {
      if (verifyCosignatures(`${note}${line}\n`, [key]).length === 1) out.push(`${line}\n`);
    } catch {
      // A line by this witness's name that does not verify is dropped, not served.
    }
  }
  return out;
}

/**
 * Makes the intake's cosign hook for `witnesses`.
 * @param witnesses the center file's `witnesses` (spec 5)
 * @returns the hook: resolves with the verified cosignature lines it collected (none from a witness
 *   that failed, which it reports to `opts.log`); rejects only for a malformed note
 * @throws VerifyError `bad-verifier-key` at once for a witness whose key is not a cosignature vkey
 */
export function witnessCosigner(witnesses: readonly WitnessSpec[], opts: CollectOptions = {}): Cosign {
  const list = witnesses.map((w) => ({
    name: w.name,
    key: typeof w.key === 'string' ? parseCosignatureKey(w.key) : w.key,
    endpoint: new URL('add-checkpoint', w.url.endsWith('/') ? w.url : `${w.url}/`),
    last: 0,
  }));
  const timeoutMs = opts.timeoutMs ?? DEFAULT_WITNESS_TIMEOUT_MS;
  const log = opts.log ?? (() => {});

  type W = (typeof list)[number];
  async function post(w: W, note: string, from: number, proof: readonly Uint8Array[], signal: AbortSignal) {
    const body = `old ${from}\n${proof.map((h) => `${toBase64(h)}\n`).join('')}\n${note}`;
    const res = await request(w.endpoint, {
      method: 'POST',
      body,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      signal,
      ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
    });
    return { status: res.statusCode, type: String(res.headers['content-type'] ?? ''), text: await readCapped(res.body) };
  }

  async function exchange(w: W, note: string, size: number, consistency: (from: number) => Promise<Uint8Array[]>): Promise<string[]> {
    const signal = opts.signal ? AbortSignal.any([opts.signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs);
    for (let attempt = 0; ; attempt++) {
      const from = w.last;
      if (from > size) throw new NoCosignature(`it holds size ${from}, above ${size}`);
      const proof = from === 0 || from === size ? [] : await consistency(from);
      const a = await post(w, note, from, proof, signal);
      if (a.status === 200) {
        const lines = validLines(note, a.text, w.key);
        if (lines.length === 0) throw new NoCosignature('no valid cosignature in its answer');
        w.last = size;
        return lines;
      }
      const m = /^(0|[1-9][0-9]{0,15})\n$/.exec(a.text);
      if (a.status === 409 && a.type.split(';')[0]!.trim() === SIZE_TYPE && m && attempt === 0) {
        // It holds another size (after our restart, or another intake's): prove from that one.
        w.last = Number(m[1]);
        continue;
      }
      throw new NoCosignature(`HTTP ${a.status}${a.text ? `: ${a.text.trim().slice(0, 200)}` : ''}`);
    }
  }

  return async (note, size, consistency) => {
    parseNote(note); // a malformed note is the intake's bug: fail loudly, once, not per witness
    const got = await Promise.all(
      list.map((w) =>
        exchange(w, note, size, consistency).catch((err: unknown) => {
          log(englishText('center.witness.no-cosignature', { name: w.name, why: err instanceof Error ? err.message : String(err) }));
          return [];
        }),
      ),
    );
    return got.flat();
  };
}
