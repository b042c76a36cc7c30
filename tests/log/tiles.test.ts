/**
 * C2SP tlog-tiles (wire spec 5): paths, bundles, and proofs computed from tiles equal to proofs
 * computed from the stored hashes, at a size with full and partial tiles on three levels.
 */
import { describe, expect, it } from 'vitest';
import { consistencyPlan, inclusionPlan, leafHash, MemoryHashes, run, runSync, treeHashPlan, verifyInclusion } from '../../src/log/merkle.js';
import { decodeBundle, encodeBundle, entriesPath, parseTilePath, splitStoredHashIndex, TileHashReader, tileIndexPath, tilePath, tilePositions, tileWidth } from '../../src/log/tiles.js';
import { storedHashIndex } from '../../src/log/merkle.js';

const SIZE = 70_000; // level 0: 273 full tiles + a partial; level 1: one full tile (65,536 leaves) + a partial; level 2: a partial of 1

function build(): MemoryHashes {
  const t = new MemoryHashes();
  for (let i = 0; i < SIZE; i++) t.append(leafHash(Buffer.from(`entry ${i}`)));
  return t;
}

function tileServer(t: MemoryHashes) {
  return async (path: string) => {
    const p = parseTilePath(path);
    if (!p || p.level === 'entries') throw new Error(`not a hash tile: ${path}`);
    const want = tileWidth(p.level, p.n, SIZE);
    if (p.width !== want) throw new Error(`${path}: width ${p.width}, the tree has ${want}`);
    return Buffer.concat(t.readHashes(tilePositions(p.level, p.n, p.width)));
  };
}

describe('tile paths', () => {
  it('encode N in 3-digit groups with x prefixes, and parse back strictly', () => {
    expect(tileIndexPath(0)).toBe('000');
    expect(tileIndexPath(1234067)).toBe('x001/x234/067');
    expect(tilePath(0, 1234067)).toBe('tile/0/x001/x234/067');
    expect(tilePath(1, 5, 17)).toBe('tile/1/005.p/17');
    expect(entriesPath(2, 255)).toBe('tile/entries/002.p/255');
    expect(parseTilePath('tile/0/x001/x234/067')).toEqual({ level: 0, n: 1234067, width: 256 });
    expect(parseTilePath('tile/entries/002.p/255')).toEqual({ level: 'entries', n: 2, width: 255 });
    for (const bad of ['tile/0/1', 'tile/0/x000/001', 'tile/0/001.p/256', 'tile/0/001.p/0', 'tile/0/001.p/007', '../tile/0/001', 'tile/00/001', 'tile/0/001/']) {
      expect(parseTilePath(bad), bad).toBeNull();
    }
  });

  it('bundles frame each leaf with a u16 length, and a cut bundle is an error', () => {
    const leaves = [new Uint8Array(40).fill(1), new Uint8Array(40).fill(2)];
    const b = encodeBundle(leaves);
    expect(b.length).toBe(84);
    expect(decodeBundle(b)).toEqual(leaves);
    expect(() => decodeBundle(b.subarray(0, 83))).toThrow(RangeError);
  });

  it('stored-hash positions split back into their nodes', () => {
    for (const [level, n] of [[0, 0], [0, 69_999], [3, 5], [8, 0], [16, 0], [1, 34_999]] as const) {
      expect(splitStoredHashIndex(storedHashIndex(level, n))).toEqual({ level, n });
    }
  });
});

describe('proofs from tiles', () => {
  const t = build();
  const direct = (p: readonly number[]) => t.readHashes(p);

  it('the root, inclusion and consistency proofs match the stored hashes, for indexes across every tile kind', async () => {
    const root = runSync(treeHashPlan(SIZE), direct);
    const reader = new TileHashReader(SIZE, tileServer(t));
    expect(Buffer.from(await run(treeHashPlan(SIZE), reader)).equals(root)).toBe(true);
    for (const index of [0, 1, 255, 256, 65_535, 65_536, 69_631, 69_632, 69_999]) {
      const fromTiles = await run(inclusionPlan(index, SIZE), new TileHashReader(SIZE, tileServer(t)));
      expect(fromTiles.map((h) => Buffer.from(h).toString('hex'))).toEqual(runSync(inclusionPlan(index, SIZE), direct).map((h) => Buffer.from(h).toString('hex')));
      verifyInclusion(index, SIZE, t.readHashes([storedHashIndex(0, index)])[0]!, fromTiles, root);
    }
    for (const from of [1, 300, 65_536, 69_000]) {
      const a = await run(consistencyPlan(from, SIZE), new TileHashReader(SIZE, tileServer(t)));
      expect(a.map((h) => Buffer.from(h).toString('hex'))).toEqual(runSync(consistencyPlan(from, SIZE), direct).map((h) => Buffer.from(h).toString('hex')));
    }
  });

  it('an inclusion proof fetches few tiles, and no level-0 tile but the leaf block\'s own', async () => {
    const reader = new TileHashReader(SIZE, tileServer(t));
    await run(inclusionPlan(1000, SIZE), reader);
    expect(reader.fetched.length).toBeLessThanOrEqual(5);
    expect(reader.fetched.filter((p) => p.startsWith('tile/0/'))).toEqual(['tile/0/003', 'tile/0/273.p/112']);
  });

  it('a tile of the wrong length is refused', async () => {
    const reader = new TileHashReader(SIZE, async () => new Uint8Array(32 * 3));
    await expect(run(inclusionPlan(5, SIZE), reader)).rejects.toThrow(/bytes, expected/);
  });
});
