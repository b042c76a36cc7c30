/**
 * The passphrase of a command (wire spec 9: "asked on a TTY, or SEALPOST_PASSPHRASE for scripts;
 * the CLI offers to set one the first time it keeps anything"; issue 8). One place decides it and
 * every store of the command (outbox, relay secret, route health) gets the same answer:
 * - `SEALPOST_PASSPHRASE` when set;
 * - else, when the home shows a passphrase is in use (`"passphrase": true` in settings.json, or a
 *   sealed outbox item, relay.secret or health.json) and stdin is a terminal, it is asked once per
 *   process and home; without a terminal the command stops (InputError `passphrase-needed`, exit 2)
 *   before it writes anything, so nothing lands in the clear beside sealed files;
 * - else, when the command is about to keep something and no offer was ever answered, a terminal
 *   is offered to set one (the answer is recorded in settings.json, `true` or `false`, so it is
 *   offered once); without a terminal it is kept in the clear, with a warning once per process.
 */
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { envPassphrase, isSealed } from '../crypto/at-rest.js';
import { InputError } from '../errors.js';
import type { Io, Output } from './output.js';

/** What the resolver needs of an action's environment. */
export interface PassphraseEnv {
  readonly out: Output;
  readonly home: string;
  readonly io: Io;
}

export interface PassphraseOptions {
  /** The command is about to keep something (a receipt, a new relay secret): offer to set one. */
  readonly keeping?: boolean;
}

interface HomeState {
  passphrase: string | null;
  /** Asked, offered or warned already in this process: not again. */
  settled: boolean;
  warned: boolean;
}

/** Per stdin/env (one per process in the CLI; in-process tests have their own) and per home. */
const states = new WeakMap<Io, Map<string, Promise<HomeState>>>();

type SettingsObject = Record<string, unknown>;

async function readSettingsObject(home: string): Promise<SettingsObject> {
  try {
    const s = JSON.parse(await readFile(join(home, 'settings.json'), 'utf8')) as unknown;
    return s && typeof s === 'object' && !Array.isArray(s) ? (s as SettingsObject) : {};
  } catch {
    return {};
  }
}

/** Records whether a passphrase is set, keeping the other settings (keepReceipts). */
async function recordSetting(home: string, set: boolean): Promise<void> {
  const s = await readSettingsObject(home);
  if (s.passphrase === set) return;
  await mkdir(home, { recursive: true, mode: 0o700 });
  await writeFileAtomic(join(home, 'settings.json'), `${JSON.stringify({ ...s, passphrase: set }, null, 2)}\n`, { mode: 0o600 });
}

async function sealedFile(file: string, pick: (doc: Record<string, unknown>) => unknown = (d) => d): Promise<unknown> {
  try {
    const doc = pick(JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>);
    return isSealed(doc) ? doc : null;
  } catch {
    return null;
  }
}

/**
 * A document sealed under the home's passphrase by an earlier run (relay.secret, health.json or
 * the first outbox item), or null: to tell a protected home (for homes whose settings.json
 * predates the `passphrase` record), and to check a passphrase against (the local page's unlock).
 */
export async function sealedInHome(home: string): Promise<unknown> {
  const found = (await sealedFile(join(home, 'relay.secret'))) ?? (await sealedFile(join(home, 'health.json')));
  if (found !== null) return found;
  const names = await readdir(join(home, 'outbox')).catch(() => [] as string[]);
  const item = names.find((n) => /^[0-9a-f]{64}\.json$/.test(n));
  return item === undefined ? null : sealedFile(join(home, 'outbox', item), (d) => d.sealed);
}

async function resolve(env: PassphraseEnv, state: HomeState, keeping: boolean): Promise<HomeState> {
  if (state.settled && (state.passphrase !== null || !keeping)) return state;
  const { out, home, io } = env;
  const tty = io.stdin.isTTY === true;
  const settings = await readSettingsObject(home);
  if (settings.passphrase === true || (await sealedInHome(home)) !== null) {
    // Never write in the clear beside sealed files, and never open them half: stop before anything is done.
    if (!tty) throw new InputError('passphrase-needed', `${home} is protected by a passphrase; set SEALPOST_PASSPHRASE`, { key: 'cli.passphrase.needed', params: { home }, field: 'SEALPOST_PASSPHRASE' });
    if (!state.settled) state.passphrase = await ask(out, false);
    state.settled = true;
    return state;
  }
  state.settled = true;
  if (!keeping || settings.passphrase === false) return state;
  if (tty) {
    const { confirm } = await import('@inquirer/prompts');
    const { answer, promptContext } = await import('./prompts/abort.js');
    const { theme } = await import('./prompts/theme.js');
    const { t } = await import('./i18n/index.js');
    const yes = await answer(confirm({ message: t('cli.passphrase.offer'), default: true, theme: theme() }, promptContext(out)));
    if (yes) state.passphrase = await ask(out, true);
    await recordSetting(home, yes);
    if (yes) out.hint('cli.passphrase.set');
  } else if (!state.warned) {
    state.warned = true;
    out.warning('cli.passphrase.clear', { home });
  }
  return state;
}

async function ask(out: Output, confirm: boolean): Promise<string> {
  const { askPassphrase } = await import('./prompts/passphrase.js');
  return askPassphrase(out, { confirm });
}

/**
 * The passphrase for this command, or null: none is set (or none can be asked: the stores then
 * report a sealed file they cannot open). Asks or offers at most once per process and home.
 * @throws UsageError `aborted` when the person leaves a prompt (Ctrl-C, Ctrl-D); InputError
 *   `passphrase-needed` when the home is protected and no terminal or variable gives the passphrase
 */
export async function commandPassphrase(env: PassphraseEnv, opts: PassphraseOptions = {}): Promise<string | null> {
  const fromEnv = envPassphrase(env.io.env);
  if (fromEnv) {
    // Recorded so that a later run on a terminal, without the variable, knows to ask.
    if (opts.keeping) await recordSetting(env.home, true);
    return fromEnv;
  }
  let byHome = states.get(env.io);
  if (!byHome) states.set(env.io, (byHome = new Map()));
  const prev = byHome.get(env.home) ?? Promise.resolve<HomeState>({ passphrase: null, settled: false, warned: false });
  // Chained: two stores opened at once wait for one question, not two.
  const next = prev.then((s) => resolve(env, s, opts.keeping === true));
  byHome.set(env.home, next.catch(() => prev));
  return (await next).passphrase;
}
