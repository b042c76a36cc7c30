import { Option, type Command } from 'commander';
import writeFileAtomic from 'write-file-atomic';
import { resolve } from 'node:path';
import { qrPayload, writeArmor } from '../../crypto/armor.js';
import { envelopeIdHex, sealEnvelope } from '../../crypto/envelope.js';
import { ENVELOPE_SIZES } from '../../crypto/sizes.js';
import { InputError } from '../../errors.js';
import { t } from '../i18n/index.js';
import { serializeStatement } from '../../statement/index.js';
import { action, type Ctx } from '../context.js';
import { loadCenter } from '../home.js';
import { EXIT, UsageError, type Output } from '../output.js';
import { qrImageKind, qrMatrix, terminalArt, terminalWidth, writeQrImage, type QrImageKind } from '../qr.js';
import { addComposeOptions, warnIfOnCommandLine, readStatement, type ComposeFlags } from '../statement-input.js';

interface SealFlags extends ComposeFlags {
  label?: boolean;
  out?: string;
  binary?: boolean;
  qr?: boolean;
  qrOut?: string;
}

/** `--qr-out`'s image kind, checked before anything is sealed (issue 7: a wrong flag value is exit 2). */
function qrOutKind(file: string | undefined): QrImageKind | null {
  if (file === undefined) return null;
  const kind = qrImageKind(file);
  if (kind === null) throw new InputError('bad-flag', `--qr-out ${file}: give a .png or .svg file`, { key: 'cli.seal.qr-out-type', params: { file }, field: '--qr-out' });
  return kind;
}

/**
 * Wire spec 3: a QR code carries a 1073-byte envelope. A larger one would need a QR code beyond
 * version 40 or a set of codes to scan in order; we refuse it (exit 2) and point to the armored
 * text or the file, which carry any size (issue 8 design choice: no split codes).
 */
function qrEnvelopePayload(envelope: Uint8Array): string {
  const max = ENVELOPE_SIZES[0]!;
  if (envelope.length !== max) {
    throw new InputError('too-large', `the envelope is ${envelope.length} bytes; a QR code carries only a ${max}-byte envelope`, {
      key: 'cli.seal.qr-too-large',
      params: { bytes: envelope.length, max },
    });
  }
  return qrPayload(envelope);
}

/** Draws the code on stdout: painted on a terminal, plain blocks (ink on paper) elsewhere. */
async function showQr(out: Output, payload: string): Promise<void> {
  const stdout = out.io.stdout as { isTTY?: boolean; columns?: number };
  const matrix = await qrMatrix(payload);
  const tty = Boolean(stdout.isTTY);
  const width = terminalWidth(matrix);
  // A pseudo-terminal without a size reports 0 columns: unknown, not narrow.
  const columns = stdout.columns ?? 0;
  if (tty && columns > 0 && columns < width) out.warning('cli.seal.qr-narrow', { columns, width });
  out.data(terminalArt(matrix, { color: tty }));
}

export function registerSeal(program: Command, ctx: Ctx): Command {
  const cmd = program
    .command('seal')
    .description(t('cli.seal.description'))
    .argument('[statement]', t('cli.arg.statement'))
    .option('--label', t('cli.seal.opt.label'))
    .addOption(new Option('--armor', t('cli.seal.opt.armor')).implies({ label: true }))
    .option('--out <file>', t('cli.seal.opt.out'))
    .option('--binary', t('cli.seal.opt.binary'))
    .option('--qr', t('cli.seal.opt.qr'))
    .option('--qr-out <file>', t('cli.seal.opt.qr-out'));
  addComposeOptions(cmd);
  return cmd.action(
    action<SealFlags>(ctx, async ({ opts, out, home }, source?: string) => {
      // One JSON document on stdout (CLI spec): a drawing does not go in it; --qr-out does.
      if (opts.qr && opts.json) throw new UsageError('flag-conflict', '--qr and --json do not go together', { key: 'cli.seal.qr-json' });
      const kind = qrOutKind(opts.qrOut);
      warnIfOnCommandLine(opts, out, 'seal');
      const center = await loadCenter(opts.center, home);
      const st = await readStatement(source, opts, out);
      const envelope = sealEnvelope(serializeStatement(st), center.boxKey);
      const id = envelopeIdHex(envelope);
      const armor = writeArmor([envelope], { label: Boolean(opts.label) });
      const payload = opts.qr || kind ? qrEnvelopePayload(envelope) : null;
      if (opts.out) {
        await writeFileAtomic(resolve(opts.out), opts.binary ? Buffer.from(envelope) : armor, { mode: 0o600 });
      }
      const qrFile = opts.qrOut === undefined ? undefined : resolve(opts.qrOut);
      if (payload !== null && kind !== null && qrFile !== undefined) await writeQrImage(qrFile, payload, kind);
      if (opts.json) {
        out.document({ id, armor, ...(opts.out ? { file: resolve(opts.out) } : {}), ...(qrFile ? { qrFile } : {}) });
        return EXIT.ok;
      }
      if (payload !== null && opts.qr) await showQr(out, payload);
      else if (!opts.out && !qrFile) out.data(armor);
      if (opts.out) out.info('cli.seal.written', { file: resolve(opts.out), id });
      if (qrFile) out.info('cli.seal.qr-written', { file: qrFile, id });
      return EXIT.ok;
    }),
  );
}
