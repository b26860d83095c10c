// Writing the library index: the procedural families' entries (regenerated, deterministic) plus the imported
// entries already in the index, splits recomputed over all of them. Import adds or replaces entries through here.
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AssetEntry, AssetIndex } from './core/asset.js';
import { INDEX_VERSION } from './core/asset.js';
import { readIndex, writeIndex } from './core/index-file.js';
import { DEFAULT_TEST_SHARE, withSplits } from './core/splits.js';
import { proceduralEntries } from './library.js';

/** The index for `root` with `imported` entries added (replacing same ids), deterministic in its inputs. */
export function composeIndex(root: string, imported: AssetEntry[] = [], testShare?: number): AssetIndex {
  const { index } = readIndex(root);
  const share = testShare ?? index?.testShare ?? DEFAULT_TEST_SHARE;
  const keep = new Map<string, AssetEntry>();
  for (const e of index?.assets ?? []) if (e.source.kind === 'imported') keep.set(e.id, e);
  for (const e of imported) keep.set(e.id, e);
  const importedSorted = [...keep.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const all = withSplits([...proceduralEntries(share), ...importedSorted], share);
  return { format: 'spatialgen-asset-index', version: INDEX_VERSION, testShare: share, assets: all };
}

const LOCK_STALE_MS = 120_000;

/**
 * Holds `<root>/index.lock` (a directory: mkdir is atomic) while `fn` runs, so two imports into one library do not
 * lose each other's entries. A lock older than two minutes is taken to be left by a crashed process.
 */
function withIndexLock<T>(root: string, fn: () => T): T {
  mkdirSync(root, { recursive: true });
  const lock = join(root, 'index.lock');
  const deadline = Date.now() + LOCK_STALE_MS;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let age = 0;
      try {
        age = Date.now() - statSync(lock).mtimeMs;
      } catch {
        continue;
      }
      if (age > LOCK_STALE_MS) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`the library index at ${root} stays locked (${lock}); is another import running?`);
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Rewrites `<root>/index.json` (under the index lock); returns the index written. */
export function updateIndex(root: string, imported: AssetEntry[] = [], testShare?: number): AssetIndex {
  return withIndexLock(root, () => {
    const before = readIndex(root).index?.assets ?? [];
    const index = composeIndex(root, imported, testShare);
    writeIndex(root, index);
    removeReplacedFolders(root, before, index.assets);
    return index;
  });
}

/**
 * A re-imported model whose content changed lands in a new folder (folders are named by content): the folder its
 * old entry named goes, once the new index no longer names it, so re-importing leaves no orphan models behind.
 */
function removeReplacedFolders(root: string, before: readonly AssetEntry[], after: readonly AssetEntry[]): void {
  const folder = (e: AssetEntry) => (e.source.kind === 'imported' ? dirname(e.source.file) : null);
  const named = new Set(after.map(folder));
  for (const e of before) {
    const f = folder(e);
    if (f && /^imported\/[\w-][\w.-]*$/.test(f) && !named.has(f)) rmSync(join(root, f), { recursive: true, force: true });
  }
}
