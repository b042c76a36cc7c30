/**
 * Packing of a commit batch and its results into one transferable ArrayBuffer each, for the
 * SQLite worker thread. One buffer per batch instead of structured-cloning hundreds of small
 * Uint8Arrays (each of which may sit on Node's shared 8 KiB pool and would be copied whole).
 */
import type { AppendItem, Entry } from './store.js';

const ITEM_HEAD = 32 + 32 + 4;
const RESULT_SIZE = 32;

export function packItems(items: readonly AppendItem[]): ArrayBuffer {
  let size = 4;
  for (const it of items) size += ITEM_HEAD + it.envelope.length;
  const buf = new ArrayBuffer(size);
  const bytes = new Uint8Array(buf);
  const view = new DataView(buf);
  view.setUint32(0, items.length);
  let at = 4;
  for (const it of items) {
    bytes.set(it.idem, at);
    bytes.set(it.eh, at + 32);
    view.setUint32(at + 64, it.envelope.length);
    bytes.set(it.envelope, at + ITEM_HEAD);
    at += ITEM_HEAD + it.envelope.length;
  }
  return buf;
}

export function unpackItems(buf: ArrayBuffer): AppendItem[] {
  const bytes = new Uint8Array(buf);
  const view = new DataView(buf);
  const n = view.getUint32(0);
  const out: AppendItem[] = [];
  let at = 4;
  for (let i = 0; i < n; i++) {
    const len = view.getUint32(at + 64);
    out.push({
      idem: bytes.subarray(at, at + 32),
      eh: bytes.subarray(at + 32, at + 64),
      envelope: bytes.subarray(at + ITEM_HEAD, at + ITEM_HEAD + len),
    });
    at += ITEM_HEAD + len;
  }
  return out;
}

/** Results in item order: index (f64), hour (u32), fresh (u8), blind (16 bytes). `eh` is the item's own. */
export function packResults(entries: readonly Entry[]): ArrayBuffer {
  const buf = new ArrayBuffer(entries.length * RESULT_SIZE);
  const bytes = new Uint8Array(buf);
  const view = new DataView(buf);
  entries.forEach((e, i) => {
    const at = i * RESULT_SIZE;
    view.setFloat64(at, e.index);
    view.setUint32(at + 8, e.hour);
    view.setUint8(at + 12, e.fresh ? 1 : 0);
    bytes.set(e.blind, at + 16);
  });
  return buf;
}

export function unpackResults(buf: ArrayBuffer, items: readonly AppendItem[]): Entry[] {
  const bytes = new Uint8Array(buf);
  const view = new DataView(buf);
  return items.map((it, i) => {
    const at = i * RESULT_SIZE;
    return {
      index: view.getFloat64(at),
      hour: view.getUint32(at + 8),
      fresh: view.getUint8(at + 12) === 1,
      blind: bytes.slice(at + 16, at + 32),
      eh: it.eh,
    };
  });
}
