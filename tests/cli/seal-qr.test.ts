/**
 * Issue 8, build point 3: `seal --qr` and `seal --qr-out` (wire spec 3: "A QR code carries the same
 * base64 of a 1073-byte envelope"). Every code the command draws or writes is decoded here with a
 * QR decoder (jsQR) and compared with the envelope the same run printed in `--json`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsQRImport from 'jsqr';
import { PNG } from 'pngjs';
import { readArmor } from '../../src/crypto/armor.js';
import { BIN, sealpost } from '../harness/cli.js';

let dir: string;
let center: string;
const LINES = 'name: 小李\norgs: CYL,CYP\ncountry: CN\nprovince: 440000\ntext: 我声明退出\n';
/** A text long enough that the envelope takes the 4145-byte bucket. */
const LONG = `name: 小李\norgs: CYL\ncountry: CN\nprovince: 440000\ntext: ${'长'.repeat(1200)}\n`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sealpost-qr-'));
  const made = await sealpost(['keygen', '--name', 'c.example', '--out', join(dir, 'keys'), '--url', 'http://127.0.0.1:1/']);
  expect(made.code).toBe(0);
  center = join(dir, 'keys', 'center.json');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const seal = (args: readonly string[], input = LINES, lang = 'en') =>
  sealpost(['--lang', lang, 'seal', '--center', center, '--home', join(dir, 'home'), ...args, '-'], { input });

type Decode = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
/** jsqr is CommonJS with an ES-style `export default` in its types: take the function either way. */
const jsQR = ((jsQRImport as unknown as { default?: Decode }).default ?? jsQRImport) as Decode;

/** Decodes an RGBA image with jsQR; the text it carries, or null. */
function decode(data: Uint8ClampedArray, width: number, height: number): string | null {
  return jsQR(data, width, height)?.data ?? null;
}

/** A module matrix drawn at `scale` pixels a module, black on white (the matrix holds its quiet zone). */
function rasterise(dark: readonly (readonly boolean[])[], scale = 4): { data: Uint8ClampedArray; width: number; height: number } {
  const height = dark.length * scale;
  const width = Math.max(...dark.map((r) => r.length)) * scale;
  const data = new Uint8ClampedArray(width * height * 4).fill(255);
  for (const [r, row] of dark.entries()) {
    for (const [c, on] of row.entries()) {
      if (!on) continue;
      for (let y = r * scale; y < (r + 1) * scale; y++) {
        for (let x = c * scale; x < (c + 1) * scale; x++) data.fill(0, (y * width + x) * 4, (y * width + x) * 4 + 3);
      }
    }
  }
  return { data, width, height };
}

