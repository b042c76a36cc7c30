#!/usr/bin/env node
// `node scripts/exe-parts.mjs <exe> [<other exe>]` (issue 11, build point 2): the parts of a
// single executable built by scripts/build-exe.mjs, each with its SHA-256, so that two builds
// can be compared part by part when their own SHA-256s differ.
//
// Node's SEA blob (Node 20, src/node_sea.cc) is: magic 0x0143da20, flags (uint32), then
// length-prefixed (uint64) strings: the main script's name, the main script, the V8 code cache
// (flag 4), and the assets (flag 8: a uint64 count, then name and bytes of each). postject puts
// it in an ELF note, a Mach-O NODE_SEA segment or a PE resource; it is found here by its magic
// and a layout that parses, wherever it is. "rest" is the file with the blob cut out: the Node
// binary it was copied from plus the container's headers, which hold the blob's length, so a
// code cache of another length changes a few bytes of it too.
//
// With one file: prints the parts as JSON. With two: prints each part same/differs and exits
// 0 when all are the same, 1 otherwise.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

const MAGIC = Buffer.from([0x20, 0xda, 0x43, 0x01]);
const CODE_CACHE = 1 << 2;
const ASSETS = 1 << 3;

/** The blob's parts, or null when the layout does not parse from `at`. */
function parseAt(buf, at) {
  let p = at + 4;
  const u64 = () => {
    if (p + 8 > buf.length) throw new RangeError('past the end');
    const n = buf.readBigUInt64LE(p);
    p += 8;
    if (n > BigInt(buf.length - p)) throw new RangeError('too long');
    return Number(n);
  };
  const bytes = () => {
    const n = u64();
    const b = buf.subarray(p, p + n);
    p += n;
    return b;
  };
  try {
    const flags = buf.readUInt32LE(p);
    p += 4;
    if (flags >= 1 << 5) return null;
    const name = bytes();
    if (name.length === 0 || name.length > 4096 || !/^[\x20-\x7e]+$/.test(name.toString('latin1'))) return null;
    const main = bytes();
    const codeCache = flags & CODE_CACHE ? bytes() : null;
    const assets = [];
    if (flags & ASSETS) {
      const count = u64();
      if (count > 10_000) return null;
      for (let i = 0; i < count; i++) assets.push([bytes().toString('utf8'), bytes()]);
    }
    return { offset: at, length: p - at, flags, name: name.toString('latin1'), main, codeCache, assets };
  } catch {
    return null;
  }
}

/** Finds and parses the SEA blob in an executable's bytes (throws when there is none). */
export function seaParts(buf) {
  for (let i = buf.indexOf(MAGIC); i >= 0; i = buf.indexOf(MAGIC, i + 1)) {
    const blob = parseAt(buf, i);
    if (blob && blob.main.length > 0) return blob;
  }
  throw new Error('no single-executable blob found');
}

const sha = (b) => createHash('sha256').update(b).digest('hex');

/** Name → { bytes, sha256 } of every part, in a stable order. */
export function partHashes(buf) {
  const blob = seaParts(buf);
  const rest = Buffer.concat([buf.subarray(0, blob.offset), buf.subarray(blob.offset + blob.length)]);
  const parts = {
    file: buf,
    rest,
    flags: Buffer.from(String(blob.flags)),
    'main script': blob.main,
    'code cache': blob.codeCache ?? Buffer.alloc(0),
  };
  for (const [name, bytes] of blob.assets) parts[`asset ${name}`] = bytes;
  return Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, { bytes: v.length, sha256: sha(v) }]));
}

const isMain = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  const files = process.argv.slice(2);
  if (files.length < 1 || files.length > 2) {
    process.stderr.write('usage: node scripts/exe-parts.mjs <exe> [<other exe>]\n');
    process.exit(2);
  }
  const [a, b] = files.map((f) => partHashes(readFileSync(f)));
  if (!b) {
    process.stdout.write(`${JSON.stringify(a, null, 2)}\n`);
  } else {
    let same = true;
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const eq = a[k]?.sha256 === b[k]?.sha256;
      same &&= eq;
      const size = (x) => (x ? String(x.bytes) : 'missing');
      process.stdout.write(`${eq ? 'same   ' : 'differs'}  ${k}  (${size(a[k])} / ${size(b[k])} bytes)\n`);
    }
    process.exit(same ? 0 : 1);
  }
}
