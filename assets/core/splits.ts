// Held-out test split for unseen-object evaluation: within each category a fixed share of assets is `test`, drawn
// separately for the procedural families and for imported models, so importing models never moves a procedural
// asset between splits, and a scans-only build (scene.asset_source: imported) keeps a category's only scan (the
// bowl, the die) in train instead of losing the category. Which ones is decided by a hash of the id alone, so adding
// or re-hashing other assets moves at most a few, and the same library gives the same split on every machine.
import { createHash } from 'node:crypto';
import type { AssetEntry, Split } from './asset.js';

export const DEFAULT_TEST_SHARE = 0.2;

function rank(id: string): string {
  return createHash('sha256').update(`split:${id}`).digest('hex');
}

/** How many of a category's n assets are held out: round(share·n), at least one when share > 0 and n ≥ 2, never all. */
export function testCount(n: number, share: number): number {
  if (share <= 0 || n < 2) return 0;
  return Math.min(n - 1, Math.max(1, Math.round(share * n)));
}

type SplitKey = Pick<AssetEntry, 'id' | 'category'> & { source?: { kind: string } };

/** Split per asset id; a category's procedural and imported assets are drawn apart (see above). */
export function assignSplits(entries: SplitKey[], share: number): Map<string, Split> {
  const byCat = new Map<string, string[]>();
  for (const e of entries) {
    const key = `${e.category}/${e.source?.kind ?? 'procedural'}`;
    const l = byCat.get(key) ?? [];
    l.push(e.id);
    byCat.set(key, l);
  }
  const out = new Map<string, Split>();
  for (const ids of byCat.values()) {
    const sorted = [...ids].sort((a, b) => (rank(a) < rank(b) ? -1 : rank(a) > rank(b) ? 1 : 0));
    const k = testCount(sorted.length, share);
    sorted.forEach((id, i) => out.set(id, i < k ? 'test' : 'train'));
  }
  return out;
}

export function withSplits<T extends SplitKey & Pick<AssetEntry, 'split'>>(entries: T[], share: number): T[] {
  const s = assignSplits(entries, share);
  return entries.map((e) => ({ ...e, split: s.get(e.id)! }));
}
