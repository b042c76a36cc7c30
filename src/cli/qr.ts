/**
 * QR codes of hand-carried envelopes (issue 8, build point 3; wire spec 3: "A QR code carries the
 * same base64 of a 1073-byte envelope"): the module matrix from `qrcode`, drawn in the terminal with
 * half-block characters, or written as a PNG or SVG image. `qrcode` is loaded only when a QR code
 * is asked for, so that other commands do not pay for it.
 */
import { extname } from 'node:path';
import writeFileAtomic from 'write-file-atomic';

/**
 * Error correction: a screen is not damaged, so the terminal uses L (version 27, 125 modules, the
 * narrowest that fits a terminal); an image is printed, folded and photographed, so it uses M
 * (version 31, 141 modules), which survives 15% of the code being lost.
 */
export const TERMINAL_LEVEL = 'L';
export const IMAGE_LEVEL = 'M';
/** The quiet zone of ISO/IEC 18004, 4 modules: readers need it to find the code. */
const QUIET = 4;
/** Pixels per module in a PNG: 161 modules at 5 px give 805 px, sharp enough to print and to scan. */
const PNG_SCALE = 5;

/** The image kinds `--qr-out` writes, by the file's extension. */
export type QrImageKind = 'png' | 'svg';

/** The image kind of a file name (case-insensitive extension), or null for any other name. */
export function qrImageKind(file: string): QrImageKind | null {
  const ext = extname(file).toLowerCase();
  return ext === '.png' ? 'png' : ext === '.svg' ? 'svg' : null;
}

/** A QR code's modules, `dark(row, col)` true for a dark module. */
export interface QrMatrix {
  readonly version: number;
  readonly size: number;
  dark(row: number, col: number): boolean;
}

type QrLib = typeof import('qrcode');

async function lib(): Promise<QrLib> {
  const m = (await import('qrcode')) as QrLib & { default?: QrLib };
  return m.default ?? m;
}

/**
 * One byte-mode segment: the payload is base64, and a mixed-mode split gains nothing on it while
 * making the version depend on the envelope's bytes; byte mode gives every 1073-byte envelope the
 * same version at a given level.
 */
const segments = (payload: string) => [{ data: Buffer.from(payload, 'latin1'), mode: 'byte' as const }];

/** The QR code of `payload` at error correction `level`. */
export async function qrMatrix(payload: string, level: 'L' | 'M' = TERMINAL_LEVEL): Promise<QrMatrix> {
  const q = (await lib()).create(segments(payload), { errorCorrectionLevel: level });
  const { size } = q.modules;
  return { version: q.version, size, dark: (r, c) => q.modules.get(r, c) !== 0 };
}

/** Columns the terminal drawing of `m` takes: one per module, plus the quiet zone on both sides. */
export function terminalWidth(m: QrMatrix): number {
  return m.size + 2 * QUIET;
}

/** Black on white for the whole line, then reset, so that a dark terminal theme shows a readable code. */
const INK = '\u001b[30;47m';
const RESET = '\u001b[0m';

/**
 * The code as text, two module rows per line with half blocks (▀ ▄ █ and space). With `color`
 * (a terminal) each line is painted black on white, whatever the terminal's theme; without it
 * (a file, a pipe, paper) the blocks are the dark modules, as ink on paper.
 */
export function terminalArt(m: QrMatrix, opts: { color: boolean }): string {
  const n = m.size + 2 * QUIET;
  const dark = (r: number, c: number): boolean => {
    const rr = r - QUIET;
    const cc = c - QUIET;
    return rr >= 0 && cc >= 0 && rr < m.size && cc < m.size && m.dark(rr, cc);
  };
  const lines: string[] = [];
  for (let r = 0; r < n; r += 2) {
    let line = '';
    for (let c = 0; c < n; c++) {
      const top = dark(r, c);
      const bottom = r + 1 < n && dark(r + 1, c);
      line += top ? (bottom ? '█' : '▀') : bottom ? '▄' : ' ';
    }
    lines.push(opts.color ? `${INK}${line}${RESET}` : line);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Writes the QR code of `payload` as a PNG or SVG image, atomically, mode 0600: the image is a
 * sealed envelope, not plaintext, but like `seal --out` it is nobody else's business on a shared
 * machine.
 */
export async function writeQrImage(file: string, payload: string, kind: QrImageKind): Promise<void> {
  const q = await lib();
  const opts = { errorCorrectionLevel: IMAGE_LEVEL, margin: QUIET } as const;
  const data =
    kind === 'png'
      ? await q.toBuffer(segments(payload), { ...opts, type: 'png', scale: PNG_SCALE })
      : await q.toString(segments(payload), { ...opts, type: 'svg' });
  await writeFileAtomic(file, data, { mode: 0o600, fsync: true });
}
