// Writing the library index: the procedural families' entries (regenerated, deterministic) plus the imported
// entries already in the index, splits recomputed over all of them. Import adds or replaces entries through here.
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

/** Rewrites `<root>/index.json`; returns the index written. */
export function updateIndex(root: string, imported: AssetEntry[] = [], testShare?: number): AssetIndex {
  const index = composeIndex(root, imported, testShare);
  writeIndex(root, index);
  return index;
}