/** The modules of half-block art (▀ ▄ █ and space; two module rows a line), ANSI colours removed. */
function artModules(text: string): boolean[][] {
  const lines = text
    .replace(/\u001b\[[\d;]*m/g, '')
    .split(/\r?\n/)
    .filter((l) => /^[ █▀▄]+$/.test(l));
  return lines.flatMap((l) => [[...l].map((ch) => ch === '█' || ch === '▀'), [...l].map((ch) => ch === '█' || ch === '▄')]);
}

/** The modules of qrcode's SVG: one path of `M x y`, `m dx dy` and `h n` runs of dark modules. */
function svgModules(svg: string): boolean[][] {
  const size = Number(/viewBox="0 0 (\d+) \1"/.exec(svg)?.[1]);
  const d = /<path stroke="#000000" d="([^"]+)"/.exec(svg)?.[1] ?? '';
  const grid = Array.from({ length: size }, () => Array<boolean>(size).fill(false));
  let x = 0;
  let y = 0;
  for (const [, op, a, b] of d.matchAll(/([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?/g)) {
    if (op === 'M') [x, y] = [Number(a), Number(b)];
    else if (op === 'm') [x, y] = [x + Number(a), y + Number(b)];
    else {
      for (let k = 0; k < Number(a); k++) grid[Math.floor(y)]![x + k] = true;
      x += Number(a);
    }
  }
  return grid;
}

/** The base64 of the one envelope in an armored text. */
function base64Of(armor: string): string {
  const { envelopes, problems } = readArmor(armor);
  expect(problems).toEqual([]);
  expect(envelopes).toHaveLength(1);
  return Buffer.from(envelopes[0]!).toString('base64');
}

const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The built CLI on a pseudo-terminal (util-linux `script`), after `setup` (e.g. `stty cols 100`). */
async function onTty(args: readonly string[], input: string, setup = ''): Promise<{ code: number | null; out: string }> {
  const command = `${setup}${[process.execPath, BIN, ...args].map(shq).join(' ')}`;
  const child = spawn('script', ['-qec', command, '/dev/null'], { env: { PATH: process.env.PATH ?? '', LANG: 'C', SHELL: '/bin/sh' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.resume();
  child.stdin.end(input);
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, out };
}

describe('seal --qr-out (issue 8, build point 3)', () => {
  it('writes a PNG (mode 0600) that decodes to the base64 of the envelope the same run sealed', async () => {
    const file = join(dir, 'env.png');
    const r = await seal(['--json', '--qr-out', file]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { id: string; armor: string; qrFile: string };
    expect(doc.qrFile).toBe(file);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const png = PNG.sync.read(await readFile(file));
    const text = decode(new Uint8ClampedArray(png.data), png.width, png.height);
    expect(text).toBe(base64Of(doc.armor));
    expect(text).toHaveLength(1432);
  });

  it('writes an SVG whose modules, drawn as pixels, decode to the same envelope; says where on stderr', async () => {
    const file = join(dir, 'env.svg');
    const r = await seal(['--qr-out', file, '--out', join(dir, 'env.txt')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^QR code of envelope [0-9a-f]{64} written to .*env\.svg$/m);
    const svg = await readFile(file, 'utf8');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 149 149"/);
    const { data, width, height } = rasterise(svgModules(svg));
    expect(decode(data, width, height)).toBe(base64Of(await readFile(join(dir, 'env.txt'), 'utf8')));
  });

  it.each([
    ['en', /^sealpost: error: --qr-out .*env\.jpg: give a file name ending in \.png or \.svg$/m],
    ['zh-CN', /^sealpost: error: --qr-out .*env\.jpg：请给出以 \.PNG 或 \.SVG 结尾的文件名（大小写均可）$/m],
  ])('refuses another image kind before sealing (exit 2, %s)', async (lang, message) => {
    const r = await seal(['--qr-out', join(dir, 'env.jpg')], LINES, lang);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });
});

describe('seal --qr', () => {
  it('off a terminal prints the code as plain half blocks (ink on paper) that decode to the envelope', async () => {
    const out = join(dir, 'plain.txt');
    const r = await seal(['--qr', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('\u001b');
    const lines = r.stdout.split('\n').slice(0, -1);
    // Version 27 (level L): 125 modules and a quiet zone of 4 on each side, two module rows a line.
    expect(lines).toHaveLength(67);
    expect(lines.every((l) => [...l].length === 133)).toBe(true);
    const { data, width, height } = rasterise(artModules(r.stdout));
    expect(decode(data, width, height)).toBe(base64Of(await readFile(out, 'utf8')));
  });

  it('on a terminal paints the blocks black on white, and the code decodes to the envelope', async () => {
    const out = join(dir, 'tty.txt');
    const r = await onTty(['seal', '--center', center, '--home', join(dir, 'home'), '--qr', '--out', out, join(dir, 'st.txt')], '', `printf '%s' ${shq(LINES)} > ${shq(join(dir, 'st.txt'))}; `);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/[█▀▄]/);
    expect(r.out).toContain('\u001b[30;47m');
    expect(r.out).not.toContain('columns wide');
    const { data, width, height } = rasterise(artModules(r.out));
    expect(decode(data, width, height)).toBe(base64Of(await readFile(out, 'utf8')));
  });

  it('warns on a terminal narrower than the code, still drawing it', async () => {
    const r = await onTty(['seal', '--center', center, '--home', join(dir, 'home'), '--qr', join(dir, 'st.txt')], '', `stty cols 100 rows 60; printf '%s' ${shq(LINES)} > ${shq(join(dir, 'st.txt'))}; `);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/sealpost: warning: the terminal is 100 columns wide and the QR code needs 133/);
    expect(r.out).toMatch(/[█▀▄]/);
  });

  it.each([
    ['en', /^sealpost: error: the envelope is 4145 bytes: a QR code carries only a 1073-byte envelope/m],
    ['zh-CN', /^sealpost: error: 信封有 4145 字节：一个二维码只能容纳 1073 字节的信封/m],
  ])('refuses an envelope larger than 1073 bytes (exit 2, %s): no split codes, nothing written', async (lang, message) => {
    const file = join(dir, 'big.png');
    const r = await seal(['--qr', '--qr-out', file], LONG, lang);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
    await expect(stat(file)).rejects.toThrow();
  });

  it('does not go together with --json (exit 1)', async () => {
    const r = await seal(['--qr', '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: 'flag-conflict' } });
  });
});

describe('seal armor', () => {
  it('prints a bare block by default; --label and its alias --armor add the neutral labels', async () => {
    const bare = await seal([]);
    expect(bare.code).toBe(0);
    expect(bare.stdout).not.toContain('-----');
    base64Of(bare.stdout);
    for (const flag of ['--label', '--armor']) {
      const r = await seal([flag]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^-----BEGIN MESSAGE-----\n[A-Za-z0-9+/=\n]+-----END MESSAGE-----\n$/);
      base64Of(r.stdout);
    }
  });
});
